//! The hot-reload machinery of `lang`: function slots, module versions, the watcher and loaders.
//!
//! Nothing in this crate is linked into release executables. It is filled in by the hot-reload
//! issues; the crate exists now so that the dependency direction (hot depends on core, never
//! the reverse) is fixed from the start.

pub use lang_runtime_core::RUNTIME_ERROR_EXIT_CODE;
