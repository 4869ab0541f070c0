#!/usr/bin/env python3
"""Hot-reload latency: `lang run --hmr` against the classic C gcc + dlopen loop.

    python3 bench/hmr_latency.py

Measures the time from a completed save to the first output of the new code,
for a body change in a 1,000-line module whose program calls the edited
function in a tight loop (sleeping 1 ms per iteration):

- lang: `main.ln` loops `print(logic.value()); sleep(1)` under
  `lang run --hmr main.ln`; each edit rewrites `logic.ln` in place (open,
  truncate, write, close, as editors that write in place do) with `value()`
  returning a new number. The clock starts right after close() and stops when
  that number shows up on the process's stdout. The `[hmr] ... in X ms` lines on
  stderr (the runtime's own event-to-swap time) are collected too.
- C: a host (bench/hmr/host.c, gcc -O2) dlopen()s a fresh copy of
  `liblogic.so`, prints `value()` in a loop with usleep(1000) and stats the .so
  every iteration to reload it. Each edit rewrites `logic.c` (the same module in
  C) in place, then runs the build-on-save hook
  `gcc -O0 -shared -fPIC -o liblogic.so.tmp logic.c && mv liblogic.so.tmp liblogic.so`;
  the clock starts after the source's close(), so gcc is inside the time.

Both get the same edits, with a random 50-150 ms pause after each new value
appears so every save is separate. Prints p50/p95/p99/max for both, the goals
for lang (p50 < 20 ms, p99 < 50 ms) as met/MISSED, and anything odd seen:
reload rejections, saves that gave no reload or several, values out of order,
stderr noise. Exits 0 whatever the numbers; 1 if the set-up fails (lang cannot
be built, the program does not pass `lang check`, lang does not start).

Percentiles interpolate linearly between the two nearest samples (numpy's
default); with 50 edits p99 lies between the two slowest. A save whose value
does not appear within DEADLINE seconds counts as a timeout, and as an
infinite time in the percentiles.

Environment:
  EDITS=50          measured edits per side (after WARMUP untimed ones)
  WARMUP=1          edits done first and reported apart (the first reload also
                    pays one-time costs)
  LANG_BIN          lang binary (default: target/release/lang, built with
                    `cargo build --release -p lang` if missing)
  SLEEP_MS=1        sleep per loop iteration, both programs
  LINES=1000        size of the generated module
  DEADLINE=5        seconds to wait for each edit's value
  SEED=1            pauses and generated program
  SIDES="lang c"    which sides to run
  RESULTS_TSV       also write one line per edit to this file
  KEEP_TMP=1        keep the temp dir (sources, per-edit TSV, full stderr)

Only the Python 3 standard library is needed (plus gcc for the C side).
"""

import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(HERE, "hmr"))
from gen_program import Program  # noqa: E402

GOAL_P50_MS = 20.0
GOAL_P99_MS = 50.0
HOOK = "gcc -O0 -shared -fPIC -o liblogic.so.tmp logic.c && mv liblogic.so.tmp liblogic.so"
HMR_LINE = re.compile(r"^\[hmr\] (\S+) v(\d+): (\d+) functions? changed(?: \((.*)\))? in ([0-9.]+) ms\s*$")
START_DEADLINE = 60.0


def env_int(name, default):
    text = os.environ.get(name, "")
    try:
        return int(text) if text.strip() else default
    except ValueError:
        sys.exit(f"error: {name}={text!r} is not an integer")


def env_float(name, default):
    text = os.environ.get(name, "")
    try:
        return float(text) if text.strip() else default
    except ValueError:
        sys.exit(f"error: {name}={text!r} is not a number")


def log(message):
    print(message, file=sys.stderr, flush=True)


def write_in_place(path, text):
    """Open, truncate, write, close, as an editor writing in place; returns the time after close."""
    data = text.encode()
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    return time.perf_counter()


def percentile(samples, p):
    """Linear interpolation between closest ranks; inf (a timeout) propagates."""
    s = sorted(samples)
    if not s:
        return None
    k = (len(s) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    if s[hi] == math.inf:
        return math.inf
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def with_ms(value):
    text = fmt_ms(value, 0).strip()
    return text if text in ("-", "timeout") else text + " ms"


def fmt_ms(value, width=8):
    if value is None:
        text = "-"
    elif value == math.inf:
        text = "timeout"
    else:
        text = f"{value:.1f}"
    return text.rjust(width)


# ------------------------------------------------------------------ processes
class Reader(threading.Thread):
    """Reads a pipe with os.read, timestamps each chunk on arrival (perf_counter).

    For stdout it records, per integer line, the first time each value was seen
    and the sequence of value changes; for stderr it keeps every line."""

    def __init__(self, fd, kind):
        super().__init__(daemon=True)
        self.fd = fd
        self.kind = kind
        self.cond = threading.Condition()
        self.first_seen = {}  # value -> time
        self.changes = []  # (time, value) each time the printed value differs from the last
        self.lines = []  # stderr: (time, text)
        self.ready = None  # the `ready N` line's N
        self.count = 0
        self.closed = False

    def run(self):
        pending = b""
        last = None
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                chunk = b""
            now = time.perf_counter()
            if not chunk:
                break
            pending += chunk
            *complete, pending = pending.split(b"\n")
            notify = False
            with self.cond:
                for raw in complete:
                    text = raw.decode(errors="replace").rstrip("\r")
                    self.count += 1
                    if self.kind == "stderr":
                        self.lines.append((now, text))
                        notify = True
                        continue
                    if text.startswith("ready "):
                        self.ready = text[6:].strip()
                        notify = True
                        continue
                    try:
                        value = int(text)
                    except ValueError:
                        self.lines.append((now, text))
                        continue
                    if value != last:
                        self.changes.append((now, value))
                        self.first_seen.setdefault(value, now)
                        last = value
                        notify = True
                if notify:
                    self.cond.notify_all()
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait_for(self, predicate, deadline):
        """Waits until predicate() (called under the lock) is true or perf_counter() passes deadline."""
        with self.cond:
            while not predicate():
                remaining = deadline - time.perf_counter()
                if remaining <= 0 or self.closed:
                    return predicate()
                self.cond.wait(remaining)
            return True


class Child:
    def __init__(self, cmd, cwd, env=None):
        self.cmd = cmd
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.out = Reader(self.proc.stdout.fileno(), "stdout")
        self.err = Reader(self.proc.stderr.fileno(), "stderr")
        self.out.start()
        self.err.start()

    def stop(self):
        """Ends the process group this child leads (and only it)."""
        if self.proc.poll() is None:
            for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        self.out.join(2.0)
        self.err.join(2.0)
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass

    def stderr_text(self):
        with self.err.cond:
            return "\n".join(text for _, text in self.err.lines)


# ---------------------------------------------------------------------- sides
class Side:
    """One side of the comparison: start its program, save an edit, describe reloads."""

    title = ""

    def __init__(self, workdir, program):
        self.workdir = workdir
        self.program = program
        self.child = None

    def start(self):
        raise NotImplementedError

    def save(self, value):
        """Writes the edit; returns (t_saved, extra) where extra is a dict for the per-edit record."""
        raise NotImplementedError


class LangSide(Side):
    title = "lang --hmr"
    key = "lang"

    def __init__(self, workdir, program, lang_bin):
        super().__init__(workdir, program)
        self.lang_bin = lang_bin

    def start(self):
        env = dict(os.environ)
        env.pop("LANG_HMR", None)
        env["NO_COLOR"] = "1"
        self.child = Child([self.lang_bin, "run", "--hmr", "main.ln"], self.workdir, env)

    def save(self, value):
        return write_in_place(os.path.join(self.workdir, "logic.ln"), self.program.logic_ln(value)), {}


class CSide(Side):
    title = "C gcc+dlopen"
    key = "c"

    def __init__(self, workdir, program, host):
        super().__init__(workdir, program)
        self.host = host

    def start(self):
        scratch = os.path.join(self.workdir, "scratch")
        os.makedirs(scratch, exist_ok=True)
        sleep_us = str(env_int("SLEEP_MS", 1) * 1000)
        self.child = Child([self.host, os.path.join(self.workdir, "liblogic.so"), scratch, sleep_us], self.workdir)

    def save(self, value):
        saved = write_in_place(os.path.join(self.workdir, "logic.c"), self.program.logic_c(value))
        hook = subprocess.run(["sh", "-c", HOOK], cwd=self.workdir, capture_output=True, text=True)
        built = time.perf_counter()
        extra = {"hook_ms": (built - saved) * 1000.0}
        if hook.returncode != 0:
            extra["hook_error"] = (hook.stderr or hook.stdout).strip().splitlines()[:3]
        return saved, extra


def run_side(side, values, warmup, deadline, rng):
    """Starts the side's program, does every edit, stops it; returns a result dict."""
    result = {"title": side.title, "key": side.key, "edits": [], "error": None, "ready": None}
    side.start()
    child = side.child
    try:
        started = child.out.wait_for(lambda: child.out.ready is not None and child.out.changes, time.perf_counter() + START_DEADLINE)
        if not started:
            code = child.proc.poll()
            result["error"] = f"did not start (exit {code}); stderr: {child.stderr_text()[:400]!r}"
            return result
        result["ready"] = child.out.ready
        # The watcher may be set up just after the first output: give it time.
        time.sleep(0.5)
        for index, value in enumerate(values):
            t_saved, extra = side.save(value)
            seen = child.out.wait_for(lambda: value in child.out.first_seen, t_saved + deadline)
            with child.out.cond:
                t_seen = child.out.first_seen.get(value)
            record = {
                "index": index,
                "warmup": index < warmup,
                "value": value,
                "saved": t_saved,
                "latency_ms": (t_seen - t_saved) * 1000.0 if seen and t_seen is not None else math.inf,
            }
            record.update(extra)
            result["edits"].append(record)
            if child.proc.poll() is not None:
                result["error"] = f"exited with {child.proc.returncode} during edit {index + 1}"
                break
            time.sleep(rng.uniform(0.050, 0.150))
        time.sleep(0.3)  # let late output arrive before the analysis
    finally:
        child.stop()
    analyse(result, child, values)
    return result


def analyse(result, child, values):
    """Attaches stderr lines to edits and lists what was unexpected."""
    edits = result["edits"]
    odd = []
    with child.err.cond:
        err_lines = list(child.err.lines)
    with child.out.cond:
        changes = list(child.out.changes)
        stray = list(child.out.lines)
    result["stderr_lines"] = err_lines
    # Stderr lines by edit window [saved_k, saved_{k+1}).
    for k, record in enumerate(edits):
        start = record["saved"]
        end = edits[k + 1]["saved"] if k + 1 < len(edits) else math.inf
        window = [text for t, text in err_lines if start <= t < end]
        record["stderr"] = window
        record["hmr"] = [m for m in (HMR_LINE.match(text) for text in window) if m]
        record["rejected"] = [text for text in window if "rejected" in text]
    before = [text for t, text in err_lines if edits and t < edits[0]["saved"]]
    if before:
        odd.append(f"stderr before the first edit: {before[:3]}")
    # The printed values must go initial -> v1 -> v2 -> ... with nothing else.
    expected = [changes[0][1]] + list(values[: len(edits)]) if changes else []
    got = [value for _, value in changes]
    if got != expected:
        extra = [v for v in got if v not in expected]
        back = []
        seen_at = {}
        for position, v in enumerate(got):
            if v in seen_at:
                back.append(v)
            seen_at[v] = position
        missing = [v for v in expected if v not in got]
        odd.append(
            "printed values out of order: "
            + f"{len(got)} changes for {len(expected)} expected"
            + (f"; reappeared: {back[:5]}" if back else "")
            + (f"; unexpected: {extra[:5]}" if extra else "")
            + (f"; never printed: {missing[:5]}" if missing else "")
        )
    if stray:
        odd.append(f"{len(stray)} non-numeric stdout lines, first: {stray[0][1]!r}")
    result["odd"] = odd


# --------------------------------------------------------------------- report
def summarize(result):
    measured = [r for r in result["edits"] if not r["warmup"]]
    times = [r["latency_ms"] for r in measured]
    summary = {
        "n": len(times),
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": max(times) if times else None,
        "timeouts": sum(1 for t in times if t == math.inf),
        "warmup": [r["latency_ms"] for r in result["edits"] if r["warmup"]],
    }
    return summary


def report(results, program, lines_ln, lines_c, sleep_ms, edits_wanted):
    out = []
    p = out.append
    p("")
    p(f"Hot-reload latency: completed save -> first output of the new code (ms), {edits_wanted} edits")
    p(f"body change of value() in logic.ln ({lines_ln} lines) / logic.c ({lines_c} lines);")
    p(f"the loop prints value() and sleeps {sleep_ms} ms per iteration")
    rule = "-" * 64
    p(rule)
    p(f"{'side':<16}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}   timeouts")
    p(rule)
    summaries = {}
    for result in results:
        if result["error"] and not result["edits"]:
            p(f"{result['title']:<16}  FAILED: {result['error']}")
            continue
        s = summarize(result)
        summaries[result["key"]] = s
        p(
            f"{result['title']:<16}{fmt_ms(s['p50'])}{fmt_ms(s['p95'])}{fmt_ms(s['p99'])}{fmt_ms(s['max'])}"
            f"   {s['timeouts']}/{s['n']}"
        )
    p(rule)
    for result in results:
        measured = [r for r in result["edits"] if not r["warmup"]]
        if result["key"] == "lang" and measured:
            own = [float(m.group(5)) for r in measured for m in r["hmr"]]
            p(
                f"lang [hmr] lines (runtime's own event -> swap): p50 {with_ms(percentile(own, 0.5))}, "
                f"max {with_ms(max(own) if own else None)}, {len(own)} lines for {len(measured)} saves"
            )
        if result["key"] == "c" and measured:
            hook = [r["hook_ms"] for r in measured]
            p(f"C build hook (sh -c 'gcc -O0 -shared -fPIC ... && mv ...'): p50 {with_ms(percentile(hook, 0.5))}")
        if summaries.get(result["key"], {}).get("warmup"):
            warm = ", ".join(with_ms(t) for t in summaries[result["key"]]["warmup"])
            p(f"{result['title']} warm-up edit(s), not counted: {warm}")
    ready = {r["key"]: r["ready"] for r in results if r["ready"] is not None}
    if len(ready) == 2:
        same = "same" if ready["lang"] == ready["c"] else "DIFFERENT (the C twin is not equivalent)"
        p(f"run_all() checksum: lang {ready['lang']}, C {ready['c']}: {same}")
    lang = summaries.get("lang")
    c = summaries.get("c")
    if lang and c and lang["p50"] and c["p50"] not in (None, math.inf) and lang["p50"] != math.inf:
        p(f"p50: lang --hmr is {c['p50'] / lang['p50']:.0f}x faster than the C gcc+dlopen loop")
    p("")
    p("Goals (lang --hmr):")
    if lang:
        for label, key, goal in (("p50 < 20 ms", "p50", GOAL_P50_MS), ("p99 < 50 ms", "p99", GOAL_P99_MS)):
            value = lang[key]
            verdict = "met" if value is not None and value < goal else "MISSED"
            p(f"  {label}: {with_ms(value)}, {verdict}")
    else:
        p("  not measured")
    # Oddities.
    notes = []
    for result in results:
        title = result["title"]
        if result["error"]:
            notes.append(f"{title}: {result['error']}")
        for text in result.get("odd", []):
            notes.append(f"{title}: {text}")
        edits = result["edits"]
        for r in edits:
            tag = f"edit {r['index'] + 1}{' (warm-up)' if r['warmup'] else ''}"
            if r["latency_ms"] == math.inf:
                notes.append(f"{title}: {tag}: value {r['value']} not seen within the deadline")
            if r.get("hook_error"):
                notes.append(f"{title}: {tag}: build hook failed: {r['hook_error']}")
            if result["key"] != "lang":
                continue
            if len(r["hmr"]) != 1:
                notes.append(f"{title}: {tag}: {len(r['hmr'])} [hmr] reload lines for one save")
            for m in r["hmr"]:
                if m.group(4) != "value" or m.group(1) != "logic.ln":
                    notes.append(f"{title}: {tag}: unexpected reload line: {m.group(0)!r}")
            if r["rejected"]:
                notes.append(f"{title}: {tag}: reload rejected: {r['rejected'][0]!r}")
            others = [
                text for text in r["stderr"] if not HMR_LINE.match(text) and "rejected" not in text and text.strip()
            ]
            if others:
                notes.append(f"{title}: {tag}: other stderr ({len(others)} lines), first: {others[0]!r}")
        if result["key"] == "c":
            reloads = sum(1 for _, text in result.get("stderr_lines", []) if text.startswith("host: reloaded"))
            failures = [text for _, text in result.get("stderr_lines", []) if text.startswith("host:") and "reloaded" not in text]
            if reloads != len(edits):
                notes.append(f"{title}: {reloads} reloads for {len(edits)} saves")
            if failures:
                notes.append(f"{title}: {len(failures)} failed loads, first: {failures[0]!r}")
        # Outliers: lang edits over 2x the p50 and over 10 ms, with the runtime's own time.
        s = summaries.get(result["key"])
        if s and s["p50"] not in (None, math.inf):
            limit = max(2 * s["p50"], 10.0 if result["key"] == "lang" else 0.0)
            slow = [r for r in edits if not r["warmup"] and r["latency_ms"] != math.inf and r["latency_ms"] > limit]
            if slow:
                parts = []
                for r in slow[:8]:
                    own = f" ([hmr] {r['hmr'][0].group(5)} ms)" if r.get("hmr") else ""
                    hook = f" (hook {r['hook_ms']:.0f} ms)" if "hook_ms" in r else ""
                    parts.append(f"#{r['index'] + 1}: {r['latency_ms']:.1f} ms{own}{hook}")
                notes.append(f"{title}: {len(slow)} edits over {limit:.0f} ms: " + ", ".join(parts))
    p("")
    if notes:
        p("Notes:")
        for note in notes:
            p(f"  {note}")
    else:
        p("Notes: none (one reload per save, values in order, no rejections, no timeouts)")
    print("\n".join(out), flush=True)


def write_tsv(path, results):
    with open(path, "w") as f:
        f.write("side\tedit\twarmup\tvalue\tlatency_ms\thmr_ms\treloads\thook_ms\n")
        for result in results:
            for r in result["edits"]:
                own = ",".join(m.group(5) for m in r.get("hmr", []))
                latency = "timeout" if r["latency_ms"] == math.inf else f"{r['latency_ms']:.3f}"
                hook = f"{r['hook_ms']:.3f}" if "hook_ms" in r else ""
                f.write(
                    f"{result['key']}\t{r['index'] + 1}\t{int(r['warmup'])}\t{r['value']}\t{latency}\t"
                    f"{own}\t{len(r.get('hmr', []))}\t{hook}\n"
                )


# ----------------------------------------------------------------------- main
def find_lang():
    given = os.environ.get("LANG_BIN", "").strip()
    if given:
        if not (os.path.isfile(given) and os.access(given, os.X_OK)):
            sys.exit(f"error: LANG_BIN={given} is not an executable file")
        return os.path.abspath(given)
    target = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
    binary = os.path.join(target, "release", "lang")
    if not os.path.isfile(binary):
        log("building lang (cargo build --release -p lang)...")
        if subprocess.run(["cargo", "build", "--release", "-p", "lang"], cwd=ROOT).returncode != 0:
            log("error: the build failed")
            sys.exit(1)
    if not os.path.isfile(binary):
        log(f"error: {binary} not found after the build")
        sys.exit(1)
    return binary


def main():
    edits = env_int("EDITS", 50)
    warmup = env_int("WARMUP", 1)
    sleep_ms = env_int("SLEEP_MS", 1)
    lines = env_int("LINES", 1000)
    seed = env_int("SEED", 1)
    deadline = env_float("DEADLINE", 5.0)
    sides = os.environ.get("SIDES", "lang c").split()
    if edits < 1 or warmup < 0 or sleep_ms < 0 or not set(sides) <= {"lang", "c"} or not sides:
        sys.exit("error: need EDITS >= 1, WARMUP >= 0, SLEEP_MS >= 0, SIDES within 'lang c'")
    lang_bin = find_lang() if "lang" in sides else None

    tmp = tempfile.mkdtemp(prefix="lang-hmr-latency.")
    keep = os.environ.get("KEEP_TMP") == "1"
    results = []
    try:
        program = Program(lines, seed, sleep_ms)
        initial = 1
        values = [100001 + k for k in range(warmup + edits)]
        lines_ln = program.logic_ln(initial).count("\n")
        lines_c = program.logic_c(initial).count("\n")
        rng = random.Random(seed)

        if "lang" in sides:
            lang_dir = os.path.join(tmp, "lang")
            program.write(lang_dir, initial)
            os.remove(os.path.join(lang_dir, "logic.c"))  # only .ln files in the watched folder
            check = subprocess.run([lang_bin, "check", "main.ln"], cwd=lang_dir, capture_output=True, text=True)
            if check.returncode != 0:
                log(f"error: lang check exited {check.returncode} on the generated program:")
                log("\n".join((check.stdout + check.stderr).splitlines()[:40]))
                sys.exit(1)
            log(f"lang: {edits + warmup} edits of logic.ln ({lines_ln} lines) under {lang_bin} run --hmr ...")
            results.append(run_side(LangSide(lang_dir, program, lang_bin), values, warmup, deadline, rng))
            if results[-1]["error"] and not results[-1]["edits"]:
                log(f"error: lang --hmr {results[-1]['error']}")

        if "c" in sides:
            c_dir = os.path.join(tmp, "c")
            program.write(c_dir, initial)
            for name in ("main.ln", "logic.ln"):
                os.remove(os.path.join(c_dir, name))
            host = os.path.join(c_dir, "host")
            problem = None
            if shutil.which("gcc") is None:
                problem = "gcc not found"
            else:
                build = subprocess.run(
                    ["gcc", "-O2", "-o", host, os.path.join(HERE, "hmr", "host.c"), "-ldl"],
                    capture_output=True,
                    text=True,
                )
                first = subprocess.run(["sh", "-c", HOOK], cwd=c_dir, capture_output=True, text=True)
                if build.returncode != 0:
                    problem = f"host.c does not compile: {build.stderr.strip()[:300]}"
                elif first.returncode != 0:
                    problem = f"logic.c does not compile: {first.stderr.strip()[:300]}"
            if problem:
                results.append({"title": CSide.title, "key": "c", "edits": [], "error": problem, "ready": None})
            else:
                log(f"C: {edits + warmup} edits of logic.c ({lines_c} lines), hook: {HOOK} ...")
                results.append(run_side(CSide(c_dir, program, host), values, warmup, deadline, rng))

        report(results, program, lines_ln, lines_c, sleep_ms, edits)
        if keep:
            write_tsv(os.path.join(tmp, "edits.tsv"), results)
            for result in results:
                with open(os.path.join(tmp, f"{result['key']}.stderr"), "w") as f:
                    f.write("".join(f"{t:.6f}\t{text}\n" for t, text in result.get("stderr_lines", [])))
        if os.environ.get("RESULTS_TSV"):
            write_tsv(os.environ["RESULTS_TSV"], results)
        lang_failed = any(r["key"] == "lang" and r["error"] and not r["edits"] for r in results)
        return 1 if lang_failed else 0
    finally:
        if keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
