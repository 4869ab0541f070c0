//! The producer protocol: how the thread that makes versions of the program (the JIT's
//! compiler thread, or the loader of shared libraries) hands them to the script thread
//! (`start`, `wait_until_taken`, `publish`).

use std::sync::atomic::Ordering;

use lang_runtime_core::Context;
use lang_runtime_core::context::flush_output;

use super::migration::prepare_migration_memory;
use super::state::{interrupt_flag, lock, say_back_to_running, say_rejected, session};
use crate::code::Ready;
use crate::registry::Registry;

/// Starts the producer thread and waits for the first version (or the text saying why
/// there is none).
pub(super) fn start_producer(producer: impl FnOnce(Producer) + Send + 'static) -> Result<(), String> {
    std::thread::Builder::new()
        .name("lang-hmr-producer".into())
        .stack_size(1 << 30)
        .spawn(move || {
            // A bug in the producer must not leave the main thread waiting forever.
            let outcome =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| producer(Producer { _private: () })));
            if outcome.is_err() {
                flush_output();
                eprintln!("error: internal error in the hot-reload machinery; this is a bug in lang, please report it");
                std::process::exit(lang_runtime_core::RUNTIME_ERROR_EXIT_CODE);
            }
        })
        .map_err(|error| format!("error: cannot start the hot-reload thread: {error}\n"))?;
    let mut started = lock(&session().started);
    while started.is_none() {
        started = session()
            .started_changed
            .wait(started)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    match started.as_ref() {
        Some(Err(text)) => Err(text.clone()),
        _ => Ok(()),
    }
}

/// The side of a session that produces versions of the program: the JIT's compiler thread,
/// or the loader of shared libraries.
pub struct Producer {
    _private: (),
}

impl Producer {
    /// The slots and cells new code must use.
    pub fn registry(&self) -> &'static Registry {
        &session().registry
    }

    /// Hands over the first version, which starts the program; an error text instead makes
    /// `run` print it and return 1.
    pub fn start(&self, first: Result<Ready, String>) {
        let session = session();
        match first {
            Ok(ready) => {
                *lock(&session.ready) = Some(ready);
                *lock(&session.started) = Some(Ok(()));
            }
            Err(text) => *lock(&session.started) = Some(Err(text)),
        }
        session.started_changed.notify_all();
    }

    /// Waits until the script thread took the version handed over last: each version is
    /// built against the one that runs.
    pub fn wait_until_taken(&self) {
        let session = session();
        let mut ready = lock(&session.ready);
        while ready.is_some() {
            ready = session
                .ready_changed
                .wait(ready)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    /// Whether the version handed over last could not be swapped in (a struct default
    /// failed); clears the mark.
    pub fn take_apply_failed(&self) -> bool {
        session().apply_failed.swap(false, Ordering::SeqCst)
    }

    /// Hands over a new version and has running code stop at its next safe point to swap it
    /// in. Memory a struct migration will need is prepared here first, off the script thread.
    pub fn publish(&self, mut ready: Ready) {
        let session = session();
        ready.migration_scratch = prepare_migration_memory(&ready, &session.registry);
        *lock(&session.ready) = Some(ready);
        session.ready_changed.notify_all();
        // An embedding host applies new versions when it polls, not in the middle of a call.
        let ctx = session.context.load(Ordering::SeqCst);
        if ctx != 0 && !session.embedded {
            interrupt_flag(ctx as *mut Context).store(1, Ordering::SeqCst);
        }
    }

    /// A new version was refused (compile errors, or something a reload cannot do): the
    /// rendered explanation, printed or kept for the embedding host.
    pub fn reject(&self, text: String) {
        say_rejected(text);
    }

    /// A message that is not a rejection: a rejection reported before is over, with no new
    /// version to swap in (a failed build undone). Printed or kept for the embedding host.
    pub fn inform(&self, text: String) {
        // The rejection is over: its box goes, as when an edit is undone.
        say_back_to_running(text);
    }
}
