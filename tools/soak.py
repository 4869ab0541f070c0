#!/usr/bin/env python3
"""Reload soak: one `lang run --hmr` process reloaded RELOADS times (default 1000), cycling
through four kinds of save: a body change, a compile error, a runtime error, and a struct
change (a field added or removed, with live instances). It checks that the process keeps
running, that its state survives (a counter and a struct field advance together and never
restart), and that its resident memory grows by less than 50 MB after the first 20 reloads.

usage: python3 tools/soak.py            (env: RELOADS, LANG_BIN)

Exit status 0 when every check passes. CI runs a short version of the same cycle
(`a_soak_of_mixed_reloads_keeps_state` in cli/tests/hmr.rs).
"""

import os
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANG = os.environ.get("LANG_BIN", os.path.join(ROOT, "target", "release", "lang"))
RELOADS = int(os.environ.get("RELOADS", "1000"))
GROWTH_LIMIT_KIB = 50 * 1024


def program(version, kind):
    """The source after save number `version`; `kind` picks what that save changes."""
    fields = "".join("    f%d: int = %d,\n" % (n, n) for n in range(version % 7))
    label = 'return "v%d"' % version
    step = "return 1"
    if kind == "compile error":
        label = 'return "v%d" +' % version
    if kind == "runtime error":
        step = "return 1 / (counter - counter)"
    return (
        "struct Stats {\n    hits: int = 0,\n%s}\n\n"
        "var counter = 0\nvar stats = Stats {}\n\n"
        "fn step() -> int {\n    %s\n}\n\n"
        "fn label() -> str {\n    %s\n}\n\n"
        "fn main() {\n    while true {\n        counter += step()\n        stats.hits += 1\n"
        '        print("{label()} {counter} {stats.hits}")\n        sleep(1)\n    }\n}\n'
    ) % (fields, step, label)


def resident_kib(pid):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    if not os.path.exists(LANG):
        subprocess.run(["cargo", "build", "--release", "-p", "lang"], cwd=ROOT, check=True)
    folder = tempfile.mkdtemp(prefix="lang-soak-")
    path = os.path.join(folder, "main.ln")

    def save(text):
        temporary = path + ".tmp"
        with open(temporary, "w") as handle:
            handle.write(text)
        os.rename(temporary, path)

    save(program(0, "body"))
    process = subprocess.Popen([LANG, "run", "--hmr", "main.ln"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=dict(os.environ, NO_COLOR="1"))
    lines, errors = [], []
    threading.Thread(target=lambda: [lines.append(l) for l in process.stdout], daemon=True).start()
    threading.Thread(target=lambda: [errors.append(l) for l in process.stderr], daemon=True).start()

    def wait(predicate, what, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return
            if process.poll() is not None:
                sys.exit("lang exited (%s) while waiting for %s\n%s" % (process.returncode, what, "".join(errors[-20:])))
            time.sleep(0.002)
        process.kill()
        sys.exit("timed out waiting for %s\n%s" % (what, "".join(errors[-20:])))

    kinds = ["body", "compile error", "runtime error", "struct"]
    started = time.time()
    baseline = None
    try:
        wait(lambda: any(l.startswith("v0 ") for l in lines), "the program to start")
        for version in range(1, RELOADS + 1):
            kind = kinds[version % 4]
            before = len(errors)
            save(program(version, kind))
            if kind == "compile error":
                wait(lambda: any("reload rejected" in l for l in errors[before:]), "a rejected reload")
            elif kind == "runtime error":
                wait(lambda: any(l.startswith("error: division by zero") for l in errors[before:]), "the runtime error")
            else:
                tag = "v%d " % version
                wait(lambda: any(l.startswith(tag) for l in lines[-50:]), "version %d" % version)
            if version == 20:
                baseline = resident_kib(process.pid)
        last = resident_kib(process.pid)
        alive = process.poll() is None
    finally:
        process.kill()
        process.wait()
    elapsed = time.time() - started

    problems = []
    previous = 0
    for line in lines:
        match = re.match(r"v\d+ (\d+) (\d+)$", line.strip())
        if not match:
            continue
        counter, hits = int(match.group(1)), int(match.group(2))
        if counter != hits:
            problems.append("counter %d and hits %d drifted apart" % (counter, hits))
        if counter < previous:
            problems.append("the counter went back from %d to %d" % (previous, counter))
        previous = counter
    growth = last - (baseline or last)
    print("%d reloads in %.1f s (%.1f ms each): final counter %d" % (RELOADS, elapsed, elapsed * 1000 / RELOADS, previous))
    print("resident memory: %d KiB after 20 reloads, %d KiB at the end (growth %d KiB, limit %d KiB)"
          % (baseline or 0, last, growth, GROWTH_LIMIT_KIB))
    if not alive:
        problems.append("the process was not alive at the end")
    if growth >= GROWTH_LIMIT_KIB:
        problems.append("resident memory grew by %d KiB" % growth)
    if previous < RELOADS / 2:
        problems.append("the counter only reached %d" % previous)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems[:20]))
        sys.exit(1)
    print("soak passed")


if __name__ == "__main__":
    main()
