//! Runtime errors that compiled code raises after an inline check (`lang_rt_raise`, with the
//! codes of `lang_abi`), and the frames it adds on the way out (`lang_rt_trace`).

use std::ffi::CStr;

use super::values::text;
use crate::context::*;
use crate::object::*;

/// Records an error that compiled code detected with an inline check.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_raise(ctx: Ctx<'_>, kind: u32, a: i64, b: i64) {
    let message = match kind {
        RAISE_DIVISION_BY_ZERO => "division by zero".to_string(),
        RAISE_REMAINDER_BY_ZERO => "remainder by zero".to_string(),
        RAISE_INDEX_OUT_OF_BOUNDS => format!("index out of bounds: the index is {a} but the length is {b}"),
        RAISE_UNWRAP_NIL => "unwrap of nil".to_string(),
        RAISE_ASSERTION => format!("assertion failed: {}", text(a as *const StrObject)),
        RAISE_PANIC => text(a as *const StrObject).to_string(),
        RAISE_STACK_OVERFLOW => "stack overflow".to_string(),
        RAISE_UNINITIALIZED => {
            // SAFETY: the compiler passes the variable's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("module variable `{name}` was read before its initializer ran")
        }
        RAISE_FIELD_GONE => {
            // SAFETY: the compiler passes the field's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("field `{name}` was removed or changed its type in a reload")
        }
        RAISE_VARIABLE_GONE => {
            // SAFETY: the compiler passes the variable's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("module variable `{name}` was removed or changed its type in a reload")
        }
        RAISE_NO_MATCH_ARM => super::enums::no_match_message(a as u64, b as u32),
        RAISE_PAYLOAD_CHANGED => {
            // SAFETY: the compiler passes the variant's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!(
                "this value of variant `{name}` was made before a reload gave the variant a payload or took it \
                 away, so it has no payload fields to read"
            )
        }
        _ => format!("runtime error {kind}"),
    };
    ctx.fail(message);
}

/// Adds the frame at `site` to the error being propagated.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_trace(ctx: Ctx<'_>, site: *const u8) {
    // SAFETY: the compiler emits NUL-terminated sites.
    unsafe { ctx.trace(site) };
}
