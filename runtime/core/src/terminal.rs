//! The terminal as the program changed it (raw mode, the alternate screen, hidden cursor,
//! colours) and putting it back when the program ends, however it ends (`restore_terminal`,
//! `exit_process`, the panic hook of `install_panic_restore`); the native operations behind
//! the stdlib's `term` module use it (`system.rs`). Whether the program uses the terminal as
//! a screen (`screen_mode`) is what hot reload asks before writing a report (LANGUAGE.md
//! section 7 item 11). Depends only on `output.rs`.
//!
//! The escape sequences are written by hand rather than through a terminal crate: the few
//! used here (alternate screen, cursor, colours) are the same on every terminal `lang`
//! supports, and this file is linked into every release executable.

use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::output::flush_output;

/// The terminal settings before raw mode, to put back.
static SAVED_TERMINAL: Mutex<Option<libc::termios>> = Mutex::new(None);
static CURSOR_HIDDEN: AtomicBool = AtomicBool::new(false);
static STYLED: AtomicBool = AtomicBool::new(false);
/// Raw mode is on (the program reads keys one by one).
static RAW_MODE: AtomicBool = AtomicBool::new(false);
/// The program entered the alternate screen with `term.fullscreen(true)`.
static FULLSCREEN: AtomicBool = AtomicBool::new(false);

const ENTER_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049h";
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
const SHOW_CURSOR: &[u8] = b"\x1b[?25h";
const HIDE_CURSOR: &[u8] = b"\x1b[?25l";

fn stdout_is_terminal() -> bool {
    static TERMINAL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    // SAFETY: isatty has no preconditions.
    *TERMINAL.get_or_init(|| unsafe { libc::isatty(1) == 1 })
}

/// Whether standard output is a terminal the program uses as a screen: it turned raw mode
/// on, or entered the alternate screen (LANGUAGE.md section 7 item 11).
pub fn screen_mode() -> bool {
    (RAW_MODE.load(Ordering::Relaxed) || FULLSCREEN.load(Ordering::Relaxed)) && stdout_is_terminal()
}

/// Enters (`true`: the alternate screen, cursor hidden) or leaves (`false`: cursor shown,
/// the shell's screen back) full-screen mode. Nothing is written when standard output is
/// not a terminal.
pub fn set_fullscreen(on: bool) {
    flush_output();
    if !stdout_is_terminal() {
        return;
    }
    if on {
        if !FULLSCREEN.swap(true, Ordering::SeqCst) {
            CURSOR_HIDDEN.store(true, Ordering::SeqCst);
            write_now(&[ENTER_ALTERNATE_SCREEN, HIDE_CURSOR].concat());
        }
    } else if FULLSCREEN.load(Ordering::SeqCst) {
        // The reload overlay belongs to the screen being left.
        crate::output::erase_overlay();
        FULLSCREEN.store(false, Ordering::SeqCst);
        CURSOR_HIDDEN.store(false, Ordering::SeqCst);
        write_now(&[SHOW_CURSOR, LEAVE_ALTERNATE_SCREEN].concat());
    }
}

fn write_now(bytes: &[u8]) {
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(bytes);
    let _ = stdout.flush();
}

/// Drops the keys typed and not yet read (a program resuming after waiting for a fix must
/// not receive them, LANGUAGE.md section 7 item 12).
pub fn discard_typed_input() {
    // SAFETY: tcflush on fd 0 has no memory preconditions; it fails harmlessly when standard
    // input is not a terminal.
    unsafe { libc::tcflush(0, libc::TCIFLUSH) };
}

/// Puts the terminal back before a panic of the runtime is reported (and the process
/// aborted): a bug in `lang` must not leave the shell without echo. Installed once.
pub fn install_panic_restore() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
    });
}

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
        RAW_MODE.store(true, Ordering::SeqCst);
        true
    } else {
        if RAW_MODE.load(Ordering::SeqCst) && !FULLSCREEN.load(Ordering::SeqCst) {
            // Leaving screen mode: the status bar of hot reload goes (LANGUAGE.md 7 item 11).
            drop(saved);
            crate::output::erase_overlay();
            saved = SAVED_TERMINAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        RAW_MODE.store(false, Ordering::SeqCst);
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
/// reset, the alternate screen left), if the program changed it. Called when the program
/// ends, by `exit`, on a runtime error, on Ctrl-C and on a panic of the runtime, so a game
/// never leaves the shell unusable.
pub fn restore_terminal() {
    // Only a terminal needs putting back: output into a file or a pipe stays as written.
    let terminal = stdout_is_terminal();
    if terminal && screen_mode() {
        crate::output::erase_overlay();
    }
    let styled = STYLED.swap(false, Ordering::SeqCst);
    let hidden = CURSOR_HIDDEN.swap(false, Ordering::SeqCst);
    let fullscreen = FULLSCREEN.swap(false, Ordering::SeqCst);
    if (styled || hidden || fullscreen) && terminal {
        // Every way out flushed already; a panic in the middle of a flush must not wait for
        // its own lock here.
        crate::output::flush_output_if_free();
        let mut stdout = std::io::stdout();
        if styled {
            let _ = stdout.write_all(b"\x1b[0m");
        }
        if hidden || fullscreen {
            let _ = stdout.write_all(SHOW_CURSOR);
        }
        if fullscreen {
            let _ = stdout.write_all(LEAVE_ALTERNATE_SCREEN);
        }
        let _ = stdout.flush();
    }
    set_raw_mode(false);
}

/// Shows or hides the cursor, remembering a hidden one so it is shown again at the end.
pub fn set_cursor_visible(visible: bool) {
    flush_output();
    CURSOR_HIDDEN.store(!visible, Ordering::SeqCst);
    let _ = std::io::stdout().write_all(if visible { SHOW_CURSOR } else { HIDE_CURSOR });
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
