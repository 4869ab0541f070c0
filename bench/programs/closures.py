"""closures: the closure pipeline of closures.ln: map, filter and reduce with
lambdas capturing locals, and a sort whose key comes from a captured table.
See closures.ln for the exact computation and output."""
import sys
from functools import reduce

seed = 42


def rnd():
    global seed
    seed = seed * 16807 % 2147483647
    return seed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    xs = [rnd() % 1000000 for _ in range(n)]
    keys = [rnd() % 1000 for _ in range(1024)]
    scale, offset, modulus, weight = 3, 7, 3, 31
    ys = list(map(lambda x: (x * scale + offset) % 100003, xs))
    zs = list(filter(lambda y: y % modulus != 0, ys))
    total = reduce(lambda acc, z: (acc + z * weight) % 1000000007, zs, 0)
    zs.sort(key=lambda p: (keys[p % 1024], p))
    check = 0
    for i, z in enumerate(zs):
        check = (check + z * (i % 1000 + 1)) % 1000000007
    k = len(zs)
    print(f"mapped: {len(ys)}")
    print(f"kept: {k}")
    print(f"reduced: {total}")
    print(f"checksum: {check}")
    print(f"first: {zs[0]} {zs[1]} {zs[2]}")
    print(f"last: {zs[k - 1]}")


main()
