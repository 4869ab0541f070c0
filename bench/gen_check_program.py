#!/usr/bin/env python3
"""Generate a large, valid `lang` program for the front-end speed benchmark.

    python3 bench/gen_check_program.py OUTDIR [--lines N] [--modules M] [--seed S]

writes `main.ln` plus `mod_01.ln` ... `mod_{M-1}.ln` into OUTDIR (created if
missing), about N lines in all (default 100,000 lines over 50 modules).

The program is assembled from a fixed set of function templates (below), each a
small, complete, well-typed function written once by hand against LANGUAGE.md.
Randomness (seeded, so the output is the same on every machine) only picks
which template comes next, small integer and float constants, and which
already-defined function of the right signature a template calls. So the
program is valid when every template is, and each template is easy to read.

Module structure: `mod_k` imports `mod_{k-1}`, `mod_{k-2}` and `mod_{k/2}` (those
that exist and are distinct); `main` imports the last few modules and `mod_01`.
Every module declares the same items (`pub struct Vec/Body/Item/Stats`,
`pub let LIMIT/SCALE`, `pub var counter/label`, ...), so a template can use the
items of its own module (unqualified) or of an imported one (`mod_06.Item`).
Each module ends with `pub fn run_all() -> int`, which calls every "mid-level"
function of the module once and `run_all` of its first import, so the program
also runs (quickly, without runtime errors) under `lang run`.

Only the Python standard library is used.
"""

import argparse
import os
import random
import string
import sys

# ---------------------------------------------------------------------------
# Module header. `$name` is the module's name, `$limit` an int, `$base` an int
# expression (may use an imported module's LIMIT).
# ---------------------------------------------------------------------------

HEADER = """\
pub struct Vec {
    x: float = 0.0,
    y: float = 0.0,
}

pub struct Body {
    pos: Vec = Vec {},
    vel: Vec = Vec { x: 1.0 },
    mass: float = 1.0,
}

pub struct Item {
    name: str,
    weight: float = 1.0,
    count: int = 0,
    tags: [str] = [],
    next: ?Item = nil,
}

pub struct Stats {
    total: int = 0,
    mean: float = 0.0,
    names: {str: int} = {},
    best: ?str = nil,
}

pub let LIMIT = $limit
pub let SCALE = $scale
pub var counter: int = 0
pub var label = "$name"
var history: [int] = []
let NAMES: {int: str} = {1: "one", 2: "two", 3: "three"}
let BASE = $base
"""

# ---------------------------------------------------------------------------
# Leaf templates: they call built-ins only. Each has a fixed signature (its
# "kind"), so other templates can call any leaf of a kind by name.
#   $pub  "pub " or ""      $i  the function's number within its module
#   $cN   small positive int constants      $fN  float literals
# ---------------------------------------------------------------------------

LEAVES = {
    # fn(int, int) -> int
    "mix": """\
${pub}fn mix_$i(a: int, b: int) -> int {
    var acc = a * $c1 + b
    var n = 0
    while n < $c2 {
        if acc % 2 == 0 {
            acc = acc / 2 + n
        } else if acc > $big {
            acc = acc - $c3
        } else {
            acc = acc * 3 + 1
        }
        n += 1
    }
    let mask = acc & $mask
    return acc ^ (mask << 2)
}
""",
    # fn(float, int) -> float
    "blend": """\
${pub}fn blend_$i(x: float, n: int) -> float {
    var total = 0.0
    for j in 0..n {
        let t = float(j) * $f1 + x
        total += sqrt(t * t + 1.0) * SCALE
    }
    if total > $f2 {
        total = floor(total / $f3)
    } else if total < -$f2 {
        total = ceil(total)
    }
    return total + float(n) * $f4
}
""",
    # fn(str, int) -> str
    "tag": """\
${pub}fn tag_$i(s: str, n: int) -> str {
    var out = s
    let reps = n % $c1
    for j in 0..=reps {
        out = out + "-{j}"
    }
    let size = len(out)
    if size > $big {
        return "{s}:{size}"
    }
    return "{out}/{n.str()}"
}
""",
    # fn(int) -> int
    "step": """\
${pub}fn step_$i(x: int) -> int {
    if x < 0 {
        return -x + $c1
    }
    return x * $c2 % $c3 + BASE
}
""",
    # fn([int]) -> int
    "total": """\
${pub}fn total_$i(xs: [int]) -> int {
    var sum = 0
    for x in xs {
        if x > $c1 {
            sum += x * 2
        } else {
            sum -= x
        }
    }
    return sum + xs.len()
}
""",
    # fn([int], int) -> ?int
    "find": """\
${pub}fn find_$i(xs: [int], target: int) -> ?int {
    var idx = 0
    while idx < len(xs) {
        if xs[idx] == target {
            return idx
        }
        idx += 1
    }
    return nil
}
""",
    # fn([str]) -> {str: int}
    "tally": """\
${pub}fn tally_$i(words: [str]) -> {str: int} {
    var counts: {str: int} = {}
    for w in words {
        if counts.has(w) {
            counts[w] = counts[w] + $c1
        } else {
            counts[w] = 1
        }
    }
    return counts
}
""",
    # fn({str: int}) -> int
    "weigh": """\
${pub}fn weigh_$i(m: {str: int}) -> int {
    var best = 0
    for k, v in m {
        if len(k) > $c1 and v > best {
            best = v
        }
    }
    let names = m.keys()
    return best + len(names)
}
""",
    # fn(str, float) -> Item
    "make_item": """\
${pub}fn make_item_$i(name: str, w: float) -> Item {
    let it = Item { name: name, weight: w * $f1 }
    it.tags.push("t$i")
    it.count = len(name) + $c1
    if w > $f2 {
        it.next = Item { name: name + "+", count: $c2 }
    }
    return it
}
""",
    # fn(Item) -> int
    "score": """\
${pub}fn score_$i(it: Item) -> int {
    var s = it.count * $c1
    for t in it.tags {
        s += len(t)
    }
    if let nx = it.next {
        s += nx.count
    } else {
        s -= 1
    }
    if it.weight > $f1 {
        s += int(it.weight)
    }
    return s
}
""",
    # fn(int) -> int, builds and walks a linked list of optionals
    "chain": """\
${pub}fn chain_$i(n: int) -> int {
    var head: ?Item = nil
    for j in 0..n {
        head = Item { name: "n{j}", count: j * $c1, next: head }
    }
    var sum = 0
    var cur = head
    while cur != nil {
        let node = cur!
        sum += node.count
        cur = node.next
    }
    return sum
}
""",
    # fn(int), updates module state
    "record": """\
${pub}fn record_$i(n: int) {
    counter += n
    history.push(n % $c1)
    if len(history) > $c2 {
        let dropped = history.pop()
        counter -= dropped
    }
}
""",
    # fn(fn(int) -> int, [int]) -> [int]
    "apply": """\
${pub}fn apply_$i(f: fn(int) -> int, xs: [int]) -> [int] {
    var out: [int] = []
    for x in xs {
        out.push(f(x))
    }
    return out
}
""",
    # fn([str], str) -> str
    "join": """\
${pub}fn join_$i(parts: [str], sep: str) -> str {
    var out = ""
    var first = true
    for p in parts {
        if first {
            first = false
        } else {
            out += sep
        }
        out += p
    }
    return out
}
""",
    # fn([int]) -> [int], insertion sort into a copy
    "sorted": """\
${pub}fn sorted_$i(xs: [int]) -> [int] {
    var out: [int] = []
    for x in xs {
        out.push(x)
    }
    var n = 1
    while n < len(out) {
        let v = out[n]
        var j = n - 1
        while j >= 0 and out[j] > v {
            out[j + 1] = out[j]
            j -= 1
        }
        out[j + 1] = v
        n += 1
    }
    return out
}
""",
    # fn(int) -> str, nested ifs
    "classify": """\
${pub}fn classify_$i(n: int) -> str {
    if n < 0 {
        return "negative"
    } else if n == 0 {
        return "zero"
    } else if n < $c1 {
        if n % 2 == 0 {
            return "small even"
        }
        return "small odd"
    } else {
        let digits = len(str(n))
        if digits > 3 {
            return "large ({digits} digits)"
        }
    }
    return NAMES[n % 3 + 1]
}
""",
}

LEAF_ORDER = list(LEAVES)

# ---------------------------------------------------------------------------
# Mid-level templates: they call leaves of their own module (any) or of an
# imported module (pub ones), named by placeholders that hold the function's
# full name (`step_3` or `mod_06.step_3`). `$q` is "" or "mod_06." and names
# the module whose items a template uses. Each entry: (template, callee kinds,
# kinds that must come from module $q, how run_all calls it).
# ---------------------------------------------------------------------------

MIDS = {
    "pipeline": ("""\
${pub}fn pipeline_$i(n: int) -> int {
    let f: fn(int) -> int = $step1
    let g: fn(int) -> int = $step2
    var xs: [int] = []
    for j in 0..n % $c1 + 2 {
        xs.push(f(j) + g(j * 2))
    }
    let ys = $apply($step3, xs)
    var sum = $total(ys)
    if let pos = $find(xs, sum % $c2) {
        sum += pos
    } else {
        sum -= 1
    }
    return $mix(sum, len(xs))
}
""", {"step1": "step", "step2": "step", "step3": "step", "apply": "apply",
      "total": "total", "find": "find", "mix": "mix"}, {},
        "total += pipeline_$i($a1)"),

    "describe": ("""\
${pub}fn describe_$i(name: str, w: float) -> str {
    let it = $make_item(name, w)
    it.tags.push(name + "!")
    let s = $score(it)
    let text = $tag(name, s)
    let parts = [text, it.name, "{s}"]
    return "[{$join(parts, ", ")}] w={fixed(it.weight, 2)} tags={len(it.tags)}"
}
""", {"tag": "tag", "join": "join"}, {"make_item": "make_item", "score": "score"},
        'total += len(describe_$i("$word", $f1))'),

    "stats": ("""\
${pub}fn stats_$i(words: [str]) -> Stats {
    let counts = $tally(words)
    var st = Stats { names: counts }
    var sum = 0
    for k, v in counts {
        sum += v
        if v > 1 {
            st.total += v
            st.best = k
        }
    }
    if len(counts) > 0 {
        st.mean = float(sum) / float(len(counts))
    }
    st.total += $weigh(counts)
    if let b = st.best {
        st.total += len(b)
    }
    return st
}
""", {"tally": "tally", "weigh": "weigh"}, {},
        'total += stats_$i(["$word", "b", "$word", "cc"]).total'),

    "simulate": ("""\
${pub}fn simulate_$i(steps: int) -> float {
    let b = Body { mass: $f1 }
    var t = 0.0
    for s in 0..steps {
        let dt = $dt * float(s + 1)
        b.vel.y -= 9.81 * dt
        b.pos.x += b.vel.x * dt
        b.pos.y += b.vel.y * dt
        if b.pos.y < 0.0 {
            b.pos.y = -b.pos.y
            b.vel.y = -b.vel.y * 0.5
        }
        t += $blend(b.pos.x, s % 3)
    }
    return t + abs(b.pos.y) + max(b.mass, 1.0)
}
""", {"blend": "blend"}, {},
        "total += int(simulate_$i($a1))"),

    "update": ("""\
${pub}fn update_$i(n: int) {
    for j in 0..n {
        $record(j * 2 + 1)
    }
    ${q}counter = ${q}counter + n
    if len(${q}label) < 40 {
        ${q}label = ${q}label + "."
    }
}
""", {"record": "record"}, {},
        "update_$i($a1)"),

    "cross": ("""\
${pub}fn cross_$i(n: int) -> float {
    let v: ${q}Vec = ${q}Vec { x: float(n), y: $f1 }
    var items: [${q}Item] = []
    for j in 0..$c1 {
        items.push(${q}Item { name: "c{j}", count: j + n })
    }
    var sum = v.x + v.y
    for it in items {
        sum += float($score(it))
    }
    return sum * ${q}SCALE + float(${q}LIMIT)
}
""", {}, {"score": "score"},
        "total += int(cross_$i($a1))"),

    "grid": ("""\
${pub}fn grid_$i(w: int, h: int) -> int {
    let width = abs(w) % 8 + 1
    let height = abs(h) % 8 + 1
    var grid: [[int]] = []
    for y in 0..height {
        var row = fill(width, 0)
        for x in 0..width {
            row[x] = (x * $c1 + y * $c2) % $c3
        }
        grid.push(row)
    }
    var best = -1
    for row in grid {
        for cell in row {
            if cell == $c4 {
                continue
            }
            best = max(best, cell)
        }
    }
    return best
}
""", {}, {},
        "total += grid_$i($a1, $a2)"),

    "report": ("""\
${pub}fn report_$i(xs: [int]) -> str {
    let ordered = $sorted(xs)
    let table: {str: int} = {
        "low": 0,
        "high": 0,
    }
    var lines: [str] = []
    for x in ordered {
        if x > $c1 {
            table["high"] = table["high"] + 1
        } else {
            table["low"] = table["low"] + 1
        }
        lines.push($classify(x))
        if len(lines) >= $c2 {
            break
        }
    }
    var text = "\\{report\\}\\t"
    for k, v in table {
        text = text + "{k}={v} "
    }
    return text + $join(lines, "; ")
}
""", {"sorted": "sorted", "classify": "classify", "join": "join"}, {},
        "total += len(report_$i([$a1, 3, $a2, 1, 250]))"),

    "bits": ("""\
${pub}fn bits_$i(seed: int) -> int {
    var h = seed ^ 0x5bd1_e995
    for r in 0..=$c1 {
        h = (h << 5) | (h >> 3)
        h = h ^ ~r
        h = h & 0xffff_ffff
    }
    if not (h > 1_000) {
        h += ${q}LIMIT
    }
    return $step(h % 1_000_003) + $chain($c2)
}
""", {"step": "step", "chain": "chain"}, {},
        "total += bits_$i($a1)"),
}

MID_ORDER = list(MIDS)

MASKS = ["0xff", "0x7f", "0b1111_0000", "255", "0x3_ff", "1_023"]
FLOATS = ["0.25", "0.5", "1.5", "2.5e-3", "0.125", "3.75", "1e2", "0.01"]
BIG_FLOATS = ["100.0", "250.5", "1e3", "64.0"]
DIVISORS = ["3.0", "2.0", "7.5", "1.5"]
STEPS = ["0.01", "0.02", "5e-3", "0.016"]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "kappa", "sigma"]


class ModuleInfo:
    """What importers can see of a generated module: its pub leaves by kind."""

    def __init__(self, name):
        self.name = name
        self.pub = {kind: [] for kind in LEAF_ORDER}


class ModuleGen:
    def __init__(self, name, imports, rng, budget, is_main):
        self.name = name
        self.imports = imports  # list of ModuleInfo
        self.rng = rng
        self.budget = budget
        self.is_main = is_main
        self.info = ModuleInfo(name)
        self.own = {kind: [] for kind in LEAF_ORDER}  # every leaf, pub or not
        self.mids = []  # run_all call statements
        self.chunks = []
        self.lines = 0
        self.next_index = 1

    # -- helpers ---------------------------------------------------------

    def c(self, lo, hi):
        return str(self.rng.randint(lo, hi))

    def constants(self):
        r = self.rng
        return {
            "c1": self.c(2, 9), "c2": self.c(3, 12), "c3": self.c(97, 1013),
            "c4": self.c(1, 9), "big": self.c(40, 2000),
            "mask": r.choice(MASKS),
            "f1": r.choice(FLOATS), "f2": r.choice(BIG_FLOATS),
            "f3": r.choice(DIVISORS), "f4": r.choice(FLOATS),
            "dt": r.choice(STEPS),
            "a1": self.c(3, 20), "a2": self.c(2, 9),
            "word": r.choice(WORDS),
        }

    def candidates(self, kind):
        """Full names of every callable leaf of `kind`: own ones, then imported pub ones."""
        names = list(self.own[kind])
        for m in self.imports:
            names.extend(m.name + "." + f for f in m.pub[kind])
        return names

    def module_choices(self, kinds):
        """(qualifier, {kind: [names]}) for this module and each import that has every kind."""
        choices = []
        if all(self.own[k] for k in kinds):
            choices.append(("", self.own))
        for m in self.imports:
            if all(m.pub[k] for k in kinds):
                choices.append((m.name + ".", m.pub))
        return choices

    def emit(self, text):
        self.chunks.append(text)
        self.lines += text.count("\n")

    def fits(self, text, extra=0):
        """Whether `text` (plus a blank line, `extra` lines of run_all, and what
        run_all and main need already) stays within the module's line budget."""
        reserve = self.run_all().count("\n")
        if self.is_main:
            reserve += 1 + self.main_fn().count("\n")
        return self.lines + text.count("\n") + 1 + extra + reserve <= self.budget

    # -- rendering -------------------------------------------------------

    def render_leaf(self, kind, public):
        i = self.next_index
        values = self.constants()
        values.update(pub="pub " if public else "", i=str(i))
        return i, string.Template(LEAVES[kind]).substitute(values)

    def render_mid(self, kind):
        template, callees, from_q, call = MIDS[kind]
        values = self.constants()
        i = self.next_index
        values.update(pub=self.rng.choice(["pub ", "pub ", ""]), i=str(i))
        q_kinds = sorted(set(from_q.values()))
        choices = self.module_choices(q_kinds)
        if not choices:
            return None
        q, names = self.rng.choice(choices)
        values["q"] = q
        for slot, k in from_q.items():
            values[slot] = q + self.rng.choice(names[k])
        for slot, k in callees.items():
            options = self.candidates(k)
            if not options:
                return None
            values[slot] = self.rng.choice(options)
        text = string.Template(template).substitute(values)
        call_text = string.Template(call).substitute(values)
        return i, text, call_text

    def add_leaf(self, kind, public):
        i, text = self.render_leaf(kind, public)
        if not self.fits(text):
            return False
        self.emit(text + "\n")
        self.next_index += 1
        name = "%s_%d" % (kind, i)
        self.own[kind].append(name)
        if public:
            self.info.pub[kind].append(name)
        return True

    def add_mid(self, kind):
        rendered = self.render_mid(kind)
        if rendered is None:
            return True  # a callee kind is missing (tiny budgets): just skip it
        i, text, call_text = rendered
        if not self.fits(text, extra=1):
            return False
        self.emit(text + "\n")
        self.next_index += 1
        self.mids.append(call_text)
        return True

    def header(self):
        lines = ["// %s.ln: generated by bench/gen_check_program.py, do not edit." % self.name]
        for m in self.imports:
            lines.append("import " + m.name)
        lines.append("")
        first = self.imports[0].name + ".LIMIT * 2 + " if self.imports else ""
        values = {
            "name": self.name,
            "limit": self.c(10, 99),
            "scale": self.rng.choice(["1.25", "0.75", "2.0", "1.5"]),
            "base": first + "LIMIT",
        }
        lines.append(string.Template(HEADER).substitute(values))
        self.emit("\n".join(lines) + "\n")

    def run_all(self):
        pub = "" if self.is_main else "pub "
        out = ["%sfn run_all() -> int {" % pub]
        if self.imports:
            out.append("    var total = %s.run_all()" % self.imports[0].name)
        else:
            out.append("    var total = 0")
        for call in self.mids:
            out.append("    " + call)
        out.append("    total += counter + len(history)")
        out.append("    return total")
        out.append("}")
        return "\n".join(out) + "\n"

    def main_fn(self):
        out = [
            "fn main() {",
            "    let started = clock()",
            "    var total = run_all()",
        ]
        for m in self.imports[1:]:
            out.append("    total += %s.run_all()" % m.name)
        out.append('    print("total = {total}")')
        for m in self.imports:
            out.append('    print("%s: counter = {%s.counter}, label = {len(%s.label)} chars")'
                       % (m.name, m.name, m.name))
        out += [
            "    let elapsed = clock() - started",
            "    assert(elapsed >= 0.0, \"the clock is monotonic\")",
            "}",
        ]
        return "\n".join(out) + "\n"

    # -- the module --------------------------------------------------------

    def generate(self):
        self.header()
        # One pub leaf of every kind first, so that mid-level functions here
        # and in importers always find a callee of each kind.
        full = False
        for kind in LEAF_ORDER:
            if not self.add_leaf(kind, True):
                full = True
                break
        # Then a seeded mix: roughly one leaf for every two mid-level functions.
        while not full:
            if self.rng.random() < 0.35:
                ok = self.add_leaf(self.rng.choice(LEAF_ORDER), self.rng.random() < 0.6)
            else:
                ok = self.add_mid(self.rng.choice(MID_ORDER))
            full = not ok
        # Fill the rest of the budget with the smallest template.
        while self.add_leaf("step", True):
            pass
        self.emit(self.run_all())
        if self.is_main:
            self.emit("\n" + self.main_fn())
        return "".join(self.chunks)


def module_name(k, width):
    return "mod_%0*d" % (width, k)


def generate(outdir, total_lines, modules, seed):
    if modules < 1:
        raise SystemExit("--modules must be at least 1")
    rng = random.Random(seed)
    width = max(2, len(str(modules - 1)))
    per_module = total_lines // modules
    infos = {}
    files = []
    for k in range(1, modules):
        deps = []
        for d in (k - 1, k - 2, k // 2):
            if d >= 1 and d not in deps:
                deps.append(d)
        gen = ModuleGen(module_name(k, width), [infos[d] for d in deps], rng, per_module, False)
        files.append((gen.name + ".ln", gen.generate()))
        infos[k] = gen.info
    deps = []
    for d in (modules - 1, modules - 2, modules - 3, (modules - 1) // 2, 1):
        if 1 <= d < modules and d not in deps:
            deps.append(d)
    main_budget = total_lines - per_module * (modules - 1)
    gen = ModuleGen("main", [infos[d] for d in deps], rng, main_budget, True)
    files.append(("main.ln", gen.generate()))

    os.makedirs(outdir, exist_ok=True)
    lines = 0
    for name, text in files:
        with open(os.path.join(outdir, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        lines += text.count("\n")
    return lines, len(files)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="directory to write main.ln and mod_NN.ln into")
    parser.add_argument("--lines", type=int, default=100_000, help="about how many lines in all (default 100000)")
    parser.add_argument("--modules", type=int, default=50, help="number of files, main.ln included (default 50)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    lines, files = generate(args.outdir, args.lines, args.modules, args.seed)
    print("wrote %d lines in %d modules to %s" % (lines, files, args.outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
