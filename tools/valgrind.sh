#!/usr/bin/env bash
# Memory safety under valgrind: the runtime's unit tests, and generated programs (valid or
# stopping with a runtime error) under `lang run` (JIT code), `lang run --hmr` (hot-reload
# code: slots, cells, struct handles) and as release executables.
# `--smc-check=all` because JIT code is written into pages that are then executed.
#
# usage: bash tools/valgrind.sh            (env: PROGRAMS=20, FIRST_SEED=0)
#
# Exits non-zero when valgrind reports an error (exit code 99 of the checked process) or a
# process dies from a signal. Needs valgrind (apt-get install valgrind). Not part of CI: it
# takes several minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PROGRAMS="${PROGRAMS:-20}"
FIRST_SEED="${FIRST_SEED:-0}"
VALGRIND=(valgrind --smc-check=all --error-exitcode=99 -q)
# `lang` itself runs on mimalloc, whose pages memcheck sees only as whole mappings: run it on
# the C library's malloc, so every block is checked (cli/src/allocator.rs).
export LANG_SYSTEM_ALLOCATOR=1

if ! command -v valgrind >/dev/null; then
    echo "valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
fi
cd "$ROOT"
cargo build --release -p lang >/dev/null
cargo build --release -p lang-tests --example generate >/dev/null
LANG_BIN="$ROOT/target/release/lang"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0
last_rc=0

check() {
    # check DIR LABEL COMMAND...: runs COMMAND in DIR under valgrind; 0 and 101 (a runtime
    # error of the program) are fine; 99 is a valgrind error; anything above 128 is a signal.
    local dir="$1"
    local label="$2"
    shift 2
    local rc=0
    (cd "$dir" && "${VALGRIND[@]}" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null) || rc=$?
    last_rc="$rc"
    if [ "$rc" = 99 ] || [ "$rc" -gt 128 ]; then
        echo "FAIL $label (exit $rc)"
        grep -m 20 -E '==[0-9]+==' "$WORK/err" || tail -5 "$WORK/err"
        failures=$((failures + 1))
    else
        echo "ok   $label (exit $rc)"
    fi
}

echo "== runtime unit tests"
test_binary="$(cargo test --release -p lang-runtime-core --no-run --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["target"]["kind"] == ["lib"]:
        print(m["executable"])' | tail -1)"
check "$ROOT" "runtime-core unit tests" "$test_binary" --test-threads=1

echo "== generated programs ($PROGRAMS from seed $FIRST_SEED)"
for ((i = 0; i < PROGRAMS; i++)); do
    seed=$((FIRST_SEED + i))
    dir="$WORK/p$seed"
    mkdir -p "$dir"
    "$ROOT/target/release/examples/generate" "$seed" >"$dir/main.ln"
    check "$dir" "seed $seed: lang run" "$LANG_BIN" run main.ln
    # Under --hmr a runtime error waits for a fix, so only programs that end are run there.
    if [ "$last_rc" = 0 ]; then
        check "$dir" "seed $seed: lang run --hmr" "$LANG_BIN" run --hmr main.ln
    fi
    if (cd "$dir" && "$LANG_BIN" build --release main.ln -o prog >/dev/null 2>&1); then
        check "$dir" "seed $seed: release executable" ./prog
    fi
done

echo "== examples"
check "$ROOT/examples/snake" "snake --autoplay 30" "$LANG_BIN" run game.ln --autoplay 30
check "$ROOT/examples" "dashboard --frames 3" "$LANG_BIN" run dashboard.ln --frames 3

if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "valgrind: no errors"
