//! A real editor against `lang lsp`: headless Neovim, with the setup shipped in `editors/vim`
//! (filetype detection and the `lang_lsp` Lua module), opens a two-module program with a type
//! error, waits for the diagnostics its built-in LSP client receives, asks for hover,
//! definition, formatting and references through that client, types the fix (sent as an
//! incremental change) and waits for the diagnostic to go, and writes what it got to a JSON
//! file that this test checks.
//!
//! Neovim is installed by `.ci/run` (Debian's package when `nvim` is missing). Without it the
//! test is skipped with a printed reason, unless `LANG_REQUIRE_EDITOR_TOOLS=1` (set by
//! `.ci/run`), where a missing editor is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Generous: a loaded CI machine may be slow, and a passing test never waits this long.
const DEADLINE: Duration = Duration::from_secs(120);

const GEO: &str = "// A point in the plane.
pub struct Point {
    x: float,
    y: float,
}

// The distance from the origin.
pub fn norm(p: Point) -> float {
    return sqrt(p.x * p.x + p.y * p.y)
}
";

/// Not formatted (the `let` line), and `total` is declared `int` but given a `float`.
const MAIN: &str = "import geo

fn main() {
    let p = geo.Point { x: 3.0, y: 4.0 }
      let   total: int = geo.norm(p)
    print(total)
}
";

/// The script Neovim runs: every step has a deadline (`vim.wait`), and whatever happens the
/// results so far are written and Neovim quits.
const SCRIPT: &str = r#"
local results = { steps = {} }
local function finish()
  vim.fn.writefile({ vim.fn.json_encode(results) }, vim.env.LANG_TEST_OUTPUT)
  vim.cmd("qall!")
end

local function first_result(responses)
  for _, response in pairs(responses or {}) do
    if response.err then
      return { error = response.err.message }
    end
    return response.result
  end
  return nil
end

local ok, problem = pcall(function()
  require("lang_lsp").setup({ cmd = { vim.env.LANG_TEST_BINARY, "lsp" } })
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.LANG_TEST_FOLDER .. "/main.ln"))
  local buffer = vim.api.nvim_get_current_buf()
  results.filetype = vim.bo[buffer].filetype

  local attached = vim.wait(30000, function()
    return next(vim.lsp.buf_get_clients(buffer)) ~= nil
  end, 20)
  table.insert(results.steps, "attached: " .. tostring(attached))
  if not attached then return end

  local got_diagnostics = vim.wait(60000, function()
    return #vim.diagnostic.get(buffer) > 0
  end, 20)
  table.insert(results.steps, "diagnostics: " .. tostring(got_diagnostics))
  results.diagnostics = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
    local code = diagnostic.code
    if code == nil and diagnostic.user_data and diagnostic.user_data.lsp then
      code = diagnostic.user_data.lsp.code
    end
    table.insert(results.diagnostics, {
      line = diagnostic.lnum,
      column = diagnostic.col,
      code = code,
      message = diagnostic.message,
      severity = diagnostic.severity,
    })
  end

  -- On `norm` in `geo.norm(p)` (line 5, 0-based 4).
  local line = vim.api.nvim_buf_get_lines(buffer, 4, 5, false)[1]
  local column = string.find(line, "norm", 1, true) - 1
  vim.api.nvim_win_set_cursor(0, { 5, column })
  local position = vim.lsp.util.make_position_params()

  local hover = first_result(vim.lsp.buf_request_sync(buffer, "textDocument/hover", position, 30000))
  if hover and hover.contents then
    local contents = hover.contents
    results.hover = type(contents) == "table" and (contents.value or vim.fn.json_encode(contents)) or contents
  end
  table.insert(results.steps, "hover")

  local definition = first_result(vim.lsp.buf_request_sync(buffer, "textDocument/definition", position, 30000))
  if definition and definition[1] then
    definition = definition[1]
  end
  if definition and (definition.uri or definition.targetUri) then
    results.definition = {
      file = vim.fn.fnamemodify(vim.uri_to_fname(definition.uri or definition.targetUri), ":t"),
      line = (definition.range or definition.targetSelectionRange).start.line,
    }
  end
  table.insert(results.steps, "definition")

  local edits = first_result(vim.lsp.buf_request_sync(buffer, "textDocument/formatting",
    vim.lsp.util.make_formatting_params(), 30000))
  if edits and edits[1] then
    vim.lsp.util.apply_text_edits(edits, buffer, "utf-16")
  end
  results.formatted = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
  table.insert(results.steps, "formatting")

  local reference_params = vim.lsp.util.make_position_params()
  reference_params.context = { includeDeclaration = true }
  local references = first_result(vim.lsp.buf_request_sync(buffer, "textDocument/references",
    reference_params, 30000)) or {}
  results.references = {}
  for _, location in ipairs(references) do
    table.insert(results.references, vim.fn.fnamemodify(vim.uri_to_fname(location.uri), ":t")
      .. ":" .. location.range.start.line)
  end
  table.sort(results.references)
  table.insert(results.steps, "references")

  -- Fix the error the way a user types: `int` becomes `float` in the buffer, which Neovim
  -- sends as an incremental change; the diagnostic must go away.
  local fixed_line = vim.api.nvim_buf_get_lines(buffer, 4, 5, false)[1]
  local int_start = string.find(fixed_line, "int", 1, true) - 1
  vim.api.nvim_buf_set_text(buffer, 4, int_start, 4, int_start + 3, { "float" })
  results.cleared = vim.wait(60000, function()
    return #vim.diagnostic.get(buffer) == 0
  end, 20)
  table.insert(results.steps, "fixed")
end)
if not ok then
  results.problem = tostring(problem)
end
finish()
"#;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is in the repository")
        .to_path_buf()
}

/// Whether `nvim` can be run; without it the test fails under `LANG_REQUIRE_EDITOR_TOOLS=1`
/// and is otherwise skipped.
fn neovim_available() -> bool {
    let found = Command::new("nvim")
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var("LANG_REQUIRE_EDITOR_TOOLS").as_deref() != Ok("1"),
            "`nvim` is not installed, and LANG_REQUIRE_EDITOR_TOOLS=1 requires it (.ci/run installs it)"
        );
        eprintln!("skipped: `nvim` is not installed (`.ci/run` installs it; apt-get install neovim)");
    }
    found
}

#[test]
fn neovim_shows_diagnostics_hover_definition_and_formats_through_lang_lsp() {
    if !neovim_available() {
        return;
    }
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let folder = scratch.path().join("project");
    std::fs::create_dir_all(&folder).expect("project folder");
    std::fs::write(folder.join("geo.ln"), GEO).expect("geo.ln");
    std::fs::write(folder.join("main.ln"), MAIN).expect("main.ln");
    let script = scratch.path().join("drive.lua");
    std::fs::write(&script, SCRIPT).expect("the script");
    let output = scratch.path().join("results.json");
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).expect("home folder");

    let runtime = repository().join("editors/vim");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-i", "NONE", "--cmd"])
        .arg(format!("set runtimepath^={}", runtime.display()))
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .current_dir(&folder)
        .env("LANG_TEST_BINARY", env!("CARGO_BIN_EXE_lang"))
        .env("LANG_TEST_FOLDER", &folder)
        .env("LANG_TEST_OUTPUT", &output)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting on nvim") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {} s", DEADLINE.as_secs());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read_to_string(&output)
        .unwrap_or_else(|error| panic!("nvim wrote no results ({error}); it exited with {status}"));
    let results: Value = serde_json::from_str(&text).expect("the results are JSON");
    let context = format!("what Neovim got: {results:#}");

    assert_eq!(results["problem"], Value::Null, "{context}");
    assert_eq!(results["filetype"], "lang", "ftdetect names the filetype; {context}");

    // The type error on line 5 (0-based 4), with `lang check`'s code, and nothing else.
    let diagnostics = results["diagnostics"].as_array().expect(&context);
    assert_eq!(diagnostics.len(), 1, "{context}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["line"], 4, "{context}");
    assert_eq!(diagnostic["severity"], 1, "an error; {context}");
    assert!(
        diagnostic["code"].as_str().is_some_and(|code| code.starts_with('E')),
        "{context}"
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .is_some_and(|message| !message.is_empty()),
        "{context}"
    );

    let hover = results["hover"].as_str().expect(&context);
    assert!(hover.contains("fn norm(p: Point) -> float"), "{context}");
    assert!(hover.contains("The distance from the origin."), "{context}");

    assert_eq!(results["definition"]["file"], "geo.ln", "{context}");
    assert_eq!(
        results["definition"]["line"], 7,
        "`pub fn norm` is on line 8; {context}"
    );

    let formatted: Vec<&str> = results["formatted"]
        .as_array()
        .expect(&context)
        .iter()
        .map(|line| line.as_str().unwrap_or_default())
        .collect();
    let expected_text = MAIN.replace("      let   total", "    let total");
    let expected: Vec<&str> = expected_text.lines().collect();
    assert_eq!(formatted, expected, "{context}");

    assert_eq!(
        results["references"],
        serde_json::json!(["geo.ln:7", "main.ln:4"]),
        "the declaration and the call; {context}"
    );
    assert_eq!(
        results["cleared"], true,
        "the diagnostic went away after the fix was typed; {context}"
    );
}
