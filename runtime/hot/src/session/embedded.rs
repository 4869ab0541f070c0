//! A session driven by an embedding host (`engine/`) on its own thread: started with the
//! first version loaded, later versions applied when the host polls.

use std::sync::atomic::Ordering;

use lang_runtime_core::Context;

use super::apply::{Outcome, apply, start_main_state};
use super::producer::{Producer, start_producer};
use super::state::{install, lock, session, take_messages};
use crate::registry::Registry;

/// Starts a session driven by an embedding host on the calling thread (see `engine/`):
/// the first version is compiled and loaded into `ctx`, whose owner calls `poll_embedded`
/// to apply later versions. Only one session can exist in a process.
pub(crate) fn start_embedded(
    ctx: &mut Context,
    producer: impl FnOnce(Producer) + Send + 'static,
) -> Result<(), StartFailure> {
    if !install(true) {
        return Err(StartFailure::AlreadyRunning(
            "a lang engine already exists in this process; only one can".into(),
        ));
    }
    start_producer(producer).map_err(StartFailure::Compile)?;
    session().context.store(ctx as *mut Context as usize, Ordering::SeqCst);
    start_main_state();
    let first = lock(&session().ready).take();
    session().ready_changed.notify_all();
    if let Some(ready) = first {
        let outcome = apply(ctx, ready, true);
        if outcome.error_reported {
            return Err(StartFailure::Runtime(take_messages().concat()));
        }
    }
    Ok(())
}

/// Why an embedded session did not start.
pub(crate) enum StartFailure {
    Compile(String),
    Runtime(String),
    AlreadyRunning(String),
}

/// The registry of the running session.
pub(crate) fn registry() -> &'static Registry {
    &session().registry
}

/// Embedded: applies the version compiled since the last call, if any. Returns what was
/// swapped in (module display names and versions) and whether a runtime error stopped it.
pub(crate) fn poll_embedded(ctx: &mut Context) -> Option<Outcome> {
    let ready = lock(&session().ready).take()?;
    session().ready_changed.notify_all();
    Some(apply(ctx, ready, false))
}
