//! The host executable of `lang build --hmr`: the runtime, the hot-reload session and the
//! loader of module libraries, without the compiler. `lang build --hmr` links this crate's
//! static library (feature `executable`, which adds the C `main`) into `OUT`, and writes the
//! program's modules as shared libraries into `OUT.modules/`, which the host loads, watches,
//! and reloads when a new build lands there.

/// The exit code when the build cannot be loaded at start-up (a missing or bad build).
pub const LOAD_FAILURE_EXIT_CODE: i32 = 1;

/// Runs the build that belongs to the running executable. Returns the exit code.
pub fn run() -> i32 {
    let executable = match std::env::current_exe() {
        Ok(path) => path,
        Err(error) => {
            eprintln!("error: cannot tell where this program is: {error}");
            return LOAD_FAILURE_EXIT_CODE;
        }
    };
    // After `lang build --hmr` replaced the executable while it ran, the kernel names the old
    // file "OUT (deleted)"; the modules folder is still next to the new one.
    let executable = match executable.to_str().and_then(|path| path.strip_suffix(" (deleted)")) {
        Some(path) => std::path::PathBuf::from(path),
        None => executable,
    };
    let folder = lang_runtime_hot::library::modules_folder(&executable);
    let args = std::env::args_os()
        .skip(1)
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    lang_runtime_hot::library::run_host(folder, args)
}

/// The process entry point of the host.
///
/// # Safety
/// Called by the C runtime with the process's arguments.
#[cfg(feature = "executable")]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    lang_runtime_core::signals::ignore_broken_pipes();
    // No Rust panic may cross into C: report it as the internal error it is.
    match std::panic::catch_unwind(run) {
        Ok(code) => code,
        Err(_) => {
            lang_runtime_core::context::flush_output();
            eprintln!("error: internal error in the lang host; this is a bug in lang, please report it");
            lang_runtime_core::RUNTIME_ERROR_EXIT_CODE
        }
    }
}
