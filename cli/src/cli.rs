//! The command-line grammar of `lang` (LANGUAGE.md section 8), with clap.
//!
//! `lang run` needs one rule clap cannot express: after the program's file, only `--hmr` is
//! `lang`'s own flag, and everything else — everything after `--` included — belongs to the
//! program. So the arguments after the file are split off before clap sees the rest.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Format `.ln` files in the canonical style (folders are searched recursively, `-`
    /// formats stdin to stdout). Exit code 1 if a file has a syntax error (it is left
    /// untouched) or, with `--check`, if a file would change.
    Fmt {
        /// Write nothing; print each file that would change and exit 1 if there is one.
        #[arg(long)]
        check: bool,
        /// Files and folders to format, or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Compile a program with the JIT and run its `main`. Exit code: the program's (`exit(n)`),
    /// 0 when `main` returns, 1 for a compile error, 101 for a runtime error.
    Run {
        /// Reload modules when their files change (also: LANG_HMR=1).
        #[arg(long)]
        hmr: bool,
        /// Also append every hot-reload report, time-stamped, to FILE (implies --hmr; also:
        /// LANG_HMR_LOG=FILE).
        #[arg(long = "hmr-log", value_name = "FILE")]
        hmr_log: Option<PathBuf>,
        /// The program's main file.
        file: PathBuf,
        /// Arguments for the program: everything after the file except `--hmr`, and
        /// everything after `--`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<OsString>,
    },
    /// Compile a program ahead of time. With --release (the default): one standalone native
    /// executable, linked by the system C compiler (`cc`, or $CC).
    Build {
        /// Build a standalone executable with direct calls and no reload machinery.
        #[arg(long)]
        release: bool,
        /// Build a host executable plus one shared library per module, in OUT.modules/; a
        /// running OUT loads each new build of them, keeping its state.
        #[arg(long, conflicts_with = "release")]
        hmr: bool,
        /// With --hmr: stay running and build again on every save of a source file.
        #[arg(long, requires = "hmr")]
        watch: bool,
        /// The program's main file.
        file: PathBuf,
        /// Where to write the result (default: the file's stem in the current folder, with
        /// `.o` for --emit obj).
        #[arg(short = 'o', long = "output", value_name = "OUT")]
        output: Option<PathBuf>,
        /// What to write: a linked executable, or only the object file.
        #[arg(long, value_enum, default_value = "exe")]
        emit: Emit,
        /// How hard Cranelift optimizes.
        #[arg(long = "opt-level", value_enum, default_value = "speed")]
        opt_level: OptLevelArgument,
    },
    /// Run the language server on stdin and stdout, for editors (LANGUAGE.md section 12).
    /// Exit code 0 after `shutdown` and `exit`, 1 on `exit` without `shutdown`.
    Lsp,
    /// Manage the compile cache (`$XDG_CACHE_HOME/lang`, else `~/.cache/lang`), where
    /// `lang run` keeps compiled code between starts. LANG_CACHE=0 turns it off.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Subcommand)]
pub enum CacheAction {
    /// Remove everything in the compile cache.
    Clean,
    /// Print the compile cache's folder.
    Dir,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Emit {
    Exe,
    Obj,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OptLevelArgument {
    None,
    Speed,
    SpeedAndSize,
}

/// Parses the process arguments. On bad usage clap prints the problem and the result is exit
/// code 2; `--help` and `--version` print to stdout and give 0.
pub fn parse() -> Result<Arguments, ExitCode> {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let (for_clap, program_arguments, hmr_after_file) = split_run_arguments(raw);
    let mut arguments = match Arguments::try_parse_from(for_clap) {
        Ok(arguments) => arguments,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return Err(ExitCode::from(code));
        }
    };
    if let Command::Run { hmr, args, .. } = &mut arguments.command {
        *hmr |= hmr_after_file;
        if let Some(program_arguments) = program_arguments {
            *args = program_arguments;
        }
    }
    Ok(arguments)
}

/// For `lang run`: the arguments clap should parse (up to and including the file), the
/// program's arguments, and whether `--hmr` followed the file.
fn split_run_arguments(raw: Vec<OsString>) -> (Vec<OsString>, Option<Vec<OsString>>, bool) {
    if raw.get(1).is_none_or(|command| command != "run") {
        return (raw, None, false);
    }
    // Find the file: the first argument after `run` that is not a flag (or the one right
    // after a `--`).
    let mut index = 2;
    let mut file_index = None;
    while index < raw.len() {
        let argument = raw[index].to_string_lossy();
        if argument == "--" {
            if index + 1 < raw.len() {
                file_index = Some(index + 1);
            }
            break;
        }
        if !argument.starts_with('-') || argument == "-" {
            file_index = Some(index);
            break;
        }
        // A flag's value is not the file.
        if argument == "--hmr-log" {
            index += 1;
        }
        index += 1;
    }
    let Some(file_index) = file_index else {
        return (raw, None, false);
    };
    // A `--` right before the file stays, so clap takes a file named like a flag as the file.
    let mut for_clap: Vec<OsString> = raw[..file_index].to_vec();
    for_clap.push(raw[file_index].clone());
    let mut program_arguments = Vec::new();
    let mut hmr = false;
    let mut passthrough = false;
    for argument in &raw[file_index + 1..] {
        if passthrough {
            program_arguments.push(argument.clone());
        } else if argument == "--" {
            passthrough = true;
        } else if argument == "--hmr" {
            hmr = true;
        } else {
            program_arguments.push(argument.clone());
        }
    }
    (for_clap, Some(program_arguments), hmr)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(arguments: &[&str]) -> (Vec<String>, Option<Vec<String>>, bool) {
        let raw = arguments.iter().map(OsString::from).collect();
        let (clap, program, hmr) = split_run_arguments(raw);
        let text = |list: Vec<OsString>| list.into_iter().map(|item| item.into_string().unwrap()).collect();
        (text(clap), program.map(text), hmr)
    }

    #[test]
    fn the_value_of_hmr_log_is_not_the_file() {
        let (clap, program, _) = split(&["lang", "run", "--hmr-log", "log.txt", "game.ln", "x"]);
        assert_eq!(clap, ["lang", "run", "--hmr-log", "log.txt", "game.ln"]);
        assert_eq!(program.unwrap(), ["x"]);
    }

    #[test]
    fn flags_after_the_file_go_to_the_program_except_hmr() {
        let (clap, program, hmr) = split(&["lang", "run", "game.ln", "--hmr", "--level=3", "--help"]);
        assert_eq!(clap, ["lang", "run", "game.ln"]);
        assert_eq!(program.unwrap(), ["--level=3", "--help"]);
        assert!(hmr);
    }

    #[test]
    fn everything_after_double_dash_goes_to_the_program() {
        let (clap, program, hmr) = split(&["lang", "run", "--hmr", "game.ln", "--", "--hmr", "x"]);
        assert_eq!(clap, ["lang", "run", "--hmr", "game.ln"]);
        assert_eq!(program.unwrap(), ["--hmr", "x"]);
        assert!(!hmr);
    }

    #[test]
    fn a_file_named_like_a_flag_follows_double_dash() {
        let (clap, program, _) = split(&["lang", "run", "--", "-dash.ln", "a"]);
        assert_eq!(clap, ["lang", "run", "--", "-dash.ln"]);
        assert_eq!(program.unwrap(), ["a"]);
    }

    #[test]
    fn other_commands_are_left_to_clap() {
        let (clap, program, _) = split(&["lang", "check", "a.ln"]);
        assert_eq!(clap, ["lang", "check", "a.ln"]);
        assert!(program.is_none());
    }
}
