//! The state of a hot-reload session that the script thread shares with the producer and
//! Ctrl-C threads (one per process), and how the session's messages reach the user: through
//! `feedback` (stderr, or the overlay of a full-screen program), or kept for an embedding
//! host.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::Instant;

use lang_runtime_core::Context;
use lang_runtime_core::context::flush_output;

use crate::code::Ready;
use crate::feedback;
use crate::registry::Registry;

/// What the script thread shares with the compiler and Ctrl-C threads.
pub struct Session {
    pub registry: Registry,
    /// The version handed over last and not yet taken by the script thread.
    pub(super) ready: Mutex<Option<Ready>>,
    pub(super) ready_changed: Condvar,
    /// The script thread's context, once it exists.
    pub(super) context: AtomicUsize,
    /// Ctrl-C asked running code to stop at its next safe point.
    pub(super) interrupt_requested: AtomicBool,
    pub(super) last_interrupt: Mutex<Option<Instant>>,
    /// The last version could not be swapped in (a struct default failed).
    pub(super) apply_failed: AtomicBool,
    /// Set by the compiler thread's first successful compile (or its failure).
    pub(super) started: Mutex<Option<Result<(), String>>>,
    pub(super) started_changed: Condvar,
    /// Driven by an embedding host (see `engine/`): new versions wait for the host's
    /// `poll_reload` instead of interrupting running code, and messages are collected for
    /// the host instead of printed.
    pub(super) embedded: bool,
    /// Embedded: messages (reload lines, error reports, rejected reloads) not yet taken.
    pub(super) messages: Mutex<Vec<String>>,
}

/// Keeps a message for the embedding host; false when there is none (then it is reported).
fn kept_for_host(text: &str) -> bool {
    match SESSION.get() {
        Some(session) if session.embedded => {
            lock(&session.messages).push(text.to_string());
            true
        }
        _ => false,
    }
}

/// Reports a message of the session (a reload line, a warning), or keeps it for the
/// embedding host.
pub(crate) fn say(text: String) {
    if !kept_for_host(&text) {
        feedback::message(&text);
    }
}

/// Reports a rejected reload, or keeps it for the embedding host.
pub(crate) fn say_rejected(text: String) {
    if !kept_for_host(&text) {
        feedback::rejected(&text);
    }
}

/// Reports that a reload was abandoned after its migration's error, or keeps it for the
/// embedding host.
pub(crate) fn say_abandoned(text: String) {
    if !kept_for_host(&text) {
        feedback::abandoned(&text);
    }
}

/// Reports that the files are back to the running version (a rejected edit undone).
#[cfg_attr(not(feature = "jit"), allow(dead_code))] // (said by the JIT's compiler thread)
pub(crate) fn say_back_to_running(text: String) {
    if !kept_for_host(&text) {
        feedback::back_to_running(&text);
    }
}

static SESSION: OnceLock<Session> = OnceLock::new();

pub(super) fn session() -> &'static Session {
    SESSION.get().expect("a hot-reload session is running")
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The context's interrupt flag, which compiled code polls at its safe points.
pub(super) fn interrupt_flag(ctx: *mut Context) -> &'static AtomicU64 {
    // SAFETY: the flag is a plain u64 in the context, which lives until the process exits;
    // other threads only ever store to it atomically.
    unsafe { AtomicU64::from_ptr(std::ptr::addr_of_mut!((*ctx).interrupt_flag)) }
}

/// Prints a runtime error in HMR mode and clears it, so the program can go on later.
pub(super) fn report_and_clear(ctx: &mut Context) {
    flush_output();
    // A full-screen program keeps its terminal as it set it (the report goes to the overlay,
    // LANGUAGE.md section 7 item 12); otherwise the terminal is put back so that the report
    // is readable.
    if !lang_runtime_core::terminal::screen_mode() {
        lang_runtime_core::system::restore_terminal();
    }
    if let Some(error) = ctx.error.take() {
        // SAFETY: every module version that a frame could name is still loaded.
        let report = unsafe { error.report() };
        if !kept_for_host(&report) {
            feedback::runtime_error(&report);
        }
    }
    ctx.error_flag = 0;
}

/// Forgets the error that unwound the stack (it was reported already, or `main` restarts).
pub(super) fn clear_error(ctx: &mut Context) {
    ctx.error = None;
    ctx.error_flag = 0;
}

/// Creates the process's session; false when one exists already.
pub(super) fn install(embedded: bool) -> bool {
    SESSION.set(new_session(embedded)).is_ok()
}

fn new_session(embedded: bool) -> Session {
    Session {
        registry: Registry::default(),
        ready: Mutex::new(None),
        ready_changed: Condvar::new(),
        context: AtomicUsize::new(0),
        interrupt_requested: AtomicBool::new(false),
        apply_failed: AtomicBool::new(false),
        last_interrupt: Mutex::new(None),
        started: Mutex::new(None),
        started_changed: Condvar::new(),
        embedded,
        messages: Mutex::new(Vec::new()),
    }
}

/// Embedded: the messages the session kept since the last call.
#[cfg(feature = "jit")]
pub(crate) fn take_messages() -> Vec<String> {
    match SESSION.get() {
        Some(session) => std::mem::take(&mut *lock(&session.messages)),
        None => Vec::new(),
    }
}
