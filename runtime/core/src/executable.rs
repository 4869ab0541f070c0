//! The C `main` of release executables (`lang build --release`), compiled only into the
//! runtime's static library (feature `executable`), never into `lang` itself.
//!
//! The program's object file defines `lang_entry`; this `main` runs it on the script thread
//! exactly as `lang run` does, so both print the same output and exit with the same code.

use std::ffi::{c_char, c_int};

use crate::context::{EntryPoint, run_program};

unsafe extern "C" {
    fn lang_entry(context: *mut std::ffi::c_void) -> u8;
}

/// The process entry point: the program's arguments are those after the executable's name.
///
/// # Safety
/// Called by the C runtime with the process's arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    crate::signals::ignore_broken_pipes();
    crate::signals::install_interrupt_handler();
    let args = std::env::args_os()
        .skip(1)
        .map(|argument| argument.to_string_lossy().into_owned())
        .collect();
    // SAFETY: the context pointer is passed through unchanged; only the type differs.
    let entry: EntryPoint =
        unsafe { std::mem::transmute::<unsafe extern "C" fn(*mut std::ffi::c_void) -> u8, EntryPoint>(lang_entry) };
    run_program(entry, args)
}
