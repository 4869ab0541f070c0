#!/usr/bin/env bash
# Hot reload, live: runs the snake game under `lang run --hmr` in a detached 80x24 tmux
# session (the autopilot playing at the game's real speed), captures the screen, edits the
# title in render.ln while the game runs, waits until the screen shows the new title, and
# captures it again. Both captures are printed; the demo fails unless the score and the
# snake carried on from where they were (the state survived the edit).
#
#     examples/demo.sh                     uses target/release/lang
#     LANG_BIN=/path/to/lang examples/demo.sh
#
# The game runs on a copy of examples/snake in a temporary folder, so the examples stay as
# they are. Exit status: 0 on success, 1 if the demo failed, 2 if tmux is not installed.

set -u

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LANG_BIN="${LANG_BIN:-$ROOT/target/release/lang}"
NEW_TITLE="HOT RELOADED: S N A K E"
# Seconds to wait for each thing the screen should show.
DEADLINE=20

if ! command -v tmux >/dev/null 2>&1; then
    echo "demo.sh: tmux is not installed; install it (e.g. apt-get install tmux) to run the demo" >&2
    exit 2
fi
if [ ! -x "$LANG_BIN" ]; then
    echo "demo.sh: no lang binary at $LANG_BIN: build it with 'cargo build --release -p lang' or set LANG_BIN" >&2
    exit 1
fi
LANG_BIN="$(cd "$(dirname "$LANG_BIN")" && pwd)/$(basename "$LANG_BIN")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lang-snake-demo.XXXXXX")"
SOCKET="lang-snake-demo-$$"
SESSION="snake"

# A tmux server of our own (its own socket, no user configuration), so the demo neither
# sees nor disturbs any other tmux session.
tmx() {
    tmux -L "$SOCKET" -f /dev/null "$@"
}

cleanup() {
    tmx kill-server >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
    echo "demo.sh: FAILED: $*" >&2
    echo "--- the screen now:" >&2
    screen >&2
    echo "--- the game's stderr:" >&2
    cat "$WORK/stderr.log" >&2 2>/dev/null
    exit 1
}

# The screen as text, without its trailing blank lines.
screen() {
    tmx capture-pane -p -t "$SESSION" 2>/dev/null | sed -e :a -e '/^[[:space:]]*$/{$d;N;ba' -e '}'
}

# Waits until the screen matches the extended regular expression $1.
wait_for() {
    local started=$SECONDS
    while ! screen | grep -Eq -- "$1"; do
        if [ $((SECONDS - started)) -ge "$DEADLINE" ]; then
            fail "the screen did not show /$1/ within $DEADLINE s"
        fi
        sleep 0.1
    done
}

# The number after the word $1 on the screen text $2 (e.g. `score 7`).
number_after() {
    printf '%s\n' "$2" | grep -Eo -- "$1 [0-9]+" | head -n 1 | grep -Eo '[0-9]+'
}

cp -R "$ROOT/examples/snake" "$WORK/snake"

tmx new-session -d -s "$SESSION" -x 80 -y 24 \
    "cd '$WORK/snake' && '$LANG_BIN' run --hmr game.ln -- --autoplay 100000 --slow 2>'$WORK/stderr.log'; echo \"[demo] the game exited with status \$?\"; sleep 600" ||
    { echo "demo.sh: tmux could not start a session" >&2; exit 1; }

# Let the autopilot eat at least once, so there is state to keep.
wait_for 'score [1-9]'
BEFORE="$(screen)"
score_before="$(number_after score "$BEFORE")"
length_before="$(number_after length "$BEFORE")"
game_before="$(number_after game "$BEFORE")"

# The live edit, as an editor would save it.
sed -i "s/^let TITLE = .*/let TITLE = \"$NEW_TITLE\"/" "$WORK/snake/render.ln"
grep -q "$NEW_TITLE" "$WORK/snake/render.ln" || fail "could not edit render.ln"

wait_for "$NEW_TITLE"
AFTER="$(screen)"
score_after="$(number_after score "$AFTER")"
length_after="$(number_after length "$AFTER")"
game_after="$(number_after game "$AFTER")"

echo "=== BEFORE (score $score_before, length $length_before)"
printf '%s\n' "$BEFORE"
echo "=== live edit of render.ln: let TITLE = \"$NEW_TITLE\""
grep '^\[hmr\]' "$WORK/stderr.log"
echo "=== AFTER (score $score_after, length $length_after)"
printf '%s\n' "$AFTER"
echo "==="

if [ -z "$score_before" ] || [ -z "$score_after" ] || [ -z "$length_before" ] || [ -z "$length_after" ]; then
    fail "could not read the score and length from the screen"
fi
if [ "$game_before" != "$game_after" ]; then
    fail "the game restarted (game $game_before, then game $game_after)"
fi
if [ "$score_after" -lt "$score_before" ] || [ "$length_after" -lt "$length_before" ]; then
    fail "the state was reset: score $score_before -> $score_after, length $length_before -> $length_after"
fi
echo "demo.sh: OK: the title changed while the game ran; score $score_before -> $score_after, length $length_before -> $length_after"
exit 0
