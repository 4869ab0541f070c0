#!/usr/bin/env bash
# Scale benchmark (issue 20 item 5): how start-up and reload costs grow with the program.
#
# usage: bash bench/scale.sh            (10k and 100k lines)
#        SIZES="10000:50 100000:50 1000000:200" bash bench/scale.sh
#
# For each size (lines:modules) it generates a program with bench/gen_check_program.py,
# turns its `main` into a loop that prints two functions of the middle module, and prints:
#   check        `lang check` wall time
#   run cold     `lang run` start to first output (no compile cache: LANG_CACHE=0)
#   run warm     the same, a second time with the cache on (LANG_CACHE unset)
#   hmr cold/warm  the same for `lang run --hmr`
#   release      `lang build --release` wall time
#   body p50/p99 save-to-new-output latency over $EDITS body edits of the middle module
#   iface        save-to-new-output latency of an interface edit (a `pub fn` whose result type
#                changes between int and float, used by 3 modules), median over 3 edits
#   rss          peak RSS of `lang run` (/usr/bin/time -v), and of `--hmr`
#   lua          Lua 5.4 loading and running a program of the same size (when `lua5.4` exists)
#
# Environment: SIZES, EDITS=20, LANG_BIN (default: release build of this tree), KEEP_TMP=1.
# Only bash, python3 and (for the RSS column) GNU time are needed.
# A column this tree or machine cannot fill prints "n/a": the warm columns when `lang` has no
# compile cache (`lang cache clean` fails), the Lua columns without `lua5.4`, RSS without GNU
# time, a latency whose reload never showed its output.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SIZES="${SIZES:-10000:50 100000:50}"
EDITS="${EDITS:-20}"

if [ -z "${LANG_BIN:-}" ]; then
    echo "building lang (release)..." >&2
    (cd "$ROOT" && cargo build --release -p lang >&2)
    LANG_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/lang"
fi
export LANG_BIN EDITS
TMP="$(mktemp -d "${TMPDIR:-/tmp}/lang-scale.XXXXXX")"
if [ -z "${KEEP_TMP:-}" ]; then
    trap 'rm -rf "$TMP"' EXIT
else
    echo "keeping $TMP" >&2
fi

exec python3 - "$HERE" "$TMP" $SIZES <<'PYTHON'
import os, queue, re, shutil, statistics, subprocess, sys, threading, time

here, tmp, sizes = sys.argv[1], sys.argv[2], sys.argv[3:]
lang = os.environ["LANG_BIN"]
edits = int(os.environ.get("EDITS", "20"))

def ms(seconds):
    return "%.0f ms" % (seconds * 1000) if seconds is not None else "n/a"

def percentile(values, fraction):
    values = sorted(values)
    if not values:
        return None
    position = (len(values) - 1) * fraction
    low, high = int(position), min(int(position) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)

def prepare(folder, lines, modules):
    subprocess.run([sys.executable, os.path.join(here, "gen_check_program.py"), folder,
                    "--lines", str(lines), "--modules", str(modules)], check=True, stdout=subprocess.DEVNULL)
    width = max(2, len(str(modules - 1)))
    middle = "mod_%0*d" % (width, modules // 2)
    users = ["mod_%0*d" % (width, modules // 2 + 1), "mod_%0*d" % (width, modules // 2 + 2)]
    with open(os.path.join(folder, middle + ".ln"), "a") as f:
        f.write(probe_text(0) + iface_text("int", "0"))
    for user in users:
        with open(os.path.join(folder, user + ".ln"), "a") as f:
            f.write('\npub fn uses_iface() -> str {\n    return "{%s.iface_probe()}"\n}\n' % middle)
    main = open(os.path.join(folder, "main.ln")).read()
    main = main.replace("fn main() {", "fn original_main() {", 1)
    imports = "".join("import %s\n" % name for name in [middle] + users)
    # The loop calls `show` each time round, as a game calls its frame function: a reload that
    # changes `iface_probe`'s signature recompiles `show` (main.ln imports the middle module),
    # and the next call runs the new code. Calling the probes from `main`'s own body instead
    # would measure nothing: `main`'s tokens do not change, so its running frame keeps its old
    # body (LANGUAGE.md 7.2 and 7.6), and its call to the re-signed function is a runtime error.
    main = imports + main + (
        "\nfn show() {\n"
        '    print("probe {%s.probe()} {%s.iface_probe()} {%s.uses_iface()}")\n'
        "}\n"
        "\nfn main() {\n    while true {\n        show()\n        sleep(1)\n    }\n}\n") % (middle, middle, users[0])
    open(os.path.join(folder, "main.ln"), "w").write(main)
    return middle

def probe_text(value):
    return "\npub fn probe() -> int {\n    return %d\n}\n" % value

def iface_text(ty, value):
    return "\npub fn iface_probe() -> %s {\n    return %s\n}\n" % (ty, value)

def first_output(args, env_extra):
    env = dict(os.environ, **env_extra)
    started = time.monotonic()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    process.stdout.readline()
    elapsed = time.monotonic() - started
    process.kill()
    process.wait()
    return elapsed

def peak_rss(args, seconds):
    if not os.path.exists("/usr/bin/time"):
        return None
    process = subprocess.Popen(["/usr/bin/time", "-v"] + args, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(seconds)
    # Stop the measured process (the child of time, found by its parent id): time reports its
    # peak RSS even for a process ended by a signal.
    try:
        children = open("/proc/%d/task/%d/children" % (process.pid, process.pid)).read().split()
    except OSError:
        children = []
    for child in children:
        try:
            os.kill(int(child), 15)
        except OSError:
            pass
    _, err = process.communicate()
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    return int(found.group(1)) / 1024 if found else None

def reloads(folder, middle):
    """Body-edit latencies and interface-edit latencies under `lang run --hmr`."""
    process = subprocess.Popen([lang, "run", "--hmr", "main.ln"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, bufsize=1)
    path = os.path.join(folder, middle + ".ln")
    original = open(path).read()
    base = original[: original.index("\npub fn probe()")]
    lines = queue.Queue()
    def read():
        for line in process.stdout:
            lines.put((time.monotonic(), line))
        lines.put((time.monotonic(), None))
    threading.Thread(target=read, daemon=True).start()
    def wait_for(pattern, deadline=30):
        # A program that stops printing (a reload refused, a runtime error) must not hang
        # the benchmark: lines are read on a thread, and the wait has a deadline.
        limit = time.monotonic() + deadline
        while True:
            try:
                seen, line = lines.get(timeout=max(0.0, limit - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                return None
            if re.match(pattern, line):
                return seen
    def save(text):
        with open(path, "w") as f:
            f.write(text)
            f.flush()
        return time.monotonic()
    body, iface = [], []
    try:
        wait_for(r"probe 0 ")
        for edit in range(1, edits + 2):
            saved = save(base + probe_text(edit) + iface_text("int", "0"))
            seen = wait_for(r"probe %d 0 0$" % edit)
            if edit > 1 and seen:  # the first reload pays one-time costs
                body.append(seen - saved)
            time.sleep(0.1)
        value = edits + 1
        for edit, (ty, shown) in enumerate([("float", "1.5"), ("int", "2"), ("float", "3.5")]):
            saved = save(base + probe_text(value) + iface_text(ty, shown))
            seen = wait_for(r"probe %d %s %s$" % (value, re.escape(shown), re.escape(shown)))
            if seen:
                iface.append(seen - saved)
            time.sleep(0.1)
    finally:
        process.kill()
        process.wait()
        open(path, "w").write(original)
    return body, iface

def lua_program(folder, lines):
    """A Lua program of about `lines` lines: the same number of small functions, each called."""
    path = os.path.join(folder, "program.lua")
    with open(path, "w") as f:
        functions = lines // 6
        for index in range(functions):
            f.write("function f%d(x)\n  local y = x * %d + 1\n  if y > 100 then\n    y = y - 100\n  end\n  return y\nend\n" % (index, index % 7))
        f.write("local total = 0\nfor index = 0, %d do\n  total = total + _G[\"f\" .. index](index)\nend\n" % (functions - 1))
        f.write('print("loaded " .. total)\n')
    return path

rows = []
for size in sizes:
    lines, modules = (int(part) for part in size.split(":"))
    folder = os.path.join(tmp, "p%d" % lines)
    middle = prepare(folder, lines, modules)
    row = {"lines": lines, "modules": modules}
    started = time.monotonic()
    subprocess.run([lang, "check", "main.ln"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    row["check"] = time.monotonic() - started
    os.chdir(folder)
    has_cache = subprocess.run([lang, "cache", "clean"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0
    row["run cold"] = first_output([lang, "run", "main.ln"], {"LANG_CACHE": "0"})
    if has_cache:
        first_output([lang, "run", "main.ln"], {})
        row["run warm"] = first_output([lang, "run", "main.ln"], {})
    row["hmr cold"] = first_output([lang, "run", "--hmr", "main.ln"], {"LANG_CACHE": "0"})
    if has_cache:
        first_output([lang, "run", "--hmr", "main.ln"], {})
        row["hmr warm"] = first_output([lang, "run", "--hmr", "main.ln"], {})
    started = time.monotonic()
    build = subprocess.run([lang, "build", "--release", "main.ln", "-o", os.path.join(folder, "program")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    row["release"] = time.monotonic() - started if build.returncode == 0 else None
    body, iface = reloads(folder, middle)
    row["body p50"], row["body p99"] = percentile(body, 0.5), percentile(body, 0.99)
    print("  %d lines: %d of %d body edits seen, %d of 3 interface edits" % (lines, len(body), edits, len(iface)),
          file=sys.stderr)
    row["iface"] = percentile(iface, 0.5)
    row["rss run"] = peak_rss([lang, "run", "main.ln"], max(3.0, row["run cold"] * 2))
    row["rss hmr"] = peak_rss([lang, "run", "--hmr", "main.ln"], max(3.0, row["hmr cold"] * 2))
    lua = shutil.which("lua5.4")
    if lua:
        script = lua_program(folder, lines)
        row["lua"] = first_output([lua, script], {})
        row["lua rss"] = peak_rss([lua, script], 0.5)
    rows.append(row)

columns = ["check", "run cold", "run warm", "hmr cold", "hmr warm", "release", "body p50", "body p99",
           "iface", "rss run", "rss hmr", "lua", "lua rss"]
print("| lines (modules) | " + " | ".join(columns) + " |")
print("|---" * (len(columns) + 1) + "|")
for row in rows:
    cells = []
    for column in columns:
        value = row.get(column)
        if value is None:
            cells.append("n/a")
        elif column.startswith("rss") or column == "lua rss":
            cells.append("%.0f MB" % value)
        else:
            cells.append(ms(value))
    print("| %d (%d) | %s |" % (row["lines"], row["modules"], " | ".join(cells)))
PYTHON
