//! `lang build --release FILE.ln [-o OUT]`: the whole program in one object file, linked with
//! the runtime's static library by the system C compiler into a standalone executable.
//!
//! The runtime library is embedded in the `lang` binary (see `cli/build.rs`), written to a
//! private temporary folder for the link, and removed afterwards; so an installed `lang`
//! needs nothing but itself and a C compiler.

use std::path::{Path, PathBuf};
use std::process::Command;

use lang_compiler::codegen::CodegenOptions;
use lang_compiler::codegen::object::{OptLevel, compile_object};

use super::{EXIT_COMPILE_ERROR, EXIT_INTERNAL_ERROR};
use crate::cli::{Emit, OptLevelArgument};
use crate::output;

/// The runtime as a static library, with the C `main` of release executables.
static RUNTIME_LIBRARY: &[u8] = include_bytes!(env!("LANG_RUNTIME_STATICLIB"));

/// What the Rust standard library inside the runtime needs from the system, besides libc.
/// libgcc is linked statically so the executable depends on nothing but glibc.
pub(super) const SYSTEM_LIBRARIES: &[&str] = &["-static-libgcc", "-lutil", "-lrt", "-lpthread", "-lm", "-ldl"];

pub fn run(file: &Path, output: Option<PathBuf>, emit: Emit, opt_level: OptLevelArgument) -> u8 {
    let checked = match super::checked_program(file) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    // `LANG_COMPILE_ALL=1` compiles also the functions that can never run, as `lang run`.
    let options = CodegenOptions {
        compile_unreachable: super::run::environment_flag("LANG_COMPILE_ALL"),
        ..CodegenOptions::default()
    };
    let object = match compile_object(&checked, opt_level.into(), options) {
        Ok(object) => object,
        Err(error) => {
            output::print_internal_error(&error.to_string());
            return EXIT_INTERNAL_ERROR;
        }
    };
    let stem = file
        .file_stem()
        .map_or_else(|| "program".into(), |stem| stem.to_string_lossy().into_owned());
    let target = match emit {
        Emit::Obj => output.unwrap_or_else(|| PathBuf::from(format!("{stem}.o"))),
        Emit::Exe => output.unwrap_or_else(|| PathBuf::from(&stem)),
    };
    if let Err(code) = super::refuse_to_overwrite_source(file, &target) {
        return code;
    }
    // Said plainly here rather than by the linker: a folder in the way, or a folder to make
    // (made, as `lang build --hmr` makes the folders of its output).
    if target.is_dir() {
        output::print_error(&format!("cannot write `{}`: it is a folder", target.display()));
        return EXIT_COMPILE_ERROR;
    }
    if let Some(parent) = target.parent().filter(|parent| !parent.as_os_str().is_empty())
        && let Err(error) = std::fs::create_dir_all(parent)
    {
        output::print_error(&format!("cannot create the folder `{}`: {error}", parent.display()));
        return EXIT_COMPILE_ERROR;
    }
    match emit {
        Emit::Obj => match std::fs::write(&target, &object) {
            Ok(()) => 0,
            Err(error) => {
                output::print_error(&format!("cannot write `{}`: {error}", target.display()));
                EXIT_COMPILE_ERROR
            }
        },
        Emit::Exe => match link(&object, &target) {
            Ok(()) => 0,
            Err(message) => {
                output::print_error(&message);
                EXIT_COMPILE_ERROR
            }
        },
    }
}

impl From<OptLevelArgument> for OptLevel {
    fn from(argument: OptLevelArgument) -> OptLevel {
        match argument {
            OptLevelArgument::None => OptLevel::None,
            OptLevelArgument::Speed => OptLevel::Speed,
            OptLevelArgument::SpeedAndSize => OptLevel::SpeedAndSize,
        }
    }
}

/// A private temporary folder, removed when dropped.
pub(super) struct TempFolder(pub(super) PathBuf);

impl TempFolder {
    pub(super) fn new() -> Result<TempFolder, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let path = std::env::temp_dir().join(format!("lang-build-{}-{nanos}", std::process::id()));
        let mut builder = std::fs::DirBuilder::new();
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder
            .create(&path)
            .map_err(|error| format!("cannot create a temporary folder `{}`: {error}", path.display()))?;
        Ok(TempFolder(path))
    }
}

impl Drop for TempFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn link(object: &[u8], target: &Path) -> Result<(), String> {
    let folder = TempFolder::new()?;
    let object_path = folder.0.join("program.o");
    let library_path = folder.0.join("liblang_runtime.a");
    std::fs::write(&object_path, object).map_err(|error| format!("cannot write the object file: {error}"))?;
    std::fs::write(&library_path, RUNTIME_LIBRARY)
        .map_err(|error| format!("cannot write the runtime library: {error}"))?;
    let mut command = c_compiler();
    command
        .arg("-o")
        .arg(target)
        .arg(&object_path)
        .arg(&library_path)
        .args(SYSTEM_LIBRARIES)
        .arg("-Wl,--gc-sections");
    run_c_compiler(command)
}

/// The system C compiler (`CC`, or `cc`), which links everything `lang build` makes.
pub(super) fn c_compiler() -> Command {
    Command::new(c_compiler_name())
}

fn c_compiler_name() -> String {
    std::env::var("CC")
        .ok()
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| "cc".into())
}

/// Starts `command` (made by [`c_compiler`]).
pub(super) fn spawn_c_compiler(mut command: Command) -> Result<std::process::Child, String> {
    let compiler = c_compiler_name();
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => format!(
                "no C compiler found (looked for `{compiler}`): `lang build` links with the system C compiler; \
                 install one (for example `apt-get install gcc`) or set CC to its path"
            ),
            _ => format!("cannot run the C compiler `{compiler}`: {error}"),
        })
}

/// Waits for a C compiler started by [`spawn_c_compiler`] and reports its failure.
pub(super) fn wait_c_compiler(child: std::process::Child) -> Result<(), String> {
    let outcome = child
        .wait_with_output()
        .map_err(|error| format!("cannot run the C compiler: {error}"))?;
    if outcome.status.success() {
        Ok(())
    } else {
        Err(format!(
            "linking with `{}` failed:\n{}",
            c_compiler_name(),
            String::from_utf8_lossy(&outcome.stderr).trim_end()
        ))
    }
}

/// Runs `command` (made by [`c_compiler`]) to completion.
pub(super) fn run_c_compiler(command: Command) -> Result<(), String> {
    wait_c_compiler(spawn_c_compiler(command)?)
}
