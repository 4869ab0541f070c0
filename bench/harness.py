#!/usr/bin/env python3
"""Helpers for bench/run.sh: run and time one cell, measure peak RSS, print
the report. Only the Python 3 standard library is used.

    harness.py time   --results F --notes F --section S --bench B --column C --size N
                      --expected FILE --workdir DIR [--runs 3] [--warmup 0]
                      [--timeout 60] [--lang] -- CMD ARGS...
    harness.py rss    (same options, no --runs/--warmup) -- CMD ARGS...
    harness.py report --results F --notes F --mode M --runs N --timeout T
                      --columns "c luajit ..." --benches "nbody ..." [--info F]

`time` runs CMD (stdin /dev/null, stdout to a file) `warmup` times untimed and
then `runs` times, timing each run's wall clock; every run's output must equal
the expected file byte for byte. `rss` runs CMD once and records its peak
resident set size in KiB: through GNU time (`/usr/bin/time -f %M`) when it is
installed, otherwise from resource.getrusage(RUSAGE_CHILDREN).ru_maxrss.

Both append one line `section<TAB>bench<TAB>column<TAB>size<TAB>value` to the
results file, where value is a number (seconds or KiB) or a status word:

  WRONG    exit 0 but the output differs from the expected file
  TIMEOUT  a run took longer than --timeout seconds
  FAIL     a reference runtime (C, LuaJIT, Lua 5.4, Python 3) exited non-zero
  MISSING  a lang command exited non-zero (--lang), or the runtime is absent

and, for a status word, one line `column<TAB>bench<TAB>message` to the notes
file. The value is also printed on stdout for the progress log.
"""

import argparse
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

COLUMN_TITLES = {
    "c": "C",
    "luajit": "LuaJIT",
    "lua": "Lua 5.4",
    "python": "Python 3",
    "run": "lang run",
    "hmr": "lang hmr",
    "release": "lang release",
}
LANG_COLUMNS = ("run", "hmr", "release")


# --------------------------------------------------------------------- running
def run_once(cmd, out_path, err_path, timeout):
    """Run cmd with stdin from /dev/null, stdout/stderr to files.

    Returns (returncode or None on timeout, wall seconds)."""
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as e:
            err.write(("cannot start: %s\n" % e).encode())
            return 127, 0.0
        # A blocking wait (Popen.wait with a timeout polls with growing sleeps,
        # which quantizes short times); a timer kills the process group.
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            rc = proc.wait()
        finally:
            timer.cancel()
        secs = time.perf_counter() - start
        if timed_out.is_set() and rc == -signal.SIGKILL:
            return None, secs
        return rc, secs


def first_line(path, limit=160):
    try:
        with open(path, "rb") as f:
            for raw in f:
                line = raw.decode("utf-8", "replace").strip()
                if line:
                    return line[:limit]
    except OSError:
        pass
    return "<no output>"


def first_difference(expected, actual):
    exp = expected.decode("utf-8", "replace").splitlines()
    act = actual.decode("utf-8", "replace").splitlines()
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else "<end of output>"
        a = act[i] if i < len(act) else "<end of output>"
        if e != a:
            return "line %d: expected %r, got %r" % (i + 1, e[:70], a[:70])
    return "<differs in bytes only (line endings?)>"


def classify(rc, out_path, err_path, expected, timeout, is_lang, what):
    """Status word and note for one finished run, or (None, None) when OK."""
    if rc is None:
        return "TIMEOUT", "%s took longer than %ss" % (what, fmt_num(timeout))
    if rc != 0:
        status = "MISSING" if is_lang else "FAIL"
        how = "was killed by signal %d" % -rc if rc < 0 else "exited %d" % rc
        return status, "%s %s: %s" % (what, how, first_line(err_path))
    with open(out_path, "rb") as f:
        actual = f.read()
    if actual != expected:
        return "WRONG", "%s: wrong output, %s" % (what, first_difference(expected, actual))
    return None, None


def record(args, value, note=None):
    with open(args.results, "a") as f:
        f.write("%s\t%s\t%s\t%s\t%s\n" % (args.section, args.bench, args.column, args.size, value))
    if note:
        with open(args.notes, "a") as f:
            f.write("%s\t%s\t%s\n" % (args.column, args.bench, note.replace("\t", " ").replace("\n", " ")))
    print(value)


def read_expected(args):
    try:
        with open(args.expected, "rb") as f:
            return f.read()
    except OSError:
        return None


def cmd_time(args):
    expected = read_expected(args)
    if expected is None:
        record(args, "MISSING", "expected file %s not found" % args.expected)
        return
    os.makedirs(args.workdir, exist_ok=True)
    out_path = os.path.join(args.workdir, "out")
    err_path = os.path.join(args.workdir, "err")
    times = []
    total = args.warmup + args.runs
    for i in range(total):
        rc, secs = run_once(args.cmd, out_path, err_path, args.timeout)
        what = "run %d of %d" % (i + 1, total) if total > 1 else "the run"
        status, note = classify(rc, out_path, err_path, expected, args.timeout, args.lang, what)
        if status:
            record(args, status, note)
            return
        if i >= args.warmup:
            times.append(secs)
    record(args, "%.6f" % statistics.median(times))


def have_gnu_time():
    if not os.access("/usr/bin/time", os.X_OK):
        return False
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "m")
        try:
            rc = subprocess.call(
                ["/usr/bin/time", "-f", "%M", "-o", out, "true"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            with open(out) as f:
                return rc == 0 and f.read().strip().isdigit()
        except OSError:
            return False


def cmd_rss(args):
    expected = read_expected(args)
    if expected is None:
        record(args, "MISSING", "expected file %s not found" % args.expected)
        return
    os.makedirs(args.workdir, exist_ok=True)
    out_path = os.path.join(args.workdir, "rss.out")
    err_path = os.path.join(args.workdir, "rss.err")
    if have_gnu_time():
        rss_path = os.path.join(args.workdir, "rss.kb")
        if os.path.exists(rss_path):
            os.remove(rss_path)
        rc, _ = run_once(["/usr/bin/time", "-f", "%M", "-o", rss_path] + args.cmd, out_path, err_path, args.timeout)
        status, note = classify(rc, out_path, err_path, expected, args.timeout, args.lang, "the run")
        if status:
            record(args, status, "peak RSS: " + note)
            return
        try:
            with open(rss_path) as f:
                kib = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            record(args, "FAIL", "peak RSS: GNU time wrote no number")
            return
    else:
        # This process has no other children, so RUSAGE_CHILDREN's maximum is
        # the command's peak RSS (KiB on Linux, bytes on macOS).
        rc, _ = run_once(args.cmd, out_path, err_path, args.timeout)
        status, note = classify(rc, out_path, err_path, expected, args.timeout, args.lang, "the run")
        if status:
            record(args, status, "peak RSS: " + note)
            return
        import resource

        kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if sys.platform == "darwin":
            kib //= 1024
    record(args, str(kib))


# --------------------------------------------------------------------- report
def is_num(v):
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def fmt_num(x):
    return ("%g" % float(x)) if is_num(x) else str(x)


def fmt_secs(v):
    return "%.3f" % float(v) if is_num(v) else v


def fmt_ratio(r):
    if r is None:
        return "-"
    return ("%.2fx" % r) if r < 100 else ("%.0fx" % r)


def geomean(xs):
    xs = [x for x in xs if x > 0]
    if not xs:
        return None
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def ratio(a, b):
    if is_num(a) and is_num(b) and float(b) > 0:
        return float(a) / float(b)
    return None


def table(header, rows, left=1):
    """Plain text table; the first `left` columns are left-aligned."""
    widths = [max(len(str(r[i])) for r in [header] + rows if r) for i in range(len(header))]

    def line(r):
        cells = []
        for i, c in enumerate(r):
            cells.append(str(c).ljust(widths[i]) if i < left else str(c).rjust(widths[i]))
        return "  ".join(cells).rstrip()

    sep = "-" * len(line(header))
    return "\n".join([sep, line(header), sep] + [line(r) if r else sep for r in rows] + [sep])


def cmd_report(args):
    res = {}
    sizes = {}
    if os.path.exists(args.results):
        with open(args.results) as f:
            for raw in f:
                parts = raw.rstrip("\n").split("\t")
                if len(parts) != 5:
                    continue
                section, bench, col, size, value = parts
                res[(section, bench, col)] = value
                sizes[(section, bench)] = size
    notes = []
    if os.path.exists(args.notes):
        with open(args.notes) as f:
            for raw in f:
                parts = raw.rstrip("\n").split("\t", 2)
                if len(parts) == 3:
                    notes.append(tuple(parts))
    info = []
    if args.info and os.path.exists(args.info):
        with open(args.info) as f:
            info = [l.rstrip("\n") for l in f if l.strip()]

    cols = [c for c in args.columns.split() if c in COLUMN_TITLES]
    benches = args.benches.split()
    out = []
    out.append("")
    out.append(
        "lang benchmarks: mode %s, wall time in seconds, median of %s runs, limit %ss per run"
        % (args.mode, args.runs, fmt_num(args.timeout))
    )
    out.extend(info)

    # ---- wall times
    header = ["benchmark", "size"] + [COLUMN_TITLES[c] for c in cols]
    rows = []
    for b in benches:
        rows.append([b, sizes.get(("time", b), "?")] + [fmt_secs(res.get(("time", b, c), "-")) for c in cols])
    rows.append(None)
    gm = ["geomean", ""]
    for c in cols:
        vals = [res.get(("time", b, c)) for b in benches]
        if vals and all(is_num(v) for v in vals):
            gm.append("%.3f" % geomean([float(v) for v in vals]))
        else:
            gm.append("-")
    rows.append(gm)
    out.append("")
    out.append("Wall time (s)")
    out.append(table(header, rows))
    out.append("geomean: only for a column where every benchmark passed.")

    # ---- ratios vs C, and lang run vs Lua 5.4
    ratio_cols = [c for c in cols if c != "c"] if "c" in cols else []
    run_vs_lua = "run" in cols and "lua" in cols
    if ratio_cols or run_vs_lua:
        header = ["benchmark"] + ["%s/C" % COLUMN_TITLES[c] for c in ratio_cols]
        if run_vs_lua:
            header.append("lang run/Lua 5.4")
        per_col = {c: [] for c in ratio_cols + (["run/lua"] if run_vs_lua else [])}
        rows = []
        for b in benches:
            row = [b]
            for c in ratio_cols:
                r = ratio(res.get(("time", b, c)), res.get(("time", b, "c")))
                if r is not None:
                    per_col[c].append(r)
                row.append(fmt_ratio(r))
            if run_vs_lua:
                r = ratio(res.get(("time", b, "run")), res.get(("time", b, "lua")))
                if r is not None:
                    per_col["run/lua"].append(r)
                row.append(fmt_ratio(r))
            rows.append(row)
        rows.append(None)
        keys = ratio_cols + (["run/lua"] if run_vs_lua else [])
        rows.append(["geomean"] + [fmt_ratio(geomean(per_col[k])) for k in keys])
        rows.append(["(benchmarks)"] + ["%d/%d" % (len(per_col[k]), len(benches)) for k in keys])
        out.append("")
        out.append("Ratios (time / time; below 1.00x is faster)")
        out.append(table(header, rows))
        out.append("ratio geomean: over the benchmarks where both sides passed.")

    # ---- peak RSS
    rss_bench = "binarytrees"
    rss_cols = [c for c in ("c", "lua", "run", "release") if ("rss", rss_bench, c) in res]
    if rss_cols:
        lua_rss = res.get(("rss", rss_bench, "lua"))
        rows = []
        for c in rss_cols:
            v = res[("rss", rss_bench, c)]
            mib = "%.1f" % (float(v) / 1024) if is_num(v) else v
            rows.append([COLUMN_TITLES[c], mib, fmt_ratio(ratio(v, lua_rss)) if c != "lua" else ""])
        out.append("")
        out.append(
            "Peak RSS, binarytrees %s (max resident set, one run, %s)"
            % (sizes.get(("rss", rss_bench), "?"), "GNU time -f %M" if have_gnu_time() else "getrusage")
        )
        out.append(table(["runtime", "MiB", "vs Lua 5.4"], rows))

    # ---- hello world
    hello_cols = [c for c in ("run", "release", "lua", "python", "c") if ("hello", "hello", c) in res]
    if hello_cols:
        rows = []
        for c in hello_cols:
            v = res[("hello", "hello", c)]
            rows.append([COLUMN_TITLES[c], "%.1f" % (float(v) * 1000) if is_num(v) else v])
        out.append("")
        out.append("Hello world: wall time (ms), median of %s runs" % args.hello_runs)
        out.append(table(["runtime", "ms"], rows))

    # ---- goals
    out.append("")
    out.append("Goals:" if args.mode == "bench" else "Goals (they are for the bench size; this is a %s run):" % args.mode)
    if "run" in cols and "lua" in cols:
        slower = []
        unmeasured = []
        for b in benches:
            r = ratio(res.get(("time", b, "run")), res.get(("time", b, "lua")))
            if r is None:
                unmeasured.append(b)
            elif r >= 1.0:
                slower.append("%s %.2fx" % (b, r))
        if unmeasured:
            verdict = "not measured (%d of %d benchmarks lack a time)" % (len(unmeasured), len(benches))
        elif slower:
            verdict = "MISSED (slower on: %s)" % ", ".join(slower)
        else:
            verdict = "met"
        out.append("  every benchmark faster under lang run than Lua 5.4: %s" % verdict)
    if "c" in cols:
        for c in LANG_COLUMNS:
            if c not in cols:
                continue
            rs = [ratio(res.get(("time", b, c)), res.get(("time", b, "c"))) for b in benches]
            if any(r is None for r in rs):
                verdict = "not measured (%d of %d benchmarks)" % (
                    sum(r is not None for r in rs),
                    len(benches),
                )
            else:
                g = geomean(rs)
                verdict = "%.2fx, %s" % (g, "met" if g <= 3.0 else "MISSED")
            out.append("  geomean of %s within 3x of C -O2: %s" % (COLUMN_TITLES[c], verdict))
    if "run" in cols and "hmr" in cols:
        rs = [ratio(res.get(("time", b, "hmr")), res.get(("time", b, "run"))) for b in benches]
        if any(r is None for r in rs):
            verdict = "not measured"
        else:
            g = geomean(rs)
            verdict = "%.2fx, %s" % (g, "met" if g <= 1.3 else "MISSED")
        out.append("  geomean of lang run --hmr within 1.3x of lang run (goal 1.15x): %s" % verdict)
    if ("rss", rss_bench, "run") in res:
        r = ratio(res.get(("rss", rss_bench, "run")), res.get(("rss", rss_bench, "lua")))
        verdict = "not measured" if r is None else "%.2fx, %s" % (r, "met" if r <= 2.0 else "MISSED")
        out.append("  binarytrees peak RSS under lang run <= 2x Lua 5.4: %s" % verdict)
    if ("hello", "hello", "run") in res:
        v = res[("hello", "hello", "run")]
        verdict = (
            "%.1f ms, %s" % (float(v) * 1000, "met" if float(v) < 0.020 else "MISSED") if is_num(v) else "not measured"
        )
        out.append("  hello world under lang run < 20 ms: %s" % verdict)

    # ---- notes, grouped by column and message
    if notes:
        grouped = {}
        order = []
        for col, bench, msg in notes:
            key = (col, msg)
            if key not in grouped:
                grouped[key] = []
                order.append(key)
            grouped[key].append(bench)
        out.append("")
        out.append("Notes:")
        for col, msg in order:
            title = COLUMN_TITLES.get(col, col)
            where = ", ".join(grouped[(col, msg)])
            out.append("  %s [%s]: %s" % (title, where, msg) if where != "-" else "  %s: %s" % (title, msg))
    print("\n".join(out))


# --------------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name in ("time", "rss"):
        s = sub.add_parser(name)
        s.add_argument("--results", required=True)
        s.add_argument("--notes", required=True)
        s.add_argument("--section", default=name)
        s.add_argument("--bench", required=True)
        s.add_argument("--column", required=True)
        s.add_argument("--size", default="")
        s.add_argument("--expected", required=True)
        s.add_argument("--workdir", required=True)
        s.add_argument("--timeout", type=float, default=60.0)
        s.add_argument("--lang", action="store_true", help="a non-zero exit is MISSING, not FAIL")
        if name == "time":
            s.add_argument("--runs", type=int, default=3)
            s.add_argument("--warmup", type=int, default=0)
        s.add_argument("cmd", nargs="+")
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--notes", required=True)
    r.add_argument("--info")
    r.add_argument("--mode", default="bench")
    r.add_argument("--runs", default="3")
    r.add_argument("--hello-runs", default="10")
    r.add_argument("--timeout", default="60")
    r.add_argument("--columns", required=True)
    r.add_argument("--benches", required=True)
    args = p.parse_args()
    if args.command == "time":
        if args.runs < 1:
            p.error("--runs must be at least 1")
        cmd_time(args)
    elif args.command == "rss":
        cmd_rss(args)
    else:
        cmd_report(args)


if __name__ == "__main__":
    main()
