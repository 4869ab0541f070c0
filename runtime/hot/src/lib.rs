//! The hot-reload machinery of `lang`: function slots and variable cells (`registry`), the
//! compiler thread (`compile`), the notify watcher (`watcher`), and the session that swaps
//! new code in at safe points (`session`). Nothing in this crate is linked into release
//! executables; it depends on the runtime core, never the reverse.

mod compile;
mod registry;
mod session;
mod watcher;

pub use lang_runtime_core::RUNTIME_ERROR_EXIT_CODE;
pub use session::run;

/// Every entry point hot-reload code may call: the runtime core's and the safe-point poll.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    let mut symbols = lang_runtime_core::symbols();
    symbols.push(("lang_hot_poll", session::lang_hot_poll as *const u8));
    symbols
}
