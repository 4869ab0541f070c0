//! One module per subcommand; this file only dispatches.

mod build;
mod build_hmr;
mod build_state;
mod cache;
mod check;
mod fmt;
mod lsp;
mod run;

use std::process::ExitCode;

use crate::cli::{Arguments, Command};

/// The exit code of a compile error or an unreadable file (LANGUAGE.md section 8).
pub const EXIT_COMPILE_ERROR: u8 = 1;
/// The exit code when `lang` itself failed (an internal error).
pub const EXIT_INTERNAL_ERROR: u8 = 101;
/// The exit code of bad usage: an unknown flag, a bad `LANG_HMR` value.
pub const EXIT_USAGE: u8 = 2;

/// The compiler recurses over the syntax tree; run it on a thread with a stack large enough
/// for any program within the nesting limits (the memory is only reserved, not used).
const COMPILER_STACK_SIZE: usize = lang_compiler::threads::DEEP_STACK_SIZE;

pub fn dispatch(arguments: Arguments) -> ExitCode {
    match arguments.command {
        Command::Check { file } => on_compiler_thread(move || check::run(&file)),
        Command::Fmt { check, paths } => on_compiler_thread(move || fmt::run(&paths, check)),
        Command::Build {
            release: _,
            hmr: true,
            watch,
            file,
            output,
            emit,
            opt_level,
        } => on_compiler_thread(move || build_hmr::run(&file, output, emit, opt_level, watch)),
        Command::Build {
            release: _,
            hmr: false,
            watch: _,
            file,
            output,
            emit,
            opt_level,
        } => on_compiler_thread(move || build::run(&file, output, emit, opt_level)),
        Command::Cache { action } => ExitCode::from(cache::run(action)),
        Command::Lsp => ExitCode::from(lsp::run()),
        Command::Run {
            hmr,
            hmr_log,
            file,
            args,
        } => {
            // From here on Ctrl-C exits with 130 after flushing the program's output, also
            // while compiling. This must happen on the main thread, before any other thread
            // starts, so that every thread blocks SIGINT and only the handler receives it.
            lang_runtime_core::signals::install_interrupt_handler();
            on_compiler_thread(move || run::run(&file, hmr, hmr_log, args))
        }
    }
}

/// Refuses an output path that names the source file itself (`lang build prog` for a source
/// named `prog` without an extension, or `-o main.ln`): writing there would destroy it.
fn refuse_to_overwrite_source(file: &std::path::Path, target: &std::path::Path) -> Result<(), u8> {
    let same = match (std::fs::canonicalize(file), std::fs::canonicalize(target)) {
        (Ok(source), Ok(output)) => source == output,
        _ => false,
    };
    if same {
        crate::output::print_error(&format!(
            "the output `{}` is the source file itself; name the executable with `-o`",
            target.display()
        ));
        return Err(EXIT_USAGE);
    }
    Ok(())
}

/// Loads and checks the program at `file`, printing its diagnostics (warnings included).
/// A program with errors, or a main file that cannot be read, gives the exit code to return.
fn checked_program(file: &std::path::Path) -> Result<lang_compiler::CheckedProgram, u8> {
    checked_program_with(file, &mut lang_compiler::FileSystemLoader)
}

/// [`checked_program`] reading the files through `loader`.
fn checked_program_with(
    file: &std::path::Path,
    loader: &mut dyn lang_compiler::SourceLoader,
) -> Result<lang_compiler::CheckedProgram, u8> {
    let checked = match lang_compiler::check_program(file, loader) {
        Ok(checked) => checked,
        Err(error) => {
            crate::output::print_error(&error.to_string());
            return Err(EXIT_COMPILE_ERROR);
        }
    };
    crate::output::print_diagnostics(&checked.diagnostics, &checked.sources);
    if checked.has_errors() {
        return Err(EXIT_COMPILE_ERROR);
    }
    Ok(checked)
}

/// Runs `work` on a thread with a large stack and returns its exit code; a panic in it becomes
/// an internal-error exit code (the panic hook has already explained it).
fn on_compiler_thread(work: impl FnOnce() -> u8 + Send + 'static) -> ExitCode {
    let spawned = std::thread::Builder::new()
        .name("compiler".into())
        .stack_size(COMPILER_STACK_SIZE)
        .spawn(work);
    match spawned {
        Ok(handle) => match handle.join() {
            Ok(code) => ExitCode::from(code),
            Err(_) => ExitCode::from(EXIT_INTERNAL_ERROR),
        },
        Err(error) => {
            crate::output::print_error(&format!("cannot start the compiler thread: {error}"));
            ExitCode::from(EXIT_INTERNAL_ERROR)
        }
    }
}
