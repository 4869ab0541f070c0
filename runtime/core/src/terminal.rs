//! The terminal as the program changed it (raw mode, hidden cursor, colours) and putting it
//! back when the program ends, however it ends (`restore_terminal`, `exit_process`); the
//! native operations behind the stdlib's `term` module use it (`system.rs`). Depends only on
//! `output.rs`.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::output::flush_output;

/// The terminal settings before raw mode, to put back.
static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);
static CURSOR_HIDDEN: AtomicBool = AtomicBool::new(false);
static STYLED: AtomicBool = AtomicBool::new(false);

/// Turns raw mode on (no line buffering, no echo) or off; whether standard input is a
/// terminal (so whether it was done).
pub fn set_raw_mode(enable: bool) -> bool {
    let mut saved = SAVED_TERMINAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if enable {
        if saved.is_some() {
            return true;
        }
        // SAFETY: termios is plain data; tcgetattr fills it or fails.
        let mut original: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 and a valid termios pointer.
        if unsafe { libc::tcgetattr(0, &mut original) } != 0 {
            return false;
        }
        let mut raw = original;
        // No line buffering and no echo, but keep output processing (so "\n" still returns
        // the carriage) and signals (so Ctrl-C still interrupts).
        raw.c_lflag &= !(libc::ICANON | libc::ECHO);
        raw.c_cc[libc::VMIN] = 0;
        raw.c_cc[libc::VTIME] = 0;
        // SAFETY: as above.
        if unsafe { libc::tcsetattr(0, libc::TCSANOW, &raw) } != 0 {
            return false;
        }
        *saved = Some(original);
        true
    } else {
        if let Some(original) = saved.take() {
            // SAFETY: restoring settings read from the same terminal.
            unsafe { libc::tcsetattr(0, libc::TCSANOW, &original) };
        }
        // SAFETY: isatty has no preconditions.
        unsafe { libc::isatty(0) == 1 }
    }
}

/// The next byte of input, or -1 if none is waiting (never blocks).
pub fn read_key() -> i64 {
    flush_output();
    let mut poll = libc::pollfd {
        fd: 0,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, no waiting.
    if unsafe { libc::poll(&mut poll, 1, 0) } <= 0 || poll.revents & libc::POLLIN == 0 {
        return -1;
    }
    let mut byte = 0u8;
    // SAFETY: reading one byte into a valid buffer.
    match unsafe { libc::read(0, (&mut byte as *mut u8).cast(), 1) } {
        1 => i64::from(byte),
        _ => -1,
    }
}

/// The terminal's columns and rows (80 by 24, or `COLUMNS` and `LINES`, when it is not a
/// terminal).
pub fn terminal_size() -> (i64, i64) {
    // SAFETY: winsize is plain data; the ioctl fills it or fails.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ with a valid winsize pointer.
    if unsafe { libc::ioctl(1, libc::TIOCGWINSZ, &mut size) } == 0 && size.ws_col > 0 && size.ws_row > 0 {
        return (i64::from(size.ws_col), i64::from(size.ws_row));
    }
    let from_env = |name: &str, default: i64| {
        std::env::var(name)
            .ok()
            .and_then(|value| value.parse().ok())
            .filter(|value: &i64| *value > 0)
            .unwrap_or(default)
    };
    (from_env("COLUMNS", 80), from_env("LINES", 24))
}

/// Puts the terminal back as the program found it (cooked mode, cursor shown, colours
/// reset), if the program changed it. Called when the program ends, by `exit`, on a runtime
/// error and on Ctrl-C, so a game never leaves the shell unusable.
pub fn restore_terminal() {
    let styled = STYLED.swap(false, Ordering::SeqCst);
    let hidden = CURSOR_HIDDEN.swap(false, Ordering::SeqCst);
    // Only a terminal needs putting back: output into a file or a pipe stays as written.
    // SAFETY: isatty has no preconditions.
    let terminal = unsafe { libc::isatty(1) == 1 };
    if (styled || hidden) && terminal {
        flush_output();
        let mut stdout = std::io::stdout();
        if styled {
            let _ = stdout.write_all(b"\x1b[0m");
        }
        if hidden {
            let _ = stdout.write_all(b"\x1b[?25h");
        }
        let _ = stdout.flush();
    }
    set_raw_mode(false);
}

/// Shows or hides the cursor, remembering a hidden one so it is shown again at the end.
pub fn set_cursor_visible(visible: bool) {
    flush_output();
    CURSOR_HIDDEN.store(!visible, Ordering::SeqCst);
    let _ = std::io::stdout().write_all(if visible { b"\x1b[?25h" } else { b"\x1b[?25l" });
    let _ = std::io::stdout().flush();
}

/// Notes that colours were set (`true`), so they are reset at the end, or reset (`false`).
pub fn set_styled(styled: bool) {
    STYLED.store(styled, Ordering::SeqCst);
}

/// Flushes standard output, puts the terminal back and ends the process.
pub fn exit_process(code: i32) -> ! {
    flush_output();
    restore_terminal();
    std::process::exit(code)
}
