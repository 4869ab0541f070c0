//! The runtime linked into every `lang` executable: heap objects, built-ins and runtime errors.
//!
//! Compiled code reaches this crate through an `extern "C"` interface with a context pointer
//! (see ARCHITECTURE.md). The code generator and this runtime arrive together with `lang run`
//! (issue 3); until then the crate holds only the shared constants that the command line
//! reports, so that the workspace has the shape DESIGN.md describes.

/// The exit code of a program that stopped with a runtime error (LANGUAGE.md section 6).
pub const RUNTIME_ERROR_EXIT_CODE: i32 = 101;

/// The exit code of a program interrupted by Ctrl-C (LANGUAGE.md section 6).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;
