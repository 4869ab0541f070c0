//! The `lang` command line: parses the arguments and hands over to one subcommand.

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

fn main() -> ExitCode {
    output::install_panic_hook();
    let arguments = cli::parse();
    commands::dispatch(arguments)
}
