//! The context every compiled function receives, runtime errors and their reports, and the
//! script thread that runs a program (standard output is `output.rs`, and the terminal
//! `terminal.rs`; their entry points are re-exported here). Hot reload knowledge: two words of the
//! context (`interrupt_flag`, `poll_answer`) are the safe-point poll's.

use std::ffi::CStr;
use std::io::Write;
use std::time::Instant;

use crate::heap::Heap;
use crate::object::{StrObject, str_bytes};

/// The state of a running program. Compiled code receives a pointer to it as its first
/// argument and reads the first fields directly (their offsets are ABI); everything after
/// them is private to the runtime.
#[repr(C)]
pub struct Context {
    /// Compiled code compares the stack pointer with this at every function entry.
    pub stack_limit: usize,
    /// Set by a runtime function that failed; compiled code tests it after fallible calls.
    pub error_flag: u64,
    /// Reserved for hot reload: set when a safe-point poll should stop.
    pub interrupt_flag: u64,
    /// Hot reload: the answer of the last safe-point poll, written by the poll trampoline
    /// (whose calling convention, preserving every register, has no return values).
    pub poll_answer: u64,
    /// Hot reload: the function value being called (see `lang_abi::CONTEXT_CALLED_VALUE_OFFSET`).
    pub called_function_value: u64,
    pub heap: Heap,
    pub error: Option<RuntimeError>,
    pub args: Vec<String>,
    pub start: Instant,
    pub random_state: u64,
    /// The buffers `lang_rt_interpolate` writes a line and a number's text into, kept between
    /// calls (no script code runs during one, so calls never nest).
    pub interpolation_buffers: (Vec<u8>, Vec<u8>),
}

/// How entry points take the context.
pub type Ctx<'a> = &'a mut Context;

// The offsets of the fields above, as compiled code uses them (checked by `tests/abi.rs`).
pub use lang_abi::{
    CONTEXT_CALLED_VALUE_OFFSET, CONTEXT_ERROR_FLAG_OFFSET, CONTEXT_INTERRUPT_FLAG_OFFSET, CONTEXT_POLL_ANSWER_OFFSET,
    CONTEXT_STACK_LIMIT_OFFSET,
};
/// What compiled code writes to `poll_answer` before a poll at a statement boundary of the
/// program's `main`.
pub const POLL_AT_MAIN_STATEMENT: u64 = lang_abi::POLL_AT_MAIN_STATEMENT as u64;

/// A runtime error on its way to the entry point: the message, then the sites of the frames
/// it left, innermost first.
#[derive(Debug)]
pub struct RuntimeError {
    pub message: String,
    /// Each site is a NUL-terminated `function\tfile:line:col` text emitted by the compiler,
    /// kept as an address (deep recursion can leave millions of frames) and read when the
    /// error is reported, while the code that holds the text is still loaded.
    pub frames: Vec<usize>,
}

/// The kinds of error that compiled code raises itself after an inline check (`lang-abi`'s
/// codes, in the type `lang_rt_raise` takes).
pub const RAISE_DIVISION_BY_ZERO: u32 = lang_abi::RAISE_DIVISION_BY_ZERO as u32;
pub const RAISE_REMAINDER_BY_ZERO: u32 = lang_abi::RAISE_REMAINDER_BY_ZERO as u32;
pub const RAISE_INDEX_OUT_OF_BOUNDS: u32 = lang_abi::RAISE_INDEX_OUT_OF_BOUNDS as u32;
pub const RAISE_UNWRAP_NIL: u32 = lang_abi::RAISE_UNWRAP_NIL as u32;
pub const RAISE_ASSERTION: u32 = lang_abi::RAISE_ASSERTION as u32;
pub const RAISE_PANIC: u32 = lang_abi::RAISE_PANIC as u32;
pub const RAISE_STACK_OVERFLOW: u32 = lang_abi::RAISE_STACK_OVERFLOW as u32;
pub const RAISE_UNINITIALIZED: u32 = lang_abi::RAISE_UNINITIALIZED as u32;
pub const RAISE_VARIABLE_GONE: u32 = lang_abi::RAISE_VARIABLE_GONE as u32;
pub const RAISE_FIELD_GONE: u32 = lang_abi::RAISE_FIELD_GONE as u32;
pub const RAISE_NO_MATCH_ARM: u32 = lang_abi::RAISE_NO_MATCH_ARM as u32;
pub const RAISE_PAYLOAD_CHANGED: u32 = lang_abi::RAISE_PAYLOAD_CHANGED as u32;

/// Frames shown at each end of a long stack trace.
const TRACE_ENDS: usize = 20;

impl Context {
    pub fn new(args: Vec<String>, heap_limit: usize) -> Context {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x2545_f491_4f6c_dd1d, |elapsed| elapsed.as_nanos() as u64)
            ^ (std::process::id() as u64).rotate_left(32);
        Context {
            stack_limit: 0,
            error_flag: 0,
            interrupt_flag: 0,
            poll_answer: 0,
            called_function_value: 0,
            heap: Heap::new(heap_limit),
            error: None,
            args,
            start: Instant::now(),
            random_state: seed | 1,
            interpolation_buffers: (Vec::new(), Vec::new()),
        }
    }

    /// Records a runtime error; compiled code sees the flag and unwinds.
    pub fn fail(&mut self, message: impl Into<String>) {
        self.error_flag = 1;
        if self.error.is_none() {
            self.error = Some(RuntimeError {
                message: message.into(),
                frames: Vec::new(),
            });
        }
    }

    /// Checks the heap limit after an allocation. The allocation itself always succeeds, so
    /// runtime code never sees a null object; the error surfaces when compiled code checks
    /// the flag right after the call.
    pub fn check_heap(&mut self) {
        if self.heap.over_limit() {
            self.heap.collect();
            if self.heap.over_limit() {
                let limit = self.heap.limit;
                self.fail(format!(
                    "out of memory: the heap grew past its limit of {limit} bytes (set LANG_MAX_HEAP to change it)"
                ));
            }
        }
    }

    /// Adds a frame to the error being propagated.
    ///
    /// # Safety
    /// `site` must be a NUL-terminated string.
    pub unsafe fn trace(&mut self, site: *const u8) {
        let site = site as usize;
        self.error_flag = 1;
        match &mut self.error {
            Some(error) => error.frames.push(site),
            None => {
                self.error = Some(RuntimeError {
                    message: "unknown error".into(),
                    frames: vec![site],
                })
            }
        }
    }
}

impl RuntimeError {
    /// The report printed on stderr: the message, the location, and the call stack.
    ///
    /// # Safety
    /// The sites of the frames must still be loaded.
    pub unsafe fn report(&self) -> String {
        let mut text = format!("error: {}\n", self.message);
        let sites: Vec<String> = self
            .frames
            .iter()
            .enumerate()
            .filter(|(number, _)| {
                self.frames.len() <= 2 * TRACE_ENDS || *number < TRACE_ENDS || *number >= self.frames.len() - TRACE_ENDS
            })
            // SAFETY: the caller guarantees the site texts are still loaded.
            .map(|(_, &site)| {
                unsafe { CStr::from_ptr(site as *const std::ffi::c_char) }
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        let mut frames: Vec<(&str, &str)> = sites
            .iter()
            .map(|site| site.split_once('\t').unwrap_or((site.as_str(), "")))
            .collect();
        if self.frames.len() > 2 * TRACE_ENDS {
            // Keep the numbering of the whole trace: pad the omitted middle.
            let omitted = self.frames.len() - 2 * TRACE_ENDS;
            let tail = frames.split_off(TRACE_ENDS);
            frames.extend(std::iter::repeat_n(("", ""), omitted));
            frames.extend(tail);
        }
        if let Some((_, location)) = frames.first() {
            text.push_str(&format!("  --> {location}\n"));
        }
        if !frames.is_empty() {
            text.push_str("stack backtrace (innermost call first):\n");
            for (number, (function, location)) in frames.iter().enumerate() {
                if frames.len() > 2 * TRACE_ENDS && number == TRACE_ENDS {
                    let omitted = frames.len() - 2 * TRACE_ENDS;
                    let plural = if omitted == 1 { "" } else { "s" };
                    text.push_str(&format!("  ... {omitted} frame{plural} omitted ...\n"));
                }
                if frames.len() > 2 * TRACE_ENDS && number >= TRACE_ENDS && number < frames.len() - TRACE_ENDS {
                    continue;
                }
                text.push_str(&format!("  {number:>4}: {function} at {location}\n"));
            }
        }
        text
    }
}

/// A string object's text (lossy for invalid UTF-8, which only `from_bytes` could make).
///
/// # Safety
/// `string` must be a live string object.
pub unsafe fn text_of(string: *const StrObject) -> String {
    // SAFETY: the caller guarantees a live string.
    String::from_utf8_lossy(unsafe { str_bytes(string) }).into_owned()
}

// Standard output lives in `output.rs`; these names stay reachable from here.
pub use crate::output::{OUTPUT, flush_output, set_line_buffered, write_output};
pub use crate::terminal::exit_process;

// ----------------------------------------------------------------- running a program

/// The entry point compiled code provides: initializes every module and runs `main`;
/// returns 0, or 1 after a runtime error.
pub type EntryPoint = unsafe extern "C" fn(*mut Context) -> u8;

/// The stack of the script thread. Deep recursion needs room: 10,000 nested calls must work,
/// and typical frames are well under 200 bytes, so this allows a few hundred thousand.
pub const SCRIPT_STACK_SIZE: usize = 64 << 20;

/// Room kept below the stack limit for the error path and runtime calls.
const STACK_RESERVE: usize = 1 << 20;

/// The heap limit: `LANG_MAX_HEAP` (bytes, with an optional K, M or G suffix), or half of the
/// machine's memory.
pub fn heap_limit() -> Result<usize, String> {
    // Exactly digits and an optional suffix, as the book says: an empty value, spaces or a
    // value that is not UTF-8 are usage errors, not the default.
    if let Some(value) = std::env::var_os("LANG_MAX_HEAP") {
        let text = value.to_string_lossy();
        let (digits, multiplier) = match text.char_indices().last() {
            Some((index, 'k' | 'K')) => (&text[..index], 1usize << 10),
            Some((index, 'm' | 'M')) => (&text[..index], 1 << 20),
            Some((index, 'g' | 'G')) => (&text[..index], 1 << 30),
            _ => (&text[..], 1),
        };
        return digits
            .bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| digits.parse::<usize>().ok())
            .flatten()
            .and_then(|value| value.checked_mul(multiplier))
            .ok_or_else(|| format!("LANG_MAX_HEAP must be a number of bytes such as 512M or 2G, not `{text}`"));
    }
    // SAFETY: sysconf has no preconditions.
    let (pages, page_size) = unsafe { (libc::sysconf(libc::_SC_PHYS_PAGES), libc::sysconf(libc::_SC_PAGESIZE)) };
    if pages > 0 && page_size > 0 {
        Ok((pages as usize).saturating_mul(page_size as usize) / 2)
    } else {
        Ok(usize::MAX / 2)
    }
}

/// Runs a compiled program on a script thread with a large stack and returns its exit code.
/// Standard output is flushed; a runtime error is reported on stderr.
pub fn run_program(entry: EntryPoint, args: Vec<String>) -> i32 {
    let limit = match heap_limit() {
        Ok(limit) => limit,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    crate::signals::install_interrupt_handler();
    crate::terminal::install_panic_restore();
    let entry_address = entry as usize;
    let thread = std::thread::Builder::new()
        .name("lang-script".into())
        .stack_size(SCRIPT_STACK_SIZE)
        .spawn(move || {
            let mut context = Box::new(Context::new(args, limit));
            let base = std::hint::black_box(&context) as *const _ as usize;
            context.heap.stack_base = base + 64;
            context.stack_limit = base.saturating_sub(SCRIPT_STACK_SIZE) + STACK_RESERVE;
            // SAFETY: `entry_address` came from an `EntryPoint`.
            let entry: EntryPoint = unsafe { std::mem::transmute::<usize, EntryPoint>(entry_address) };
            // SAFETY: the entry point is compiled code following the runtime's ABI.
            let status = unsafe { entry(&mut *context) };
            flush_output();
            crate::terminal::restore_terminal();
            if status == 0 {
                return 0;
            }
            let report = match &context.error {
                // SAFETY: the compiled program is still loaded while it runs.
                Some(error) => unsafe { error.report() },
                None => "error: the program stopped with an unknown error\n".to_string(),
            };
            let _ = std::io::stderr().write_all(report.as_bytes());
            crate::RUNTIME_ERROR_EXIT_CODE
        });
    match thread.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            flush_output();
            eprintln!("error: internal runtime error: the script thread failed");
            crate::RUNTIME_ERROR_EXIT_CODE
        }
    }
}
