//! Text for numbers: float printing, `fixed`, and parsing of `int(s)` and `float(s)`.

/// A float as `str(x)` prints it: Rust's `{:?}`, the shortest text that reads back to the
/// same value, always with a `.` or an exponent (`1.0`, `1e21`, `-0.0`, `inf`, `NaN`).
pub fn float_to_text(value: f64) -> String {
    format!("{value:?}")
}

/// `fixed(x, digits)`: exactly `digits` decimals, rounded like C's `printf("%.*f")` (the
/// exact binary value, ties to even). Non-finite values print as `str` prints them.
pub fn fixed(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return float_to_text(value);
    }
    format!("{value:.digits$}")
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
    fn fixed_rounds_like_printf() {
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(0.375, 2), "0.38");
        assert_eq!(fixed(2.5, 0), "2");
        assert_eq!(fixed(3.5, 0), "4");
        assert_eq!(fixed(1.005, 2), "1.00");
        assert_eq!(fixed(-1.5, 0), "-2");
        assert_eq!(fixed(1e300, 1).len(), 303);
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
