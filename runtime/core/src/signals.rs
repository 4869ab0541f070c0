//! Ctrl-C: standard output is flushed and the process exits with code 130 (LANGUAGE.md
//! section 6).
//!
//! SIGINT is blocked in every thread and received by a dedicated thread with `sigwait`, so
//! the work happens in ordinary code (taking the output lock is safe there, unlike in a
//! signal handler) and never interrupts compiled code in the middle of a statement.
//!
//! Hot reload knowledge: `INTERRUPT_HOOK` lets hot reload stop the running code instead of
//! exiting, and `INTERRUPT_PENDING` ends a `sleep` early meanwhile (LANGUAGE.md section 7
//! item 10).

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Set by hot reload's Ctrl-C handling until the running code has been stopped: a `sleep` in
/// progress ends early, so that Ctrl-C takes effect at once (LANGUAGE.md section 7 item 10).
pub static INTERRUPT_PENDING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Called on Ctrl-C before exiting; when it returns true the interrupt was handled (hot reload
/// stops the running code instead, LANGUAGE.md section 7 item 10) and the process goes on.
pub static INTERRUPT_HOOK: std::sync::OnceLock<Box<dyn Fn() -> bool + Send + Sync>> = std::sync::OnceLock::new();

/// Ignores SIGPIPE, as Rust programs do before `main`: a write to a closed pipe (`exe | head
/// -1`) then fails with an error, which the runtime reports as a runtime error (exit 101),
/// instead of killing the process with a signal. Executables built by `lang` start in a C
/// `main` that Rust's start-up code does not run before, so they call this themselves.
pub fn ignore_broken_pipes() {
    // SAFETY: setting a signal's disposition to "ignore" is always sound.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

pub fn install_interrupt_handler() {
    INSTALL.call_once(|| {
        // SAFETY: plain libc calls on a local signal set; blocking SIGINT here makes every
        // thread spawned afterwards (the script thread included) inherit the mask.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
                return;
            }
            let spawned = std::thread::Builder::new()
                .name("lang-interrupt".into())
                .spawn(move || {
                    let mut signal: libc::c_int = 0;
                    loop {
                        if libc::sigwait(&set, &mut signal) == 0 && signal == libc::SIGINT {
                            if INTERRUPT_HOOK.get().is_some_and(|hook| hook()) {
                                continue;
                            }
                            crate::output::flush_output();
                            crate::terminal::restore_terminal();
                            libc::_exit(crate::INTERRUPTED_EXIT_CODE);
                        }
                    }
                });
            if spawned.is_err() {
                libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            }
        }
    });
}
