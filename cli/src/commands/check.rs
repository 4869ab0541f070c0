//! `lang check FILE.ln`: report every diagnostic of a program, run nothing.

use std::path::Path;

/// Checks the program; prints nothing and returns 0 when it is valid.
pub fn run(file: &Path) -> u8 {
    match super::checked_program(file) {
        Ok(_) => 0,
        Err(code) => code,
    }
}
