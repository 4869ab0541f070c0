#!/usr/bin/env bash
# Front-end speed benchmark: how long `lang check` takes on a large program.
#
# usage: bash bench/check_speed.sh
#
# Builds `lang` in release mode, generates a program of about $LINES lines over
# $MODULES modules with bench/gen_check_program.py into a temp dir, runs
# `lang check main.ln` $RUNS times (each run must exit 0) and prints the line
# count, the module count and the median wall time. Goal: under 1 second for
# 100,000 lines over 50 modules on a 2-core machine.
#
# Environment (optional):
#   LINES=100000   about how many lines to generate
#   MODULES=50     how many files, main.ln included
#   RUNS=5         timed runs (the median is reported)
#   SEED=1         generator seed
#   KEEP_TMP=1     keep the generated program and print where it is
#
# Timing uses hyperfine when it is installed, and `date +%s%N` otherwise.

set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
LINES="${LINES:-100000}"
MODULES="${MODULES:-50}"
RUNS="${RUNS:-5}"
SEED="${SEED:-1}"
GOAL_NS=1000000000

cd "$ROOT"
echo "building lang (release)..." >&2
cargo build --release -p lang >&2
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/lang"
if [ ! -x "$BIN" ]; then
    echo "error: $BIN not found after the build" >&2
    exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/lang-check-speed.XXXXXX")"
if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "keeping $TMP" >&2
else
    trap 'rm -rf "$TMP"' EXIT
fi
PROGRAM="$TMP/program"

python3 "$HERE/gen_check_program.py" "$PROGRAM" --lines "$LINES" --modules "$MODULES" --seed "$SEED" >&2
line_count="$(cat "$PROGRAM"/*.ln | wc -l | tr -d ' ')"
module_count="$(find "$PROGRAM" -maxdepth 1 -name '*.ln' | wc -l | tr -d ' ')"

# One untimed run first: it must succeed, and it warms the file cache.
status=0
"$BIN" check "$PROGRAM/main.ln" >"$TMP/out.txt" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
    echo "error: lang check exited with $status on the generated program; its output:" >&2
    head -n 60 "$TMP/out.txt" >&2
    exit 1
fi

median_ns=""
if command -v hyperfine >/dev/null 2>&1; then
    # hyperfine fails when the command exits non-zero.
    hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$TMP/hyperfine.json" \
        "$BIN check $PROGRAM/main.ln" >&2
    median_ns="$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(int(r["median"] * 1e9))' "$TMP/hyperfine.json")"
else
    times=()
    for _ in $(seq "$RUNS"); do
        start="$(date +%s%N)"
        status=0
        "$BIN" check "$PROGRAM/main.ln" >/dev/null 2>&1 || status=$?
        end="$(date +%s%N)"
        if [ "$status" -ne 0 ]; then
            echo "error: lang check exited with $status" >&2
            exit 1
        fi
        times+=("$((end - start))")
    done
    median_ns="$(printf '%s\n' "${times[@]}" | sort -n | python3 -c 'import sys
t = [int(x) for x in sys.stdin.read().split()]
n = len(t)
print(t[n // 2] if n % 2 else (t[n // 2 - 1] + t[n // 2]) // 2)')"
fi

median_s="$(python3 -c 'import sys; print("%.3f" % (int(sys.argv[1]) / 1e9))' "$median_ns")"
echo "lines:   $line_count"
echo "modules: $module_count"
echo "median:  ${median_s} s over $RUNS runs of lang check"
if [ "$LINES" = 100000 ] && [ "$MODULES" = 50 ]; then
    if [ "$median_ns" -lt "$GOAL_NS" ]; then
        echo "goal (under 1 s for 100,000 lines over 50 modules): met"
    else
        echo "goal (under 1 s for 100,000 lines over 50 modules): missed"
    fi
fi
