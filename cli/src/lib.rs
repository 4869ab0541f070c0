//! The `lang` command line as a library: `main.rs` calls [`main`], and so does the test
//! driver binary of `tests/`, which runs every case through the real command.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

/// Parses the process arguments and runs one subcommand.
pub fn main() -> ExitCode {
    output::install_panic_hook();
    match cli::parse() {
        Ok(arguments) => commands::dispatch(arguments),
        Err(code) => code,
    }
}
