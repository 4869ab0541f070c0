//! `lang check FILE.ln`: report every diagnostic of a program, run nothing.

use std::path::Path;

use lang_compiler::{FileSystemLoader, check_program};

use super::EXIT_COMPILE_ERROR;
use crate::output;

/// Checks the program; prints nothing and returns 0 when it is valid.
pub fn run(file: &Path) -> u8 {
    let checked = match check_program(file, &mut FileSystemLoader) {
        Ok(checked) => checked,
        Err(error) => {
            output::print_error(&error.to_string());
            return EXIT_COMPILE_ERROR;
        }
    };
    output::print_diagnostics(&checked.diagnostics, &checked.sources);
    if checked.has_errors() { EXIT_COMPILE_ERROR } else { 0 }
}
