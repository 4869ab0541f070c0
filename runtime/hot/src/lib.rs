//! The hot-reload machinery of `lang`: function slots and variable cells (`registry`), the
//! session that swaps new code in at safe points (`session`), and the two producers of new
//! versions: the JIT compiler thread with its notify watcher (`jit`, `watcher`; feature
//! `jit`), and the loader of shared libraries built by `lang build --hmr` (`library`); and
//! embedding in a host program (`engine`; feature `jit`); and how reports reach the user
//! (`feedback`: stderr lines, or a status bar and error box over a full-screen program, and
//! the log of `LANG_HMR_LOG`).
//! Nothing in this crate is linked into release executables; it depends on the runtime core,
//! never the reverse.

mod code;
#[cfg(feature = "jit")]
pub mod engine;
mod feedback;
#[cfg(feature = "jit")]
mod jit;
pub mod library;
mod registry;
mod session;
pub mod watcher;

/// What `lang build --hmr --watch` needs to rebuild only what changed: the hashes of a
/// checked program, and the modules a new version must compile after the previous one.
#[cfg(feature = "jit")]
pub mod rebuild {
    pub use crate::jit::{Snapshot, modules_to_rebuild, snapshot};
}

pub use feedback::set_log_file;
pub use lang_runtime_core::RUNTIME_ERROR_EXIT_CODE;
pub use session::symbols;

/// Runs the program at `file` under `lang run --hmr`: compiled by the JIT, recompiled on
/// every save. Returns the exit code.
#[cfg(feature = "jit")]
pub fn run(file: &std::path::Path, args: Vec<String>) -> i32 {
    let root = file.to_path_buf();
    session::run(args, move |producer| jit::compiler_thread(root, producer))
}
