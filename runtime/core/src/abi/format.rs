//! String interpolation with format specifications (`"{n:05}"`, `"{v:8.2}"`,
//! `"{name:<12}"`): the compiler has parsed each spec and packed it into a constant word
//! (`lang_abi::PackedFormat`). A whole interpolated string is one call, `lang_rt_interpolate`,
//! which writes every piece and its padding into one buffer and allocates once.

use lang_abi::PackedFormat;
use lang_abi::format::{
    FORMAT_NO_PRECISION, INTERPOLATION_BOOL, INTERPOLATION_FLOAT, INTERPOLATION_INT, INTERPOLATION_LAYOUT_WORDS,
    INTERPOLATION_NO_SPEC, INTERPOLATION_PRECISION_SHIFT, INTERPOLATION_STR,
};

use super::values::{bytes, new_string};
use crate::context::*;
use crate::format;
use crate::object::*;

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
