//! `lang fmt PATH...`: rewrite `.ln` files in the canonical style (LANGUAGE.md section 12).
//!
//! The formatting itself is `lang_compiler::format::format_source`; this file finds the files,
//! writes them back (or only lists them with `--check`), and reports syntax errors.

use std::io::Read;
use std::path::{Path, PathBuf};

use lang_compiler::format::{Formatted, format_source_or_refuse};
use lang_compiler::source::SourceOrigin;
use lang_compiler::{Diagnostic, SourceMap};

use super::EXIT_COMPILE_ERROR;

/// Formats every path (a file, a folder searched recursively for `.ln` files, or `-` for
/// stdin to stdout). Returns 1 if any file had a syntax error or could not be read or
/// written, or, with `check`, if any file would change.
pub fn run(paths: &[PathBuf], check: bool) -> u8 {
    let mut failed = false;
    let mut would_change = false;
    for path in paths {
        if path.as_os_str() == "-" {
            failed |= !format_stdin(check, &mut would_change);
            continue;
        }
        let mut files = Vec::new();
        if let Err(message) = collect_files(path, &mut files) {
            crate::output::print_error(&message);
            failed = true;
            continue;
        }
        for file in files {
            match format_file(&file, check) {
                Ok(changed) => would_change |= changed,
                Err(()) => failed = true,
            }
            // `--check` into a pipe closed early: the list cannot be written, so stop.
            if crate::output::stdout_failed() {
                return EXIT_COMPILE_ERROR;
            }
        }
    }
    if failed || (check && would_change) {
        EXIT_COMPILE_ERROR
    } else {
        0
    }
}

/// A path given on the command line: a file is taken whatever its extension; a folder gives
/// its `.ln` files, in sorted order so the output is reproducible.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let metadata = std::fs::metadata(path).map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|error| format!("cannot read the folder `{}`: {error}", path.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    entries.sort();
    for entry in entries {
        // A link to a folder is not followed, as gofmt and rustfmt do: a link to a parent
        // folder would make the walk endless.
        let is_link = std::fs::symlink_metadata(&entry).is_ok_and(|metadata| metadata.file_type().is_symlink());
        if entry.is_dir() {
            if !is_link {
                collect_files(&entry, files)?;
            }
        } else if entry.extension().is_some_and(|extension| extension == "ln") {
            files.push(entry);
        }
    }
    Ok(())
}

/// Formats one file in place (or, with `check`, prints its path if it would change). Returns
/// whether it changed; `Err` after reporting a problem.
fn format_file(file: &Path, check: bool) -> Result<bool, ()> {
    let text = lang_compiler::source::read_source_file(file).map_err(|error| {
        crate::output::print_error(&format!("cannot read `{}`: {error}", file.display()));
    })?;
    let formatted = format_source_or_refuse(&text).map_err(|errors| {
        report(&errors, SourceOrigin::File(file.to_path_buf()), text.clone());
    })?;
    let formatted = unrefused(formatted, &file.display().to_string())?;
    if formatted == text {
        return Ok(false);
    }
    if check {
        if !crate::output::write_stdout(&format!("{}\n", file.display())) {
            return Err(());
        }
    } else {
        std::fs::write(file, formatted).map_err(|error| {
            crate::output::print_error(&format!("cannot write `{}`: {error}", file.display()));
        })?;
    }
    Ok(true)
}

/// `lang fmt -`: stdin to stdout. A syntax error prints nothing on stdout. Returns whether it
/// succeeded.
fn format_stdin(check: bool, would_change: &mut bool) -> bool {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        crate::output::print_error(&format!("cannot read stdin: {error}"));
        return false;
    }
    match format_source_or_refuse(&text) {
        Ok(formatted) => {
            let Ok(formatted) = unrefused(formatted, "<stdin>") else {
                return false;
            };
            if formatted != text {
                *would_change = true;
                if check {
                    return crate::output::write_stdout("<stdin>\n");
                }
            }
            check || crate::output::write_stdout(&formatted)
        }
        Err(errors) => {
            report(&errors, SourceOrigin::File(PathBuf::from("<stdin>")), text);
            false
        }
    }
}

/// The formatted text, or, when the formatter's output failed its check (a bug of `lang fmt`),
/// `Err` after saying that `name` was left as it was: a file the formatter cannot format must
/// not pass `--check` silently.
fn unrefused(formatted: Formatted, name: &str) -> Result<String, ()> {
    match formatted.refused {
        None => Ok(formatted.text),
        Some(problem) => {
            crate::output::print_error(&format!(
                "`{name}` was left as it was: formatting it would have changed the program ({problem}); \
                 this is a bug in `lang fmt`, please report it"
            ));
            Err(())
        }
    }
}

/// Prints the syntax errors of one file and says it was left as it was.
fn report(errors: &[Diagnostic], origin: SourceOrigin, text: String) {
    let mut sources = SourceMap::default();
    let file = sources.add(origin, text);
    // The formatter numbers the file 0; here it is the only file too.
    debug_assert_eq!(file.0, 0);
    crate::output::print_diagnostics(errors, &sources);
    let name = sources.get(file).display_name.clone();
    crate::output::print_error(&format!("`{name}` has syntax errors and was not formatted"));
}
