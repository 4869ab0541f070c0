"""strformat: build N report lines with format specs
(f"{i:6} {name:<10} {v:10.3f} {code:05}|") and reduce them to a small output.
See strformat.ln for the exact computation."""
import sys

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
         "golf", "hotel", "india", "juliett", "kilo", "lima-mike-november"]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    total = 0
    h = 0
    first = second = last = ""
    for i in range(n):
        name = NAMES[i % 12]
        v = float(i * 7919 % 100000) / 64.0 - 500.0
        code = i * 31 % 2001 - 1000
        line = f"{i:6} {name:<10} {v:10.3f} {code:05}|"
        total += len(line)
        if i % 16 == 0:
            for b in line.encode():
                h = (h * 31 + b) % 1000000007
        if i == 0:
            first = line
        elif i == 1:
            second = line
        if i == n - 1:
            last = line
    print(f"lines: {n}")
    print(f"bytes: {total}")
    print(f"hash: {h}")
    print(first)
    print(second)
    print(last)


main()
