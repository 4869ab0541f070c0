//! How a format specification of string interpolation (`"{x:>8}"`, LANGUAGE.md section 11)
//! is handed to the runtime: the compiler parses the spec and resolves the default alignment,
//! then packs width, fill, alignment and the zero flag into one word, stored beside the
//! piece's kind in the layout `lang_rt_interpolate` reads.

/// Bits 0–31: the width in characters.
pub const FORMAT_WIDTH_MASK: i64 = 0xffff_ffff;
/// Bits 32–52: the fill character (a Unicode scalar value).
pub const FORMAT_FILL_SHIFT: i64 = 32;
/// Bits 53–54: the alignment.
pub const FORMAT_ALIGN_SHIFT: i64 = 53;
pub const FORMAT_ALIGN_LEFT: i64 = 0;
pub const FORMAT_ALIGN_RIGHT: i64 = 1;
pub const FORMAT_ALIGN_CENTER: i64 = 2;
/// Bit 55: pad a number with zeros after its sign (ignores fill and alignment).
pub const FORMAT_ZERO_FLAG: i64 = 1 << 55;
/// A float piece's precision when its spec has none.
pub const FORMAT_NO_PRECISION: i64 = -1;

/// A whole interpolated string is one call, `lang_rt_interpolate(ctx, layout, values, count)`:
/// the compiler evaluates every part first and stores their `count` words at `values`;
/// `layout` is read-only data of `INTERPOLATION_LAYOUT_WORDS` words per piece: the kind and
/// precision (`kind | (precision + 1) << INTERPOLATION_PRECISION_SHIFT`, precision 0 for
/// none) and the packed spec (`INTERPOLATION_NO_SPEC` for none). The runtime formats every
/// piece into one buffer and allocates the string once.
pub const INTERPOLATION_LAYOUT_WORDS: usize = 2;
/// A string object, written as it is (or padded by the spec).
pub const INTERPOLATION_STR: i64 = 0;
/// An `int`, in decimal.
pub const INTERPOLATION_INT: i64 = 1;
/// A `float` (its bits): as `str` writes it, or with the precision as `fixed` does.
pub const INTERPOLATION_FLOAT: i64 = 2;
/// A `bool` (0 or 1): `true` or `false`.
pub const INTERPOLATION_BOOL: i64 = 3;
/// The kind is the low byte of the first word; the precision plus one is above it.
pub const INTERPOLATION_PRECISION_SHIFT: i64 = 8;
/// The spec word of a piece without a format specification (no packed spec is negative).
pub const INTERPOLATION_NO_SPEC: i64 = -1;

/// A resolved format specification: what the runtime needs to pad one value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PackedFormat {
    pub width: u32,
    pub fill: char,
    /// One of the `FORMAT_ALIGN_*` values.
    pub align: i64,
    pub zero: bool,
}

impl PackedFormat {
    pub fn pack(self) -> i64 {
        i64::from(self.width)
            | (i64::from(u32::from(self.fill)) << FORMAT_FILL_SHIFT)
            | (self.align << FORMAT_ALIGN_SHIFT)
            | if self.zero { FORMAT_ZERO_FLAG } else { 0 }
    }

    pub fn unpack(word: i64) -> PackedFormat {
        PackedFormat {
            width: (word & FORMAT_WIDTH_MASK) as u32,
            fill: char::from_u32(((word >> FORMAT_FILL_SHIFT) & 0x1f_ffff) as u32).unwrap_or(' '),
            align: (word >> FORMAT_ALIGN_SHIFT) & 3,
            zero: word & FORMAT_ZERO_FLAG != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_survives_packing() {
        for spec in [
            PackedFormat {
                width: 0,
                fill: ' ',
                align: FORMAT_ALIGN_LEFT,
                zero: false,
            },
            PackedFormat {
                width: 65535,
                fill: '\u{10ffff}',
                align: FORMAT_ALIGN_CENTER,
                zero: true,
            },
            PackedFormat {
                width: 7,
                fill: 'é',
                align: FORMAT_ALIGN_RIGHT,
                zero: false,
            },
        ] {
            assert_eq!(PackedFormat::unpack(spec.pack()), spec);
        }
    }
}
