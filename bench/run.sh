#!/usr/bin/env bash
# Cross-language benchmarks for `lang`: wall time, peak RSS and start-up time.
#
# usage: bench/run.sh [test|bench]        (default: bench)
#
# 1. installs lua5.4 and luajit with apt-get when they are missing,
# 2. builds lang in release mode (cargo build --release -p lang),
# 3. compiles bench/programs/NAME.c with gcc -O2 into a temp dir,
# 4. runs every benchmark under every runtime (columns):
#      C             the gcc -O2 executable
#      LuaJIT        luajit NAME.lua
#      Lua 5.4       lua5.4 NAME.lua
#      Python 3      python3 NAME.py
#      lang run      target/release/lang run NAME.ln SIZE
#      lang hmr      target/release/lang run --hmr NAME.ln SIZE (no edits: the cost of the machinery)
#      lang release  lang build --release NAME.ln -o EXE; EXE SIZE
#                    (only when `lang build --help` exits 0)
#    checks every run's output against NAME.expected (test) or
#    NAME.bench.expected (bench), and prints the median wall time of $RUNS
#    runs, ratios against C (and lang run against Lua 5.4) with geometric means,
# 5. measures the peak RSS of binarytrees under C, Lua 5.4, lang run (and lang
#    release) when binarytrees is among $BENCHES, and the wall time of a hello-world program under lang run
#    (median of $HELLO_RUNS runs),
# 6. prints the tables, the project's goals and a note for every cell that
#    has no time.
#
# Cell values: seconds, or
#   MISSING  runtime not installed / lang not built / lang (or lang build)
#            exited non-zero / lang build not supported
#   WRONG    exit 0 but the output differs from the expected file
#   TIMEOUT  a run took longer than $TIMEOUT seconds
#   FAIL     a reference runtime (C, LuaJIT, Lua 5.4, Python 3) exited non-zero
#
# Environment (optional):
#   RUNS=3              timed runs per cell (the median is reported)
#   TIMEOUT=60          limit per run in seconds (also for each lang build)
#   BENCHES="fib nbody" only these benchmarks
#   RUNTIMES="c lua run" only these columns: c luajit lua python run hmr release
#   HELLO_RUNS=10       runs of the hello-world program (0: skip it)
#   WARMUP=0            untimed runs before the timed ones
#   LANG_BIN=PATH       use this lang binary instead of building one
#   NO_INSTALL=1        never call apt-get
#   RESULTS_TSV=FILE    also write the raw results (see bench/README.md)
#   KEEP_TMP=1          keep the temp dir (executables, outputs, logs)
#
# Exits 0 whatever the cells show (a failing runtime is reported in the
# table), 2 on bad usage, 1 when the harness itself cannot run (no python3).

set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
PROGS="$HERE/programs"

usage() {
    sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
    exit 2
}

MODE="${1:-bench}"
case "$MODE" in
    test | bench) ;;
    -h | --help) usage ;;
    *) echo "error: unknown mode '$MODE' (expected test or bench)" >&2; usage ;;
esac
[ $# -le 1 ] || usage

RUNS="${RUNS:-3}"
TIMEOUT="${TIMEOUT:-60}"
HELLO_RUNS="${HELLO_RUNS:-10}"
WARMUP="${WARMUP:-0}"
ALL_BENCHES="nbody spectralnorm fannkuchredux binarytrees mandelbrot fib sieve wordfreq particles enumvm closures strformat"
BENCHES="${BENCHES:-$ALL_BENCHES}"
ALL_COLS="c luajit lua python run hmr release"
RUNTIMES="${RUNTIMES:-$ALL_COLS}"
# the shared harness's column names work too
RUNTIMES="$(echo " $RUNTIMES " | sed -e 's/ lrun / run /g; s/ lrel / release /g; s/ python3 / python /g; s/ lua5.4 / lua /g')"

for v in RUNS HELLO_RUNS WARMUP; do
    if ! [[ "${!v}" =~ ^[0-9]+$ ]]; then echo "error: $v must be a whole number" >&2; exit 2; fi
done
if ! [[ "$TIMEOUT" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then echo "error: TIMEOUT must be a number of seconds" >&2; exit 2; fi
[ "$RUNS" -ge 1 ] || { echo "error: RUNS must be at least 1" >&2; exit 2; }

declare -A TEST_SIZE=(
    [nbody]=1000 [spectralnorm]=100 [fannkuchredux]=7 [binarytrees]=10
    [mandelbrot]=200 [fib]=20 [sieve]=10000 [wordfreq]=20000 [particles]=500
    [enumvm]=2000 [closures]=1000 [strformat]=1000
)
declare -A BENCH_SIZE=(
    [nbody]=2000000 [spectralnorm]=2000 [fannkuchredux]=10 [binarytrees]=16
    [mandelbrot]=2000 [fib]=40 [sieve]=5000000 [wordfreq]=4000000 [particles]=200000
    [enumvm]=300000 [closures]=1000000 [strformat]=1000000
)

log() { echo "$*" >&2; }
has_word() { case " $1 " in *" $2 "*) return 0 ;; *) return 1 ;; esac; }
want() { has_word "$RUNTIMES" "$1"; }

# ------------------------------------------------------------------ python3
# Call the real interpreter, not a wrapper such as a pyenv shim (~0.1 s a run).
PYTHON=""
if command -v python3 >/dev/null 2>&1; then
    PYTHON="$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)"
    [ -n "$PYTHON" ] && [ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
fi
if [ -z "$PYTHON" ]; then
    echo "error: python3 is needed to run the harness" >&2
    exit 1
fi
HARNESS=("$PYTHON" "$HERE/harness.py")

TMP="$(mktemp -d "${TMPDIR:-/tmp}/lang-bench.XXXXXX")" || { echo "error: cannot create a temp dir" >&2; exit 1; }
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
    if [ "${KEEP_TMP:-0}" = 1 ]; then
        log "temp dir kept: $TMP"
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$TMP/c" "$TMP/lang" "$TMP/cells"
RESULTS="$TMP/results.tsv"
NOTES="$TMP/notes.tsv"
INFO="$TMP/info.txt"
: >"$RESULTS"
: >"$NOTES"
: >"$INFO"

note() { # COLUMN BENCH MESSAGE  (BENCH "-" for the whole column)
    local msg="${3//$'\n'/ }"
    printf '%s\t%s\t%s\n' "$1" "$2" "${msg//$'\t'/ }" >>"$NOTES"
}
put() { # SECTION BENCH COLUMN SIZE VALUE
    printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RESULTS"
}
limited() { # run with the per-run time limit (coreutils timeout when present)
    if command -v timeout >/dev/null 2>&1; then
        timeout -k 5 "$TIMEOUT" "$@"
    else
        "$@"
    fi
}
tail_of() { # FILE -> last lines, indented
    tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/    /' >&2
}

# ------------------------------------------------------------------ runtimes
declare -A HAVE=([c]=0 [luajit]=0 [lua]=0 [python]=1 [run]=0 [hmr]=0 [release]=0)
declare -A WHY=(
    [c]="gcc not found"
    [luajit]="luajit not found"
    [lua]="lua5.4 not found"
    [run]="lang was not built"
    [hmr]="lang was not built"
    [release]="lang was not built"
)

apt_install() { # PACKAGES... ; 0 on success
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo -n)
        else
            log "  not root and no sudo: cannot apt-get install $*"
            return 1
        fi
    fi
    log "installing $* with apt-get (log: $TMP/apt.log)..."
    if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$TMP/apt.log" 2>&1; then
        return 0
    fi
    log "  apt-get install failed; running apt-get update and trying again"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update >>"$TMP/apt.log" 2>&1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$TMP/apt.log" 2>&1
}

need_lua=0
{ want lua && ! command -v lua5.4 >/dev/null 2>&1; } && need_lua=1
{ want luajit && ! command -v luajit >/dev/null 2>&1; } && need_lua=1
if [ "$need_lua" = 1 ]; then
    if [ "${NO_INSTALL:-0}" = 1 ]; then
        log "lua5.4/luajit missing; NO_INSTALL=1, not installing"
        WHY[lua]="lua5.4 not found (NO_INSTALL=1)"
        WHY[luajit]="luajit not found (NO_INSTALL=1)"
    elif command -v apt-get >/dev/null 2>&1; then
        if ! apt_install lua5.4 luajit; then
            log "  apt-get could not install lua5.4 luajit:"
            tail_of "$TMP/apt.log" 5
            WHY[lua]="lua5.4 not found and apt-get install failed"
            WHY[luajit]="luajit not found and apt-get install failed"
        fi
    else
        WHY[lua]="lua5.4 not found and no apt-get to install it"
        WHY[luajit]="luajit not found and no apt-get to install it"
    fi
fi
command -v gcc >/dev/null 2>&1 && HAVE[c]=1
command -v luajit >/dev/null 2>&1 && HAVE[luajit]=1
command -v lua5.4 >/dev/null 2>&1 && HAVE[lua]=1

# ------------------------------------------------------------------ lang
if [ -n "${LANG_BIN:-}" ]; then
    if [ -x "$LANG_BIN" ] && [ -f "$LANG_BIN" ]; then
        LANG_BIN="$(cd "$(dirname "$LANG_BIN")" && pwd)/$(basename "$LANG_BIN")"
        HAVE[run]=1
    else
        WHY[run]="LANG_BIN=$LANG_BIN is not an executable file"
        LANG_BIN=""
    fi
elif want run || want hmr || want release; then
    log "building lang (cargo build --release -p lang; log: $TMP/build.log)..."
    if (cd "$ROOT" && cargo build --release -p lang) >"$TMP/build.log" 2>&1; then
        target="${CARGO_TARGET_DIR:-target}"
        case "$target" in /*) ;; *) target="$ROOT/$target" ;; esac
        LANG_BIN="$target/release/lang"
        if [ -x "$LANG_BIN" ]; then
            HAVE[run]=1
        else
            WHY[run]="cargo build succeeded but $LANG_BIN is missing"
            LANG_BIN=""
        fi
    else
        log "  cargo build --release -p lang failed:"
        tail_of "$TMP/build.log" 15
        WHY[run]="cargo build --release -p lang failed: $(grep -m1 -E '^error' "$TMP/build.log" | cut -c1-140)"
        LANG_BIN=""
    fi
fi
if [ -n "${LANG_BIN:-}" ]; then
    HAVE[hmr]=1
    build_rc=0
    limited "$LANG_BIN" build --help </dev/null >"$TMP/build-help.txt" 2>&1 || build_rc=$?
    if [ "$build_rc" = 0 ]; then
        HAVE[release]=1
    else
        WHY[release]="this lang has no 'lang build' ('lang build --help' exited $build_rc): column skipped"
    fi
else
    WHY[release]="${WHY[run]}"
    WHY[hmr]="${WHY[run]}"
fi

# ------------------------------------------------------------------ versions
{
    printf 'host: %s cpus, %s; %s\n' "$(nproc 2>/dev/null || echo '?')" \
        "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')" "$(uname -sr)"
    vers=()
    [ "${HAVE[c]}" = 1 ] && vers+=("$(gcc --version | head -1)")
    [ "${HAVE[luajit]}" = 1 ] && vers+=("$(luajit -v 2>&1 | head -1 | cut -d' ' -f1-2)")
    [ "${HAVE[lua]}" = 1 ] && vers+=("$(lua5.4 -v 2>&1 | head -1 | cut -d' ' -f1-2)")
    vers+=("Python $("$PYTHON" -c 'import platform; print(platform.python_version())')")
    if [ -n "${LANG_BIN:-}" ]; then
        vers+=("$("$LANG_BIN" --version 2>/dev/null | head -1) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ', uncommitted changes'))")
    fi
    (IFS=';'; echo "versions: ${vers[*]}" | sed 's/;/; /g')
} >>"$INFO"

# ------------------------------------------------------------------ benchmarks
COLS=""
for col in $ALL_COLS; do want "$col" && COLS+="$col "; done
for col in $COLS; do
    [ "${HAVE[$col]}" = 1 ] || note "$col" - "${WHY[$col]}"
done

SEL=""
for b in $BENCHES; do
    if [ -z "${TEST_SIZE[$b]:-}" ]; then
        log "unknown benchmark '$b' skipped (known: $ALL_BENCHES)"
        continue
    fi
    SEL+="$b "
done

# A cargo build elsewhere may replace the binary during a long run: say so.
bin_stamp() { [ -n "${LANG_BIN:-}" ] && stat -L -c '%Y %s' "$LANG_BIN" 2>/dev/null; }
LANG_STAMP="$(bin_stamp)"

log "mode=$MODE runs=$RUNS timeout=${TIMEOUT}s columns: $COLS"
log "lang: ${LANG_BIN:-<none>}"

size_of() { if [ "$MODE" = bench ]; then echo "${BENCH_SIZE[$1]}"; else echo "${TEST_SIZE[$1]}"; fi; }
expected_of() { if [ "$MODE" = bench ]; then echo "$PROGS/$1.bench.expected"; else echo "$PROGS/$1.expected"; fi; }

# cell SECTION BENCH COL SIZE EXPECTED [harness options] -- CMD...
cell() {
    local section="$1" b="$2" col="$3" arg="$4" exp="$5" lang=() sub=time
    shift 5
    if [ "$col" = run ] || [ "$col" = hmr ] || [ "$col" = release ]; then lang=(--lang); fi
    [ "$section" = rss ] && sub=rss
    "${HARNESS[@]}" "$sub" --section "$section" --results "$RESULTS" --notes "$NOTES" --bench "$b" --column "$col" \
        --size "$arg" --expected "$exp" --workdir "$TMP/cells/$section.$b.$col" --timeout "$TIMEOUT" \
        "${lang[@]}" "$@" 2>>"$TMP/harness.err" || {
        put "$section" "$b" "$col" "$arg" FAIL
        note "$col" "$b" "harness error (see $TMP/harness.err)"
        echo FAIL
    }
}

# build_release BENCH -> 0 when $TMP/lang/BENCH was built (else a note)
build_release() {
    local b="$1" rc=0
    [ -x "$TMP/lang/$b" ] && return 0
    limited "$LANG_BIN" build --release "$PROGS/$b.ln" -o "$TMP/lang/$b" </dev/null \
        >"$TMP/lang/$b.build.log" 2>&1 || rc=$?
    if [ "$rc" = 0 ] && [ -x "$TMP/lang/$b" ]; then return 0; fi
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        note release "$b" "lang build --release took longer than ${TIMEOUT}s"
    elif [ "$rc" = 0 ]; then
        note release "$b" "lang build --release exited 0 but wrote no executable"
    else
        note release "$b" "lang build --release exited $rc: $(grep -m1 -v '^[[:space:]]*$' "$TMP/lang/$b.build.log" | cut -c1-140)"
    fi
    return 1
}

# command line of column COL for benchmark B (in CMD), 1 when unavailable
cmd_for() {
    local col="$1" b="$2" arg="$3"
    case "$col" in
        c)
            [ -x "$TMP/c/$b" ] || return 1
            CMD=("$TMP/c/$b" "$arg") ;;
        luajit) CMD=(luajit "$PROGS/$b.lua" "$arg") ;;
        lua) CMD=(lua5.4 "$PROGS/$b.lua" "$arg") ;;
        python) CMD=("$PYTHON" "$PROGS/$b.py" "$arg") ;;
        run) CMD=("$LANG_BIN" run "$PROGS/$b.ln" "$arg") ;;
        hmr) CMD=("$LANG_BIN" run --hmr "$PROGS/$b.ln" "$arg") ;;
        release)
            build_release "$b" || return 1
            CMD=("$TMP/lang/$b" "$arg") ;;
    esac
    return 0
}

for b in $SEL; do
    arg="$(size_of "$b")"
    exp="$(expected_of "$b")"
    log "$b ($arg)"
    for col in $COLS; do
        if [ "${HAVE[$col]}" != 1 ]; then
            put time "$b" "$col" "$arg" MISSING
            log "  $(printf '%-13s %s' "$col" MISSING)"
            continue
        fi
        if [ "$col" = c ] && [ ! -x "$TMP/c/$b" ]; then
            if ! gcc -O2 -o "$TMP/c/$b" "$PROGS/$b.c" -lm 2>"$TMP/c/$b.gcc.log"; then
                note c "$b" "gcc -O2 failed: $(head -1 "$TMP/c/$b.gcc.log" | cut -c1-140)"
            fi
        fi
        if ! cmd_for "$col" "$b" "$arg"; then
            if [ "$col" = release ]; then v=MISSING; else v=FAIL; fi
            put time "$b" "$col" "$arg" "$v"
            log "  $(printf '%-13s %s' "$col" "$v")"
            continue
        fi
        v="$(cell time "$b" "$col" "$arg" "$exp" --runs "$RUNS" --warmup "$WARMUP" -- "${CMD[@]}")"
        log "  $(printf '%-13s %s' "$col" "$v")"
    done
done

# ------------------------------------------------------------------ peak RSS
rb=binarytrees
if has_word "$SEL" "$rb"; then
    arg="$(size_of "$rb")"
    exp="$(expected_of "$rb")"
    log "peak RSS: $rb ($arg)"
    for col in c lua run release; do
        if ! want "$col" || [ "${HAVE[$col]}" != 1 ]; then continue; fi
        if [ "$col" = c ] && [ ! -x "$TMP/c/$rb" ]; then
            gcc -O2 -o "$TMP/c/$rb" "$PROGS/$rb.c" -lm 2>"$TMP/c/$rb.gcc.log" || true
        fi
        if ! cmd_for "$col" "$rb" "$arg"; then
            put rss "$rb" "$col" "$arg" MISSING
            continue
        fi
        v="$(cell rss "$rb" "$col" "$arg" "$exp" -- "${CMD[@]}")"
        log "  $(printf '%-13s %s KiB' "$col" "$v")"
    done
fi

# ------------------------------------------------------------------ hello world
if [ "$HELLO_RUNS" -ge 1 ] && { { want run && [ "${HAVE[run]}" = 1 ]; } || { want lua && [ "${HAVE[lua]}" = 1 ]; }; }; then
    log "hello world ($HELLO_RUNS runs)"
    mkdir -p "$TMP/hello"
    printf 'fn main() {\n    print("hello, world")\n}\n' >"$TMP/hello/hello.ln"
    printf 'print("hello, world")\n' >"$TMP/hello/hello.lua"
    printf 'hello, world\n' >"$TMP/hello/expected"
    for col in run release lua; do
        if ! want "$col" || [ "${HAVE[$col]}" != 1 ]; then continue; fi
        case "$col" in
            run) CMD=("$LANG_BIN" run "$TMP/hello/hello.ln") ;;
            release)
                rc=0
                limited "$LANG_BIN" build --release "$TMP/hello/hello.ln" -o "$TMP/hello/hello" \
                    </dev/null >"$TMP/hello/build.log" 2>&1 || rc=$?
                if [ "$rc" != 0 ] || [ ! -x "$TMP/hello/hello" ]; then
                    put hello hello release - MISSING
                    note release hello "lang build --release of hello.ln exited $rc"
                    continue
                fi
                CMD=("$TMP/hello/hello") ;;
            lua) CMD=(lua5.4 "$TMP/hello/hello.lua") ;;
        esac
        v="$(cell hello hello "$col" - "$TMP/hello/expected" --runs "$HELLO_RUNS" --warmup 1 -- "${CMD[@]}")"
        log "  $(printf '%-13s %s s' "$col" "$v")"
    done
fi

# ------------------------------------------------------------------ report
if [ -n "${LANG_BIN:-}" ] && [ "$(bin_stamp)" != "$LANG_STAMP" ]; then
    note run - "WARNING: $LANG_BIN was replaced during this run (rebuilt elsewhere?); lang cells may mix two versions"
fi
"${HARNESS[@]}" report --results "$RESULTS" --notes "$NOTES" --info "$INFO" --mode "$MODE" \
    --runs "$RUNS" --hello-runs "$HELLO_RUNS" --timeout "$TIMEOUT" --columns "$COLS" --benches "$SEL" ||
    { log "error: the report failed; raw results follow"; cat "$RESULTS"; }

if [ -n "${RESULTS_TSV:-}" ]; then
    {
        printf 'section\tbenchmark\tcolumn\tsize\tvalue\n'
        cat "$RESULTS"
    } >"$RESULTS_TSV" && log "raw results written to $RESULTS_TSV"
fi
exit 0
