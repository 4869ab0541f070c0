#!/usr/bin/env bash
# Tests the tree-sitter grammar with the tree-sitter CLI itself:
#   1. `tree-sitter generate` gives exactly the committed src/ (parser.c and friends);
#   2. `tree-sitter test` passes the corpus (test/corpus) and highlight tests (test/highlight);
#   3. `tree-sitter parse` finds no syntax error in any .ln program of the repository that
#      `lang` accepts (examples/, stdlib/, bench/, the cases under tests/cases but those
#      about lexing and parsing errors, and the book's ```ln blocks).
#
# The CLI (a pinned version, built from crates.io with cargo) is looked for in $LANG_TOOLS_DIR
# (default: .ci/tools of the repository, ignored by git), then in ~/.cache/lang-editor-tools,
# then on PATH; if missing it is installed into $LANG_TOOLS_DIR, unless --no-install is given,
# in which case the script exits with 77 ("skipped") without testing anything.
# `tree-sitter generate` runs grammar.js with node. Usage: test.sh [--no-install] [--update]
# (--update rewrites src/ and the corpus's expected trees instead of checking them).
set -euo pipefail

version=0.27.1
grammar="$(cd "$(dirname "$0")" && pwd)"
repository="$(cd "$grammar/../.." && pwd)"
tools="${LANG_TOOLS_DIR:-$repository/.ci/tools}"
install=yes
update=no
for argument in "$@"; do
    case "$argument" in
        --no-install) install=no ;;
        --update) update=yes ;;
        *) echo "test.sh: unknown argument $argument" >&2; exit 2 ;;
    esac
done

has_version() {
    [ -x "$1" ] && [[ "$("$1" --version 2>/dev/null)" == "tree-sitter $version"* ]]
}

cli=""
for candidate in "$tools/bin/tree-sitter" "$repository/.ci/tools/bin/tree-sitter" \
    "${HOME:-/root}/.cache/lang-editor-tools/bin/tree-sitter" "$(command -v tree-sitter || true)"; do
    if [ -n "$candidate" ] && has_version "$candidate"; then
        cli="$candidate"
        break
    fi
done
if [ -z "$cli" ]; then
    if [ "$install" = no ]; then
        echo "the tree-sitter CLI $version is not installed (run editors/tree-sitter-lang/test.sh to install it)"
        exit 77
    fi
    echo "== installing the tree-sitter CLI $version into $tools (cargo install; a few minutes)"
    # Without the default QuickJS runtime: `generate` runs grammar.js with node instead.
    cargo install tree-sitter-cli --version "$version" --locked --no-default-features --root "$tools"
    cli="$tools/bin/tree-sitter"
fi
if ! command -v node >/dev/null; then
    echo "test.sh: tree-sitter generate needs node (apt-get install nodejs)" >&2
    exit 1
fi

# Parsers compiled by the CLI go to a scratch folder, not ~/.cache.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export TREE_SITTER_LIBDIR="$scratch/lib"
cd "$grammar"

echo "== tree-sitter generate (src/ is up to date)"
if [ "$update" = yes ]; then
    "$cli" generate
else
    cp -r "$grammar" "$scratch/grammar"
    (cd "$scratch/grammar" && "$cli" generate)
    if ! diff -r "$grammar/src" "$scratch/grammar/src" >"$scratch/generate.diff"; then
        head -50 "$scratch/generate.diff"
        echo "src/ is not what grammar.js generates: run editors/tree-sitter-lang/test.sh --update and commit src/" >&2
        exit 1
    fi
fi

echo "== tree-sitter test"
if [ "$update" = yes ]; then
    "$cli" test --update
else
    "$cli" test
fi

echo "== tree-sitter parse (the repository's programs)"
(
    cd "$repository"
    find examples stdlib bench tests/cases -type f -name '*.ln' \
        -not -path 'tests/cases/lex/*' -not -path 'tests/cases/parse/*' | sort
) | sed "s|^|$repository/|" >"$scratch/programs"
# The book's ```ln blocks too, each as a file of its own (named after its page and line).
mkdir -p "$scratch/book"
for page in "$repository"/book/src/*.md; do
    awk -v folder="$scratch/book" -v page="$(basename "$page" .md)" '
        /^ *```ln/ { indent = index($0, "`") - 1; file = folder "/" page "-" NR ".ln"; next }
        /^ *```/ { file = ""; next }
        file != "" { print substr($0, indent + 1) > file }
    ' "$page"
done
find "$scratch/book" -name '*.ln' | sort >>"$scratch/programs"
count=$(wc -l <"$scratch/programs")
# The grammar of this folder, not one found through a user's tree-sitter configuration.
echo '{"parser-directories": []}' >"$scratch/config.json"
if ! "$cli" parse --quiet --grammar-path "$grammar" --config-path "$scratch/config.json" \
    --paths "$scratch/programs" >"$scratch/parse.log" 2>&1; then
    cat "$scratch/parse.log"
    echo "tree-sitter parse found syntax errors in the files above" >&2
    exit 1
fi
echo "$count programs (files and book blocks) parse without an error node"
