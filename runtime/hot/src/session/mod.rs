//! A hot-reload session (LANGUAGE.md section 7): the script thread that runs the program, a
//! producer thread that makes new versions of it (the JIT's compiler thread, or the loader of
//! shared libraries), and the swap between them at safe points. One file per concern:
//! `state` (what the threads share), `producer` (the producer protocol), `script` (the
//! script thread and its safe points), `apply` (the swap), `migration` (struct migration),
//! `reclaim` (freeing old code) and `embedded` (a session driven by an embedding host).

mod apply;
#[cfg(feature = "jit")]
mod embedded;
mod migration;
mod producer;
mod reclaim;
mod script;
mod state;

#[cfg(feature = "jit")]
pub(crate) use apply::main_module;
#[cfg(feature = "jit")]
pub(crate) use embedded::{StartFailure, poll_embedded, registry, start_embedded};
pub(crate) use migration::field_without_default;
pub use producer::Producer;
pub use script::{run, symbols};
pub(crate) use state::say;
#[cfg(feature = "jit")]
pub(crate) use state::say_back_to_running;
#[cfg(feature = "jit")]
pub(crate) use state::take_messages;
