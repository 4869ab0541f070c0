//! The entry points of format specifications in string interpolation (`"{n:05}"`,
//! `"{v:8.2}"`, `"{name:<12}"`): the compiler has parsed the spec and packed it into a
//! constant word (`lang_abi::PackedFormat`), so each call only formats the value and pads it.

use lang_abi::PackedFormat;
use lang_abi::format::FORMAT_NO_PRECISION;

use super::values::{string_from, text};
use crate::context::*;
use crate::format;
use crate::object::*;

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_format_int(ctx: Ctx<'_>, value: i64, spec: i64) -> *mut StrObject {
    string_from(ctx, &format::pad(&value.to_string(), PackedFormat::unpack(spec), true))
}

/// A float with an optional precision (`FORMAT_NO_PRECISION` when the spec has none), rounded
/// as `fixed` rounds.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_format_float(ctx: Ctx<'_>, value: f64, precision: i64, spec: i64) -> *mut StrObject {
    let written = if precision == FORMAT_NO_PRECISION {
        format::float_to_text(value)
    } else {
        format::fixed(value, precision as usize)
    };
    string_from(ctx, &format::pad(&written, PackedFormat::unpack(spec), true))
}

/// Pads a value already turned into text (`str`, `bool`, an enum).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_format_str(ctx: Ctx<'_>, string: *const StrObject, spec: i64) -> *mut StrObject {
    let spec = PackedFormat::unpack(spec);
    // The width counts characters; a string with at least that many bytes may still be
    // shorter, so only the count decides.
    if text(string).chars().count() >= spec.width as usize {
        return string as *mut StrObject;
    }
    string_from(ctx, &format::pad(text(string), spec, false))
}
