//! The script thread and its safe points: running `main` (and entering it again after a
//! runtime error or a change to `main`), `lang_hot_poll`, which compiled code calls when the
//! interrupt flag is set and which swaps a new version in, and Ctrl-C.
//!
//! The producer never touches running code: it publishes a `Ready` version and sets the
//! context's interrupt flag. Compiled code polls that flag at function entries and loop
//! back-edges; the poll calls `lang_hot_poll`, which applies the swap on the script thread,
//! in the order of LANGUAGE.md section 7 item 5.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use lang_runtime_core::Context;
use lang_runtime_core::context::flush_output;

use super::apply::{apply, is_applying, main_module, start_main_state};
use super::producer::{Producer, start_producer};
use super::state::{clear_error, install, interrupt_flag, lock, report_and_clear, session};

thread_local! {
    /// Why the stack is unwinding without a new error: `main` changed, or an error was
    /// already reported during a swap.
    static UNWIND: std::cell::Cell<Unwind> = const { std::cell::Cell::new(Unwind::None) };
    /// `main` changed in a swap, and the running `main` has not reached a statement
    /// boundary since: there it unwinds and the new `main` is entered.
    static RESTART_MAIN_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Unwind {
    None,
    RestartMain,
    AlreadyReported,
}

/// Runs a program with hot reload: `producer` runs on its own thread, hands over the first
/// version with [`Producer::start`] and new versions with [`Producer::publish`]; the script
/// thread runs `main` and swaps each version in at a safe point. Returns the exit code (the
/// process usually exits itself).
pub fn run(args: Vec<String>, producer: impl FnOnce(Producer) + Send + 'static) -> i32 {
    let heap_limit = match lang_runtime_core::context::heap_limit() {
        Ok(limit) => limit,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let _ = install(false);
    if let Err(message) = crate::feedback::install() {
        eprintln!("error: {message}");
        return 2;
    }
    lang_runtime_core::terminal::install_panic_restore();
    lang_runtime_core::context::set_line_buffered(true);
    let _ = lang_runtime_core::signals::INTERRUPT_HOOK.set(Box::new(on_interrupt));
    lang_runtime_core::signals::install_interrupt_handler();
    // The first version must exist; without one, exit 1.
    if let Err(text) = start_producer(producer) {
        crate::feedback::message(&text);
        return 1;
    }
    let thread = std::thread::Builder::new()
        .name("lang-script".into())
        .stack_size(lang_runtime_core::context::SCRIPT_STACK_SIZE)
        .spawn(move || script_thread(args, heap_limit));
    match thread.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            flush_output();
            eprintln!("error: internal runtime error: the script thread failed");
            lang_runtime_core::RUNTIME_ERROR_EXIT_CODE
        }
    }
}

/// The script thread waits for a fix (LANGUAGE.md section 7 item 7): nothing runs, so one
/// Ctrl-C quits (item 10).
static WAITING: AtomicBool = AtomicBool::new(false);

fn on_interrupt() -> bool {
    if WAITING.load(Ordering::SeqCst) {
        return false;
    }
    let session = session();
    let now = Instant::now();
    let mut last = lock(&session.last_interrupt);
    if last.is_some_and(|last| now.duration_since(last) < Duration::from_secs(1)) {
        return false;
    }
    *last = Some(now);
    session.interrupt_requested.store(true, Ordering::SeqCst);
    lang_runtime_core::signals::INTERRUPT_PENDING.store(true, Ordering::SeqCst);
    let ctx = session.context.load(Ordering::SeqCst);
    if ctx == 0 {
        // Still compiling: there is no state to keep, so Ctrl-C just quits.
        return false;
    }
    interrupt_flag(ctx as *mut Context).store(1, Ordering::SeqCst);
    true
}

fn script_thread(args: Vec<String>, heap_limit: usize) -> i32 {
    let mut context = Box::new(Context::new(args, heap_limit));
    let base = std::hint::black_box(&context) as *const _ as usize;
    context.heap.stack_base = base + 64;
    // Compiled code has no entry point here: the budget counts from this frame.
    context.stack_limit = base.saturating_sub(lang_runtime_core::context::SCRIPT_STACK_SIZE) + (4 << 20);
    let ctx: *mut Context = &mut *context;
    session().context.store(ctx as usize, Ordering::SeqCst);
    start_main_state();
    // The first version is ready: load it like a reload without an old version.
    let mut waiting = false;
    if let Some(ready) = lock(&session().ready).take() {
        session().ready_changed.notify_all();
        // SAFETY: `ctx` is this thread's live context.
        let outcome = apply(unsafe { &mut *ctx }, ready, true);
        waiting = outcome.error_reported;
    }
    loop {
        if waiting {
            wait_for_reload(ctx);
        }
        let slot = session().registry.slot(&main_module(), "main", "fn()");
        let code = slot.load(Ordering::SeqCst) as usize;
        // SAFETY: the slot holds compiled code (or the stub) with the script ABI of `fn()`.
        let entry: extern "C" fn(*mut Context) -> u8 = unsafe { std::mem::transmute(code) };
        UNWIND.with(|unwind| unwind.set(Unwind::None));
        RESTART_MAIN_PENDING.with(|pending| pending.set(false));
        let status = entry(ctx);
        // SAFETY: as above.
        let context = unsafe { &mut *ctx };
        if status == 0 {
            flush_output();
            lang_runtime_core::system::restore_terminal();
            return 0;
        }
        match UNWIND.with(|unwind| unwind.get()) {
            Unwind::RestartMain => {
                clear_error(context);
                waiting = false;
            }
            Unwind::AlreadyReported => {
                clear_error(context);
                waiting = true;
            }
            Unwind::None => {
                report_and_clear(context);
                waiting = true;
            }
        }
    }
}

/// How often a program waiting for a fix looks whether its terminal was resized.
const RESIZE_CHECK_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

/// Blocks until a new version is ready, then applies it.
fn wait_for_reload(ctx: *mut Context) {
    WAITING.store(true, Ordering::SeqCst);
    crate::feedback::waiting();
    loop {
        let ready = {
            let mut ready = lock(&session().ready);
            while ready.is_none() {
                let (guard, waited) = session()
                    .ready_changed
                    .wait_timeout(ready, RESIZE_CHECK_INTERVAL)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                ready = guard;
                if waited.timed_out() && ready.is_none() {
                    // Nothing the stopped program draws repaints the overlay: after a resize
                    // it is drawn here (not under the lock, which the compiler thread takes).
                    drop(ready);
                    crate::feedback::redraw_if_resized();
                    ready = lock(&session().ready);
                }
            }
            let taken = ready.take();
            session().ready_changed.notify_all();
            taken
        };
        session().interrupt_requested.store(false, Ordering::SeqCst);
        lang_runtime_core::signals::INTERRUPT_PENDING.store(false, Ordering::SeqCst);
        interrupt_flag(ctx).store(0, Ordering::SeqCst);
        if let Some(ready) = ready {
            // Code runs again (initializers, `on_reload`): Ctrl-C interrupts it as usual.
            WAITING.store(false, Ordering::SeqCst);
            // SAFETY: `ctx` is this thread's live context.
            let outcome = apply(unsafe { &mut *ctx }, ready, false);
            // Only a successful reload ends the wait (an abandoned one swapped nothing).
            if !outcome.error_reported && !outcome.abandoned {
                crate::feedback::resumed();
                return;
            }
            WAITING.store(true, Ordering::SeqCst);
            crate::feedback::waiting();
        }
    }
}

/// Every entry point hot-reload code may call: the runtime core's and the safe-point poll.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    let mut symbols = lang_runtime_core::symbols();
    symbols.push(("lang_hot_poll", lang_hot_poll as *const u8));
    symbols.push((
        "lang_hot_describe_closure",
        crate::registry::lang_hot_describe_closure as *const u8,
    ));
    symbols
}

/// The safe point compiled code calls when the interrupt flag is set: 0 go on, 1 unwind,
/// 2 swapped.
#[unsafe(no_mangle)]
pub extern "C" fn lang_hot_poll(ctx: *mut Context) -> u8 {
    let session = session();
    interrupt_flag(ctx).store(0, Ordering::SeqCst);
    // SAFETY: compiled code passes its live context.
    let context = unsafe { &mut *ctx };
    let at_main_statement = context.poll_answer == lang_runtime_core::context::POLL_AT_MAIN_STATEMENT;
    if session.interrupt_requested.swap(false, Ordering::SeqCst) {
        lang_runtime_core::signals::INTERRUPT_PENDING.store(false, Ordering::SeqCst);
        RESTART_MAIN_PENDING.with(|pending| pending.set(false));
        context.fail("interrupted (Ctrl-C); waiting for a change to a source file, Ctrl-C again to quit");
        return 1;
    }
    if is_applying() {
        // Inside a swap (a long `on_reload` or initializer): a newer version waits until it
        // is done, at the next safe point after it.
        interrupt_flag(ctx).store(1, Ordering::SeqCst);
        return 0;
    }
    let ready = lock(&session.ready).take();
    session.ready_changed.notify_all();
    let mut answer = 0;
    if let Some(ready) = ready {
        let outcome = apply(context, ready, false);
        if outcome.error_reported {
            RESTART_MAIN_PENDING.with(|pending| pending.set(false));
            UNWIND.with(|unwind| unwind.set(Unwind::AlreadyReported));
            return 1;
        }
        if !outcome.abandoned {
            answer = 2;
        }
        if outcome.main_changed {
            RESTART_MAIN_PENDING.with(|pending| pending.set(true));
        }
    }
    if RESTART_MAIN_PENDING.with(|pending| pending.get()) {
        if at_main_statement {
            // A statement boundary of `main`: unwind, and enter the new `main`.
            RESTART_MAIN_PENDING.with(|pending| pending.set(false));
            UNWIND.with(|unwind| unwind.set(Unwind::RestartMain));
            return 1;
        }
        // Elsewhere the running statement of `main` finishes first; poll again at every
        // safe point until `main` reaches the end of it.
        interrupt_flag(ctx).store(1, Ordering::SeqCst);
    }
    answer
}
