//! `lang check FILE.ln`: report every diagnostic of a program, run nothing.

use std::path::Path;

/// Checks the program; prints nothing and returns 0 when it is valid.
pub fn run(file: &Path) -> u8 {
    match super::checked_program(file) {
        Ok(checked) => {
            // The process ends right after: freeing the trees and tables node by node would
            // only cost time (about a tenth of a large program's check).
            std::mem::forget(checked);
            0
        }
        Err(code) => code,
    }
}
