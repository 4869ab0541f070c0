//! The JIT producer of `lang run --hmr` and of embedded engines (feature `jit`): one file per
//! concern: `sources` (what the checker reads), `stamps` (files known unchanged without
//! reading them), `snapshot` (the running version's hashes),
//! `plan` (which modules to compile), `compile` (one version, module by module), `parallel`
//! (the first version's modules on several threads) and `thread`
//! (the compiler thread: watching, coalescing saves, publishing or rejecting versions).

mod compile;
mod parallel;
mod plan;
mod snapshot;
mod sources;
mod stamps;
mod thread;

pub use plan::modules_to_rebuild;
pub use snapshot::{Snapshot, snapshot};
pub use sources::add_virtual_module;
pub use thread::{compiler_thread, embedded_producer};
