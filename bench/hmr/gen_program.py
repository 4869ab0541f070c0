#!/usr/bin/env python3
"""Generate the program for the hot-reload latency benchmark (bench/hmr_latency.py).

    python3 bench/hmr/gen_program.py OUTDIR [--lines 1000] [--seed 1] [--sleep-ms 1] [--value 1]

writes, into OUTDIR:

- `logic.ln`: a module of about `--lines` lines of small `pub fn`s (and a few
  structs), with `pub fn value() -> int` in the middle and `pub fn run_all()`
  at the end, which calls every other function once and folds the results
  into a checksum;
- `main.ln`: prints `ready <checksum>`, then loops forever printing
  `logic.value()` and sleeping `--sleep-ms` ms;
- `logic.c`: the same module in C, function for function (same arithmetic,
  same checksum), for the `gcc -shared` + `dlopen` baseline (host: host.c).

The benchmark edits only the body of `value()`: `logic_ln(value)` /
`logic_c(value)` return the whole file with a new number in it, so each edit
is a body change of one function. Only the Python standard library is used;
the output depends only on the arguments.
"""

import argparse
import os
import random
import string

# Each template is (kind, lang text, C text). `$i` is the function's number;
# `$cN` small positive ints; `$fN` float literals (written the same in both
# languages); `$mix`, `$step` the number of an earlier function of that kind
# for the templates that call one. Arithmetic stays far from overflow (C
# signed overflow is undefined), and float results are truncated with
# values well inside the int range, so both languages compute the same ints.

MIX = (
    "mix",
    """\
pub fn mix_$i(a: int, b: int) -> int {
    var acc = (a * $c1 + b) % 100003
    var n = 0
    while n < $c2 {
        if acc % 2 == 0 {
            acc = acc / 2 + n
        } else {
            acc = (acc * 3 + 1) % 100003
        }
        n += 1
    }
    return acc ^ (acc >> 3)
}
""",
    """\
long mix_$i(long a, long b) {
    long acc = (a * $c1 + b) % 100003;
    long n = 0;
    while (n < $c2) {
        if (acc % 2 == 0) {
            acc = acc / 2 + n;
        } else {
            acc = (acc * 3 + 1) % 100003;
        }
        n += 1;
    }
    return acc ^ (acc >> 3);
}
""",
)

STEP = (
    "step",
    """\
pub fn step_$i(x: int) -> int {
    if x < 0 {
        return -x + $c1
    }
    calls += 1
    return mix_$mix(x, $c2) % $c3 + BASE
}
""",
    """\
long step_$i(long x) {
    if (x < 0) {
        return -x + $c1;
    }
    calls += 1;
    return mix_$mix(x, $c2) % $c3 + BASE;
}
""",
)

TOTAL = (
    "total",
    """\
pub fn total_$i(n: int) -> int {
    var xs: [int] = []
    for j in 0..n {
        xs.push(step_$step(j) % $c1)
    }
    var sum = 0
    for x in xs {
        if x > $c2 {
            sum += x * 2
        } else {
            sum -= x
        }
    }
    return sum
}
""",
    """\
long total_$i(long n) {
    long *xs = malloc(sizeof(long) * (size_t)(n > 0 ? n : 1));
    for (long j = 0; j < n; j++) {
        xs[j] = step_$step(j) % $c1;
    }
    long sum = 0;
    for (long j = 0; j < n; j++) {
        long x = xs[j];
        if (x > $c2) {
            sum += x * 2;
        } else {
            sum -= x;
        }
    }
    free(xs);
    return sum;
}
""",
)

BLEND = (
    "blend",
    """\
pub fn blend_$i(x: int, n: int) -> int {
    var total = 0.0
    for j in 0..n {
        let t = float(j) * $f1 + float(x)
        total += t * $f2 - float(j % 3)
    }
    if total > 1000.0 {
        total = total / $f3
    } else if total < -1000.0 {
        total = -total
    }
    return int(total)
}
""",
    """\
long blend_$i(long x, long n) {
    double total = 0.0;
    for (long j = 0; j < n; j++) {
        double t = (double)j * $f1 + (double)x;
        total += t * $f2 - (double)(j % 3);
    }
    if (total > 1000.0) {
        total = total / $f3;
    } else if (total < -1000.0) {
        total = -total;
    }
    return (long)total;
}
""",
)

WALK = (
    "walk",
    """\
pub struct Point$i {
    x: int = 0,
    y: int = $c1,
}

pub fn walk_$i(steps: int) -> int {
    let p = Point$i {}
    for j in 0..steps {
        p.x += j % $c2
        p.y -= p.x % $c3
    }
    return p.x * 3 + p.y
}
""",
    """\
struct point_$i {
    long x;
    long y;
};

long walk_$i(long steps) {
    struct point_$i p = { 0, $c1 };
    for (long j = 0; j < steps; j++) {
        p.x += j % $c2;
        p.y -= p.x % $c3;
    }
    return p.x * 3 + p.y;
}
""",
)

PICK = (
    "pick",
    """\
pub fn pick_$i(k: int) -> int {
    let table: {int: int} = {1: $c1, 2: $c2, 3: $c3}
    let key = k % 4
    if has(table, key) {
        return table[key]
    }
    return $c4
}
""",
    """\
long pick_$i(long k) {
    long key = k % 4;
    switch (key) {
    case 1: return $c1;
    case 2: return $c2;
    case 3: return $c3;
    default: return $c4;
    }
}
""",
)

TEMPLATES = [MIX, STEP, TOTAL, BLEND, WALK, PICK]

# How run_all calls a function of each kind (same arguments in both languages).
CALLS = {
    "mix": "mix_{i}({a}, {b})",
    "step": "step_{i}({a})",
    "total": "total_{i}({n})",
    "blend": "blend_{i}({a}, {n})",
    "walk": "walk_{i}({n})",
    "pick": "pick_{i}({a})",
}

LN_HEADER = """\
// Generated by bench/hmr/gen_program.py: the module that the hot-reload latency
// benchmark edits. Only the body of `value()` changes between edits.

let BASE = 17
pub var calls: int = 0

"""

C_HEADER = """\
/* Generated by bench/hmr/gen_program.py: the C twin of logic.ln, for the
   gcc -shared + dlopen baseline. Only the body of value() changes. */
#include <stdlib.h>

static const long BASE = 17;
long calls = 0;

"""

LN_VALUE = """\
// The function the benchmark edits: each save returns a new number.
pub fn value() -> int {
    return @VALUE@
}

"""

C_VALUE = """\
/* The function the benchmark edits: each save returns a new number. */
long value(void) {
    return @VALUE@;
}

"""

LN_MAIN = """\
// Generated by bench/hmr/gen_program.py: the hot-reload latency benchmark's
// main loop. It calls the edited function every iteration.
import logic

fn main() {
    print("ready {logic.run_all()}")
    while true {
        print(logic.value())
        sleep(@SLEEP@)
    }
}
"""


def fill(text, values):
    return string.Template(text).substitute(values)


class Program:
    """The generated sources; `logic_ln(v)` / `logic_c(v)` give logic.* with value() returning v."""

    def __init__(self, lines=1000, seed=1, sleep_ms=1):
        rng = random.Random(seed)
        ln_parts, c_parts, calls = [], [], []
        seen = {kind: [] for kind, _, _ in TEMPLATES}
        ln_lines = LN_HEADER.count("\n") + LN_VALUE.count("\n")
        i = 0
        value_at = None
        # Stop when the functions plus run_all (one line per call, plus 5) reach `lines`.
        while ln_lines + len(calls) + 5 < lines:
            if i < len(TEMPLATES):
                kind, ln_text, c_text = TEMPLATES[i]  # every kind at least once, in order
            else:
                kind, ln_text, c_text = rng.choice(TEMPLATES)
            values = {
                "i": i,
                "c1": rng.randint(2, 40),
                "c2": rng.randint(2, 40),
                "c3": rng.randint(2, 40),
                "c4": rng.randint(2, 40),
                "f1": "{:.2f}".format(rng.uniform(0.1, 3.0)),
                "f2": "{:.2f}".format(rng.uniform(0.1, 3.0)),
                "f3": "{:.2f}".format(rng.uniform(1.5, 9.0)),
                "mix": rng.choice(seen["mix"]) if seen["mix"] else 0,
                "step": rng.choice(seen["step"]) if seen["step"] else 0,
            }
            ln_parts.append(fill(ln_text, values) + "\n")
            c_parts.append(fill(c_text, values) + "\n")
            ln_lines += ln_parts[-1].count("\n")
            seen[kind].append(i)
            calls.append(
                CALLS[kind].format(i=i, a=rng.randint(-5, 60), b=rng.randint(0, 60), n=rng.randint(5, 30))
            )
            i += 1
            if value_at is None and ln_lines >= lines // 2:
                value_at = len(ln_parts)
        if value_at is None:
            value_at = len(ln_parts)
        ln_parts.insert(value_at, LN_VALUE)
        c_parts.insert(value_at, C_VALUE)
        ln_run = "pub fn run_all() -> int {\n    var sum = 0\n"
        c_run = "long run_all(void) {\n    long sum = 0;\n"
        for call in calls:
            ln_run += f"    sum = (sum + {call}) % 1000000007\n"
            c_run += f"    sum = (sum + {call}) % 1000000007;\n"
        ln_run += "    return sum + calls\n}\n"
        c_run += "    return sum + calls;\n}\n"
        self.functions = i + 2  # the templates' functions, value and run_all
        self._ln = LN_HEADER + "".join(ln_parts) + ln_run
        self._c = C_HEADER + "".join(c_parts) + c_run
        self.main_ln = LN_MAIN.replace("@SLEEP@", str(sleep_ms))

    def logic_ln(self, value):
        return self._ln.replace("@VALUE@", str(value))

    def logic_c(self, value):
        return self._c.replace("@VALUE@", str(value))

    def write(self, outdir, value):
        os.makedirs(outdir, exist_ok=True)
        for name, text in (
            ("main.ln", self.main_ln),
            ("logic.ln", self.logic_ln(value)),
            ("logic.c", self.logic_c(value)),
        ):
            with open(os.path.join(outdir, name), "w") as f:
                f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sleep-ms", type=int, default=1)
    parser.add_argument("--value", type=int, default=1)
    args = parser.parse_args()
    program = Program(args.lines, args.seed, args.sleep_ms)
    program.write(args.outdir, args.value)
    print(
        f"{args.outdir}: logic.ln {program.logic_ln(args.value).count(chr(10))} lines, "
        f"logic.c {program.logic_c(args.value).count(chr(10))} lines, {program.functions} functions"
    )


if __name__ == "__main__":
    main()
