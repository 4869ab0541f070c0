//! Text for numbers: float printing, `fixed`, the padding of format specifications
//! (`"{x:>8}"`), and parsing of `int(s)` and `float(s)`.

use lang_abi::PackedFormat;
use lang_abi::format::{FORMAT_ALIGN_CENTER, FORMAT_ALIGN_LEFT};

/// A float as `str(x)` prints it: Rust's `{:?}`, the shortest text that reads back to the
/// same value, always with a `.` or an exponent (`1.0`, `1e21`, `-0.0`, `inf`, `NaN`).
pub fn float_to_text(value: f64) -> String {
    format!("{value:?}")
}

/// The longest decimal text of an `i64`: 19 digits and a sign.
pub const INT_TEXT_MAX: usize = 20;

/// `value` in decimal, as `str(n)` prints it, written at the end of `buffer` (without the
/// formatting machinery of `core::fmt`, which costs more than the digits on short numbers).
pub fn int_text(value: i64, buffer: &mut [u8; INT_TEXT_MAX]) -> &str {
    let mut rest = value.unsigned_abs();
    let mut start = INT_TEXT_MAX;
    loop {
        start -= 1;
        buffer[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if value < 0 {
        start -= 1;
        buffer[start] = b'-';
    }
    // SAFETY: only ASCII digits and a sign were written from `start` on.
    unsafe { std::str::from_utf8_unchecked(&buffer[start..]) }
}

/// `fixed(x, digits)`: exactly `digits` decimals, rounded like C's `printf("%.*f")` (the
/// exact binary value, ties to even). Non-finite values print as `str` prints them.
pub fn fixed(value: f64, digits: usize) -> String {
    let mut text = Vec::with_capacity(INT_TEXT_MAX + 2 + digits);
    fixed_into(value, digits, &mut text);
    // SAFETY: `fixed_into` writes ASCII.
    unsafe { String::from_utf8_unchecked(text) }
}

/// `fixed(value, digits)` appended to `out`.
pub fn fixed_into(value: f64, digits: usize, out: &mut Vec<u8>) {
    if !value.is_finite() {
        out.extend_from_slice(float_to_text(value).as_bytes());
    } else if !fixed_exact(value, digits, out) {
        out.extend_from_slice(format!("{value:.digits$}").as_bytes());
    }
}

/// `fixed` for the common case, `|value| < 2^63` and at most 17 decimals, in integer
/// arithmetic: the value is `mantissa * 2^exponent` exactly, so `value * 10^digits` is
/// `mantissa * 10^digits` shifted, rounded half to even on the bits shifted out, all of it in a
/// `u128` (`mantissa < 2^53`, `10^17 < 2^57`). Gives the bytes `core::fmt` gives (a
/// differential test below), several times faster: Rust's exact mode falls back to a bignum
/// algorithm on ties and near-ties. Appends to `out`; false (nothing written) outside that case.
fn fixed_exact(value: f64, digits: usize, out: &mut Vec<u8>) -> bool {
    const MAX_DIGITS: usize = 17;
    if digits > MAX_DIGITS {
        return false;
    }
    let bits = value.to_bits();
    let negative = bits >> 63 == 1;
    let biased_exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, exponent) = if biased_exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased_exponent - 1075)
    };
    let scale = 10u128.pow(digits as u32);
    let scaled = if exponent >= 0 {
        if exponent > 10 {
            return false;
        }
        ((mantissa as u128) << exponent) * scale
    } else {
        let product = mantissa as u128 * scale;
        let shift = exponent.unsigned_abs();
        if shift >= 128 {
            // `product < 2^110`, less than half of `2^shift`: rounds to zero.
            0
        } else {
            let quotient = product >> shift;
            let remainder = product & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if remainder > half || (remainder == half && quotient & 1 == 1) {
                quotient + 1
            } else {
                quotient
            }
        }
    };
    let whole = (scaled / scale) as i64;
    let mut buffer = [0u8; INT_TEXT_MAX];
    if negative {
        out.push(b'-');
    }
    append(out, int_text(whole, &mut buffer).as_bytes());
    if digits > 0 {
        out.push(b'.');
        let decimals = (scaled % scale) as i64;
        let decimals = int_text(decimals, &mut buffer);
        out.extend(std::iter::repeat_n(b'0', digits - decimals.len()));
        append(out, decimals.as_bytes());
    }
    true
}

/// Where the padding of a format specification goes around a value's text: `before` fill
/// characters, then the text's first `sign_length` bytes, `zeros` zeros, the rest of the
/// text, and `after` fill characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Padding {
    pub before: usize,
    pub sign_length: usize,
    pub zeros: usize,
    pub after: usize,
}

/// The padding of `text` for a format specification (LANGUAGE.md section 11), or `None` when
/// it is already wide enough: the width counts Unicode scalar values and never truncates; for
/// a number with the zero flag, zeros go after the sign whatever the fill and alignment; a
/// centred text puts the odd remainder on the right.
pub fn padding(text: &str, spec: PackedFormat, number: bool) -> Option<Padding> {
    padding_of_bytes(text.as_bytes(), spec, number)
}

/// [`padding`] of a string's bytes (valid UTF-8).
pub fn padding_of_bytes(text: &[u8], spec: PackedFormat, number: bool) -> Option<Padding> {
    let width = spec.width as usize;
    // Most values are ASCII, whose length in characters is their length in bytes; otherwise
    // every byte but a continuation byte (0b10xx_xxxx) starts a character.
    let length = if text.is_ascii() {
        text.len()
    } else {
        text.iter().filter(|&&byte| (byte as i8) >= -0x40).count()
    };
    let missing = width.checked_sub(length).filter(|&missing| missing > 0)?;
    if number && spec.zero {
        let sign_length = usize::from(matches!(text.first(), Some(b'-' | b'+')));
        return Some(Padding {
            before: 0,
            sign_length,
            zeros: missing,
            after: 0,
        });
    }
    let (before, after) = match spec.align {
        FORMAT_ALIGN_LEFT => (0, missing),
        FORMAT_ALIGN_CENTER => (missing / 2, missing - missing / 2),
        _ => (missing, 0),
    };
    Some(Padding {
        before,
        sign_length: 0,
        zeros: 0,
        after,
    })
}

/// Appends `text` to `out` padded for `spec`, as [`padding`] says.
pub fn put_padded(out: &mut Vec<u8>, text: &[u8], spec: PackedFormat, number: bool) {
    let Some(layout) = padding_of_bytes(text, spec, number) else {
        append(out, text);
        return;
    };
    let mut fill = [0u8; 4];
    let fill = spec.fill.encode_utf8(&mut fill).as_bytes();
    let (sign, rest) = text.split_at(layout.sign_length);
    put_fill(out, fill, layout.before);
    append(out, sign);
    put_fill(out, b"0", layout.zeros);
    append(out, rest);
    put_fill(out, fill, layout.after);
}

fn put_fill(out: &mut Vec<u8>, fill: &[u8], count: usize) {
    match *fill {
        // Up to 16 copies of a one-byte fill as two words that may overlap (no `memset` call).
        [byte] if (1..=16).contains(&count) => {
            out.reserve(16);
            let start = out.len();
            let word = u64::from_ne_bytes([byte; 8]);
            // SAFETY: `out` has room for 16 more bytes; both writes are inside the `count`
            // bytes after `start`, or the 8 after it when `count` is smaller (then only the
            // first `count` are kept).
            unsafe {
                let target = out.as_mut_ptr().add(start);
                target.cast::<u64>().write_unaligned(word);
                target.add(count.max(8) - 8).cast::<u64>().write_unaligned(word);
                out.set_len(start + count);
            }
        }
        [byte] => out.resize(out.len() + count, byte),
        _ => {
            for _ in 0..count {
                out.extend_from_slice(fill);
            }
        }
    }
}

/// `out.extend_from_slice(bytes)`, without a call of `memcpy` for the short pieces of a
/// formatted line (a call costs more than copying a few bytes): up to 16 bytes are copied as
/// two words that may overlap, or two half-words, or three bytes.
#[inline]
pub fn append(out: &mut Vec<u8>, bytes: &[u8]) {
    let length = bytes.len();
    if length > 16 {
        out.extend_from_slice(bytes);
        return;
    }
    out.reserve(16);
    let start = out.len();
    // SAFETY: `out` has room for 16 more bytes; every read is inside `bytes` and every write
    // inside the `length` bytes after `start`.
    unsafe {
        let source = bytes.as_ptr();
        let target = out.as_mut_ptr().add(start);
        if length >= 8 {
            let head = source.cast::<u64>().read_unaligned();
            let tail = source.add(length - 8).cast::<u64>().read_unaligned();
            target.cast::<u64>().write_unaligned(head);
            target.add(length - 8).cast::<u64>().write_unaligned(tail);
        } else if length >= 4 {
            let head = source.cast::<u32>().read_unaligned();
            let tail = source.add(length - 4).cast::<u32>().read_unaligned();
            target.cast::<u32>().write_unaligned(head);
            target.add(length - 4).cast::<u32>().write_unaligned(tail);
        } else if length > 0 {
            *target = *source;
            *target.add(length / 2) = *source.add(length / 2);
            *target.add(length - 1) = *source.add(length - 1);
        }
        out.set_len(start + length);
    }
}

/// `text` padded as `padding` says, as a `String` (the runtime writes the same bytes straight
/// into a string object).
pub fn pad(text: &str, spec: PackedFormat, number: bool) -> String {
    let Some(layout) = padding(text, spec, number) else {
        return text.to_owned();
    };
    let (sign, rest) = text.split_at(layout.sign_length);
    let mut out = String::new();
    out.extend(std::iter::repeat_n(spec.fill, layout.before));
    out.push_str(sign);
    out.extend(std::iter::repeat_n('0', layout.zeros));
    out.push_str(rest);
    out.extend(std::iter::repeat_n(spec.fill, layout.after));
    out
}

/// The largest `digits` accepted by `fixed`.
pub const FIXED_MAX_DIGITS: i64 = 1000;

/// `int(s)`: an optional sign and decimal digits, nothing else.
pub fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<i64>().ok()
}

/// `float(s)`: decimal notation with an optional sign and exponent, or `inf`, `infinity`
/// and `NaN` in any case (what Rust's `f64::from_str` accepts). No surrounding spaces.
pub fn parse_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `fixed_exact` as a string, `None` where it gives up.
    fn fixed_exact_text(value: f64, digits: usize) -> Option<String> {
        let mut out = Vec::new();
        fixed_exact(value, digits, &mut out).then(|| String::from_utf8(out).expect("ASCII"))
    }

    #[test]
    fn floats_print_like_rust_debug() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e21, "1e21"),
            (1e-7, "1e-7"),
            (-0.0, "-0.0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "NaN"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e16"),
        ];
        for (value, text) in cases {
            assert_eq!(float_to_text(value), text);
        }
    }

    #[test]
    fn int_text_is_rust_display() {
        let mut buffer = [0u8; INT_TEXT_MAX];
        let mut values = vec![
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            100,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
            i64::MAX - 1,
        ];
        let mut seed: i64 = 42;
        for shift in 0..64 {
            values.push(1i64.wrapping_shl(shift));
            values.push(1i64.wrapping_shl(shift).wrapping_neg());
            values.push(10i64.wrapping_pow(shift % 19) - 1);
        }
        for _ in 0..10_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            values.push(seed);
            values.push(seed >> (seed as u64 % 64));
        }
        for value in values {
            assert_eq!(int_text(value, &mut buffer), value.to_string());
        }
    }

    #[test]
    fn fixed_exact_is_core_fmt_byte_for_byte() {
        let mut values = vec![
            0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1.005, 1e-300, -1e-300, 5e-324,
        ];
        values.extend([9.2e18, 1_023.999_999_999_999_9, 0.0625, -0.0625, 1e15, 123_456.789]);
        for numerator in -40_000..40_000 {
            // strformat's values: multiples of 1/64, many exact ties at three decimals.
            values.push(numerator as f64 / 64.0 - 500.0);
        }
        let mut seed: u64 = 7;
        for _ in 0..50_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let value = f64::from_bits(seed);
            if value.is_finite() {
                values.push(value);
            }
            // Values of ordinary size, and short decimals (ties in binary are rare there).
            let ordinary = (seed >> 11) as f64 / (1u64 << 20) as f64 * if seed & 1 == 1 { -1.0 } else { 1.0 };
            values.push(ordinary);
            values.push((ordinary * 1000.0).round() / 1000.0);
        }
        for (index, &value) in values.iter().enumerate() {
            for digits in [0, 1, 2, 3, 4, 6, 9, 12, 15, 17, index % 18] {
                if let Some(text) = fixed_exact_text(value, digits) {
                    assert_eq!(text, format!("{value:.digits$}"), "{value:e} to {digits} decimals");
                }
            }
        }
        assert!(fixed_exact_text(1.5, 3).is_some());
        assert!(fixed_exact_text(-1e-300, 17).is_some());
        assert!(fixed_exact_text(1e19, 2).is_none());
        assert!(fixed_exact_text(1.0, 18).is_none());
    }

    #[test]
    fn fixed_rounds_like_printf() {
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(0.375, 2), "0.38");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(3.5, 0), "4");
        assert_eq!(fixed(1.005, 2), "1.00");
        assert_eq!(fixed(-1.5, 0), "-2");
        assert_eq!(fixed(1e300, 1).len(), 303);
    }

    fn spec(width: u32, fill: char, align: i64, zero: bool) -> PackedFormat {
        PackedFormat {
            width,
            fill,
            align,
            zero,
        }
    }

    #[test]
    fn padding_follows_the_spec() {
        use lang_abi::format::FORMAT_ALIGN_RIGHT;
        assert_eq!(pad("42", spec(5, ' ', FORMAT_ALIGN_RIGHT, false), true), "   42");
        assert_eq!(pad("ab", spec(5, '*', FORMAT_ALIGN_CENTER, false), false), "*ab**");
        assert_eq!(pad("é", spec(3, '-', FORMAT_ALIGN_LEFT, false), false), "é--");
        assert_eq!(pad("é", spec(2, '·', FORMAT_ALIGN_RIGHT, false), false), "·é");
        assert_eq!(pad("+5", spec(4, ' ', FORMAT_ALIGN_RIGHT, true), true), "+005");
        assert_eq!(pad("-7", spec(5, '*', FORMAT_ALIGN_LEFT, true), true), "-0007");
        assert_eq!(pad("-inf", spec(6, ' ', FORMAT_ALIGN_RIGHT, true), true), "-00inf");
        assert_eq!(
            pad("toolong", spec(3, ' ', FORMAT_ALIGN_RIGHT, false), false),
            "toolong"
        );
    }

    #[test]
    fn put_padded_is_pad() {
        use lang_abi::format::FORMAT_ALIGN_RIGHT;
        let texts = [
            "",
            "42",
            "ab",
            "é",
            "+5",
            "-7",
            "-inf",
            "toolong",
            "ü-ß",
            "seventeen bytes!!",
            "a-much-longer-text",
        ];
        for text in texts {
            for width in [0, 1, 2, 3, 5, 8, 9, 20] {
                for fill in [' ', '*', '·', '0'] {
                    for align in [FORMAT_ALIGN_LEFT, FORMAT_ALIGN_RIGHT, FORMAT_ALIGN_CENTER] {
                        for zero in [false, true] {
                            for number in [false, true] {
                                let spec = spec(width, fill, align, zero);
                                let mut out = b"x|".to_vec();
                                put_padded(&mut out, text.as_bytes(), spec, number);
                                let expected = format!("x|{}", pad(text, spec, number));
                                assert_eq!(String::from_utf8(out).expect("UTF-8"), expected, "{text:?} {spec:?}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn append_copies_every_length() {
        let source: Vec<u8> = (0..40).collect();
        for length in 0..=40 {
            let mut out = vec![0xaa; 3];
            append(&mut out, &source[..length]);
            assert_eq!(&out[..3], &[0xaa; 3]);
            assert_eq!(&out[3..], &source[..length]);
        }
    }

    #[test]
    fn int_parsing_accepts_only_sign_and_digits() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        for bad in ["", "+", "-", " 1", "1 ", "0x10", "1_000", "1.0", "--1"] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }
}
