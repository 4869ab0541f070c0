//! The entry points of format specifications in string interpolation (`"{n:05}"`,
//! `"{v:8.2}"`, `"{name:<12}"`): the compiler has parsed the spec and packed it into a
//! constant word (`lang_abi::PackedFormat`), so each call only writes the value and its
//! padding, straight into one new string object. A whole interpolated string is one call,
//! `lang_rt_interpolate`, which writes every piece into one buffer and allocates once.

use lang_abi::PackedFormat;
use lang_abi::format::{
    FORMAT_NO_PRECISION, INTERPOLATION_BOOL, INTERPOLATION_FLOAT, INTERPOLATION_INT, INTERPOLATION_LAYOUT_WORDS,
    INTERPOLATION_NO_SPEC, INTERPOLATION_PRECISION_SHIFT, INTERPOLATION_STR,
};

use super::values::{bytes, new_string, text};
use crate::context::*;
use crate::format;
use crate::object::*;

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_format_int(ctx: Ctx<'_>, value: i64, spec: i64) -> *mut StrObject {
    let mut digits = [0u8; format::INT_TEXT_MAX];
    let written = format::int_text(value, &mut digits);
    padded(ctx, written, PackedFormat::unpack(spec), true)
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
    padded(ctx, &written, PackedFormat::unpack(spec), true)
}

/// Pads a value already turned into text (`str`, `bool`, an enum); one that is wide enough is
/// returned as it is.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_format_str(ctx: Ctx<'_>, string: *const StrObject, spec: i64) -> *mut StrObject {
    let spec = PackedFormat::unpack(spec);
    if format::padding(text(string), spec, false).is_none() {
        return string as *mut StrObject;
    }
    padded(ctx, text(string), spec, false)
}

/// A new string object holding `text` padded for `spec`.
fn padded(ctx: Ctx<'_>, text: &str, spec: PackedFormat, number: bool) -> *mut StrObject {
    let layout = format::padding(text, spec, number).unwrap_or(format::Padding {
        before: 0,
        sign_length: 0,
        zeros: 0,
        after: 0,
    });
    let mut fill = [0u8; 4];
    let fill = spec.fill.encode_utf8(&mut fill).as_bytes();
    let length = text.len() + (layout.before + layout.after) * fill.len() + layout.zeros;
    let object = ctx.heap.allocate(STR_BYTES_OFFSET as usize + length, &STR_DESC) as *mut StrObject;
    // SAFETY: the new object has room for `length` bytes, and the pieces add up to it.
    unsafe {
        (*object).len = length as u64;
        let mut data = (object as *mut u8).add(STR_BYTES_OFFSET as usize);
        let mut put = |bytes: &[u8]| {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
            data = data.add(bytes.len());
        };
        for _ in 0..layout.before {
            put(fill);
        }
        let (sign, rest) = text.as_bytes().split_at(layout.sign_length);
        put(sign);
        for _ in 0..layout.zeros {
            put(b"0");
        }
        put(rest);
        for _ in 0..layout.after {
            put(fill);
        }
    }
    ctx.check_heap();
    object
}

/// An interpolated string: `count` pieces, their values at `values` and their kinds and specs
/// at `layout` (`INTERPOLATION_LAYOUT_WORDS` words each, see `lang_abi::format`), formatted in
/// order into one new string.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_interpolate(
    ctx: Ctx<'_>,
    layout: *const u64,
    values: *const u64,
    count: u64,
) -> *mut StrObject {
    // SAFETY: compiled code passes `count` values and their layout.
    let (layout, values) = unsafe {
        (
            std::slice::from_raw_parts(layout, count as usize * INTERPOLATION_LAYOUT_WORDS),
            std::slice::from_raw_parts(values, count as usize),
        )
    };
    let (mut out, mut number) = std::mem::take(&mut ctx.interpolation_buffers);
    out.clear();
    for (piece, &value) in layout.chunks_exact(INTERPOLATION_LAYOUT_WORDS).zip(values) {
        let (control, spec) = (piece[0] as i64, piece[1] as i64);
        let kind = control & ((1 << INTERPOLATION_PRECISION_SHIFT) - 1);
        let mut digits = [0u8; format::INT_TEXT_MAX];
        let text: &[u8] = match kind {
            INTERPOLATION_INT => format::int_text(value as i64, &mut digits).as_bytes(),
            INTERPOLATION_FLOAT => {
                let value = f64::from_bits(value);
                number.clear();
                match (control >> INTERPOLATION_PRECISION_SHIFT) - 1 {
                    FORMAT_NO_PRECISION => number.extend_from_slice(format::float_to_text(value).as_bytes()),
                    precision => format::fixed_into(value, precision as usize, &mut number),
                }
                &number
            }
            INTERPOLATION_BOOL if value != 0 => b"true",
            INTERPOLATION_BOOL => b"false",
            INTERPOLATION_STR => bytes(value as *const StrObject),
            _ => b"",
        };
        if spec == INTERPOLATION_NO_SPEC {
            format::append(&mut out, text);
        } else {
            let number = matches!(kind, INTERPOLATION_INT | INTERPOLATION_FLOAT);
            format::put_padded(&mut out, text, PackedFormat::unpack(spec), number);
        }
    }
    let string = new_string(ctx, &out);
    ctx.interpolation_buffers = (out, number);
    string
}
