//! The native parts of the standard library's `io`, `term` and `sort` modules: files and
//! standard input, the terminal (raw mode, keys, size, and putting it back as it was), and
//! sorting arrays in place. Like `abi.rs`, an ABI for compiled code: `extern "C"`, the
//! context first, failures as values.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::io::{BufRead, Write};
use std::sync::Mutex;

use crate::abi::string_from;
use crate::context::Context;
use crate::object::*;
use crate::output::flush_output;
pub use crate::terminal::restore_terminal;
use crate::terminal::{read_key, set_cursor_visible, set_fullscreen, set_raw_mode, set_styled, terminal_size};

type Ctx<'a> = &'a mut Context;

fn text<'a>(string: *const StrObject) -> &'a str {
    // SAFETY: compiled code passes only live string objects.
    std::str::from_utf8(unsafe { str_bytes(string) }).unwrap_or("")
}

// ----------------------------------------------------------------- io

/// The message of the last failed `io` operation (the `io.error()` of the stdlib).
static LAST_IO_ERROR: Mutex<String> = Mutex::new(String::new());

fn io_failed(what: &str, path: &str, error: &std::io::Error) {
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::InvalidData => "not UTF-8 text".to_string(),
        _ => error.to_string(),
    };
    *LAST_IO_ERROR.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
        format!("cannot {what} `{path}`: {reason}");
}

/// The whole file as text, or nil (with `io.error()` saying why).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_io_read_file(ctx: Ctx<'_>, path: *const StrObject) -> *mut StrObject {
    let path = text(path);
    if std::path::Path::new(path).is_dir() {
        io_failed("read", path, &std::io::Error::other("it is a directory"));
        return std::ptr::null_mut();
    }
    match std::fs::read_to_string(path) {
        Ok(contents) => string_from(ctx, &contents),
        Err(error) => {
            io_failed("read", path, &error);
            std::ptr::null_mut()
        }
    }
}

/// Writes (or with `append`, appends) `contents`; 1 on success, 0 (with `io.error()`) if not.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_io_write_file(
    _ctx: Ctx<'_>,
    path: *const StrObject,
    contents: *const StrObject,
    append: u8,
) -> u8 {
    let path = text(path);
    let mut options = std::fs::OpenOptions::new();
    if append != 0 {
        options.append(true).create(true);
    } else {
        options.write(true).create(true).truncate(true);
    }
    // SAFETY: a live string object.
    let bytes = unsafe { str_bytes(contents) };
    match options.open(path).and_then(|mut file| file.write_all(bytes)) {
        Ok(()) => 1,
        Err(error) => {
            io_failed("write", path, &error);
            0
        }
    }
}

/// The next line of standard input without its line ending, or nil at the end of input.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_io_read_line(ctx: Ctx<'_>) -> *mut StrObject {
    flush_output();
    let mut line = Vec::new();
    match std::io::stdin().lock().read_until(b'\n', &mut line) {
        Ok(0) => std::ptr::null_mut(),
        Ok(_) => {
            if line.last() == Some(&b'\n') {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
            }
            string_from(ctx, &String::from_utf8_lossy(&line))
        }
        Err(error) => {
            io_failed("read", "standard input", &error);
            std::ptr::null_mut()
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_io_error(ctx: Ctx<'_>) -> *mut StrObject {
    let message = LAST_IO_ERROR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    string_from(ctx, &message)
}

// ----------------------------------------------------------------- terminal

/// `term` operations, selected by the first argument of `lang_rt_term_control`.
pub const TERM_RAW_MODE: i64 = 0;
pub const TERM_READ_KEY: i64 = 1;
pub const TERM_COLUMNS: i64 = 2;
pub const TERM_ROWS: i64 = 3;
pub const TERM_CURSOR: i64 = 4;
pub const TERM_STYLED: i64 = 5;
pub const TERM_FULLSCREEN: i64 = 6;

/// One entry point for the terminal: `operation` is one of the `TERM_` constants.
/// - raw mode (`argument` 1 on, 0 off): 1 if done, 0 if standard input is not a terminal;
/// - read key: the next byte of input, or -1 if none is waiting (never blocks);
/// - columns, rows: the terminal's size (80 by 24 when it is not a terminal);
/// - cursor (`argument` 1 visible, 0 hidden): writes the escape sequence;
/// - styled (`argument` 1): notes that colours were set, so they are reset on exit; 0 notes
///   that they were reset;
/// - fullscreen (`argument` 1 on, 0 off): enters or leaves the alternate screen.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_term_control(_ctx: Ctx<'_>, operation: i64, argument: i64) -> i64 {
    match operation {
        TERM_RAW_MODE => i64::from(set_raw_mode(argument != 0)),
        TERM_READ_KEY => read_key(),
        TERM_COLUMNS => terminal_size().0,
        TERM_ROWS => terminal_size().1,
        TERM_CURSOR => {
            set_cursor_visible(argument != 0);
            1
        }
        TERM_STYLED => {
            set_styled(argument != 0);
            1
        }
        TERM_FULLSCREEN => {
            set_fullscreen(argument != 0);
            1
        }
        _ => 0,
    }
}

// ----------------------------------------------------------------- sorting

/// Element kinds of `lang_rt_sort`.
pub use lang_abi::{SORT_FLOAT, SORT_INT, SORT_STR};

fn elements<'a, T>(array: *mut ArrayObject) -> &'a mut [T] {
    // SAFETY: compiled code passes a live array whose elements have type T; an empty array
    // may have no buffer.
    unsafe {
        let len = (*array).len as usize;
        if len == 0 {
            return &mut [];
        }
        std::slice::from_raw_parts_mut((*array).data as *mut T, len)
    }
}

/// Sorts an array of `int`, `float` or `str` in place, ascending (floats by IEEE total order:
/// -inf < ... < inf < NaN; strings by bytes). Stable.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_sort(_ctx: Ctx<'_>, array: *mut ArrayObject, kind: i64) {
    match kind {
        SORT_INT => elements::<i64>(array).sort(),
        // NaN last whatever its sign bit (arithmetic makes negative NaNs on x86).
        SORT_FLOAT => elements::<f64>(array).sort_by(|a, b| a.is_nan().cmp(&b.is_nan()).then(a.total_cmp(b))),
        SORT_STR => elements::<*const StrObject>(array)
            // SAFETY: the elements are live strings.
            .sort_by(|a, b| unsafe { str_bytes(*a).cmp(str_bytes(*b)) }),
        _ => {}
    }
}

// `sort_by` (`xs.sort_by(less)`, `sort.sort_by`) is a merge sort in the generated code
// (`compiler/src/codegen/methods_sort.rs`), which calls `less` like any function value.

/// Set by the hot-reload runtime when it makes its first function slot: from then on the
/// word at `FUNCTION_CODE_OFFSET` of a function value is a slot holding the code, not the
/// code (`compiler/src/codegen/hot/closures.rs`).
pub static FUNCTION_VALUES_THROUGH_SLOTS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The code of function value `function` now. Runtime code that calls a function value calls
/// this code with the script ABI and the value itself as the hidden last argument (a closure
/// reads its captures from it), after storing the value in the context's
/// `called_function_value`, as `call_function_value` in the code generator does.
pub fn function_code(function: *const usize) -> usize {
    // SAFETY: a function value is the address of an object holding its code, or under hot
    // reload its slot, at `FUNCTION_CODE_OFFSET`.
    unsafe {
        let word = *function.byte_add(lang_abi::FUNCTION_CODE_OFFSET as usize);
        if FUNCTION_VALUES_THROUGH_SLOTS.load(std::sync::atomic::Ordering::Relaxed) {
            *(word as *const usize)
        } else {
            word
        }
    }
}
