//! The entry points compiled code calls: `extern "C"` functions taking the context first.
//!
//! Values cross this boundary as 64-bit words: `int` as `i64`, `float` as `f64`, `bool` as a
//! byte, and references as object pointers. Functions that can fail record the error in the
//! context and set its flag; compiled code tests the flag after calling them (see
//! `fallible` in `lang_abi::RUNTIME_FUNCTIONS`). None of them unwinds or panics across the
//! boundary: every failure is a value.
//!
//! These functions are an ABI for compiled code, not a Rust API: the code generator only
//! passes valid objects, so they take raw pointers without being marked `unsafe`.
//!
//! One file per family: values (allocation), closures (closure objects and cells), enums,
//! hot_structs (hot reload only), errors, strings, format (format specifications of
//! interpolation), print, arrays, maps, math, process, hmr (the `hmr` module's reload state).
//! The runtime's other entry points (files, the
//! terminal, sorting) are in `system.rs`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod arrays;
mod closures;
mod enums;
mod errors;
mod format;
mod hmr;
mod hot_structs;
mod maps;
mod math;
mod print;
mod process;
mod strings;
mod values;

pub use arrays::*;
pub use closures::*;
pub use enums::*;
pub use errors::*;
pub use format::*;
pub use hmr::*;
pub use hot_structs::*;
pub use maps::*;
pub use math::*;
pub use print::*;
pub use process::*;
pub use strings::*;
pub use values::*;
