//! The command-line grammar of `lang` (LANGUAGE.md section 8), with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// lang: a statically typed scripting language with hot module reloading.
#[derive(Debug, Parser)]
#[command(name = "lang", version, about, long_about = None, propagate_version = true)]
pub struct Arguments {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a program for errors without running it. Exit code 0 when it is valid, 1 when
    /// it has errors or cannot be read.
    Check {
        /// The program's main file.
        file: PathBuf,
    },
}

/// Parses the process arguments. On bad usage clap prints the problem and exits with 2;
/// `--help` and `--version` print to stdout and exit with 0.
pub fn parse() -> Arguments {
    Arguments::parse()
}
