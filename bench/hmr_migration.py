#!/usr/bin/env python3
"""Struct migration pause: a program holds COUNT live structs (default 1,000,000) and keeps
running under `lang run --hmr`; a save adds a field with a default. The reload line reports
how long the main thread paused to migrate them (goal: under 50 ms for 1,000,000), and a
body-only save shows the pause of an ordinary swap (goal: under 1 ms).

usage: python3 bench/hmr_migration.py    (env: COUNT, LANG_BIN)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LANG = os.environ.get("LANG_BIN", os.path.join(ROOT, "target", "release", "lang"))
COUNT = int(os.environ.get("COUNT", "1000000"))

PROGRAM = """struct Particle {
    x: float = 0.0,
    y: float = 0.0,
}

var all: [Particle] = []

fn label() -> str {
    return "LABEL"
}

fn main() {
    for i in 0..COUNT {
        all.push(Particle { x: float(i) })
    }
    print("ready {len(all)}")
    while true {
        print("{label()} {all[COUNT - 1].x}EXTRA")
        sleep(2)
    }
}
"""


def main():
    if not os.path.exists(LANG):
        subprocess.run(["cargo", "build", "--release", "-p", "lang"], cwd=ROOT, check=True)
    folder = tempfile.mkdtemp(prefix="lang-migration-")
    path = os.path.join(folder, "main.ln")
    source = PROGRAM.replace("COUNT", str(COUNT))

    def save(text):
        with open(path, "w") as handle:
            handle.write(text)

    save(source.replace("EXTRA", ""))
    process = subprocess.Popen([LANG, "run", "--hmr", "main.ln"], cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    lines = []
    errors = []
    threading.Thread(target=lambda: [lines.append(l) for l in process.stdout], daemon=True).start()
    threading.Thread(target=lambda: [errors.append(l) for l in process.stderr], daemon=True).start()

    def wait(predicate, what, seconds=120):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.01)
        process.kill()
        sys.exit("timed out waiting for %s\n%s" % (what, "".join(errors)))

    try:
        wait(lambda: any(l.startswith("ready") for l in lines), "the program to start")
        wait(lambda: any(l.startswith("LABEL") for l in lines), "the loop")
        # A body-only change: an ordinary swap.
        save(source.replace("EXTRA", "").replace('"LABEL"', '"BODY"'))
        wait(lambda: any(l.startswith("BODY") for l in lines), "the body change")
        # A new field with a default: every instance is migrated.
        migrated = source.replace("    y: float = 0.0,\n}", "    y: float = 0.0,\n    z: float = 1.0,\n}")
        migrated = migrated.replace('"LABEL"', '"MIGRATED"').replace("EXTRA", " {all[0].z}")
        save(migrated)
        wait(lambda: any(l.startswith("MIGRATED") for l in lines), "the migration")
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)
    reloads = [l.strip() for l in errors if l.startswith("[hmr] main.ln")]
    for line in reloads:
        print(line)
    body = reloads[0] if reloads else ""
    paused = [re.search(r"paused ([0-9.]+) ms to migrate ([0-9]+)", l) for l in reloads]
    paused = [m for m in paused if m]
    print()
    match = re.search(r"in ([0-9.]+) ms", body)
    print("body-only swap: reload line says %s ms from save to swap (no migration pause)" % (match.group(1) if match else "?"))
    if paused:
        ms, count = float(paused[0].group(1)), int(paused[0].group(2))
        verdict = "met" if ms < 50 * count / 1_000_000 else "MISSED"
        print("migration pause: %.1f ms for %d instances (goal: under 50 ms per 1,000,000): %s" % (ms, count, verdict))
    else:
        print("migration pause: not reported")


if __name__ == "__main__":
    main()
