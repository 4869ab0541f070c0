//! Embedding: a host program loads a `lang` program, calls its functions from its own loop,
//! reads and writes its module variables, and applies hot reloads when it chooses
//! ([`Engine::poll_reload`]). The program's code is compiled by the JIT (and recompiled on
//! every save with `hmr`); calls run on the host's thread.
//!
//! ```no_run
//! use lang_runtime_hot::engine::{Engine, Reload};
//!
//! let mut engine = Engine::builder().hmr(true).load_path("game.ln").expect("the game loads");
//! let mut dt = 0.016;
//! loop {
//!     match engine.poll_reload() {
//!         Reload::Nothing => {}
//!         Reload::Reloaded(modules) => println!("reloaded {modules:?}"),
//!         Reload::Rejected(diagnostics) => eprint!("{diagnostics}"),
//!         Reload::Failed(report) => eprint!("{report}"),
//!     }
//!     match engine.call::<(f64,), i64>("update", (dt,)) {
//!         Ok(score) => println!("score {score}"),
//!         Err(error) => eprintln!("{error}"), // a runtime error in the script: keep going
//!     }
//!     let frames: i64 = engine.get("frames").unwrap_or(0);
//!     engine.set("frames", frames + 1).unwrap();
//!     # break;
//! }
//! ```
//!
//! Limits of this version: one engine per process; functions and variables of the main
//! module; arguments and results of type `int`, `float`, `bool` and `str`.
//!
//! One file per concern: `values` (script values and their conversion to words), `error`
//! (what loading, calling and polling answer), `instance` (the engine and its builder),
//! `invoke` (calling compiled code with the script ABI) and `host` (host functions that
//! scripts call).

mod error;
mod host;
mod instance;
mod invoke;
mod values;

pub use error::{Error, Reload};
pub use host::{HostCallback, MAX_HOST_FUNCTIONS};
pub use instance::{Engine, EngineBuilder};
pub use values::{ResultKind, ScriptArgs, ScriptResult, ScriptValue, Value, ValueType};
