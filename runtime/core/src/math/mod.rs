//! Correctly rounded `exp`, `log`, `pow`, `sin`, `cos`, `tan` and `atan2` for the float built-ins.
//!
//! The language promises that a program prints the same digits in every mode and on every
//! machine, so these functions are computed here in pure Rust instead of by the system libm.
//! The `libm` crate would be deterministic too, but it is off by one unit in the last place for
//! a few percent of inputs, which makes results differ from C, Python and glibc. The functions
//! below carry every intermediate result as a double-double (an unevaluated sum `hi + lo` of
//! two doubles, about 106 bits), so the value before the final rounding is accurate to roughly
//! 2^-100 relative, and rounding it to the nearest double gives the correctly rounded result
//! except for inputs whose exact result lies within about 2^-100 of a rounding boundary, which
//! essentially never happens.
//!
//! Determinism rules followed throughout: no fused multiply-add (its availability and use differ
//! between machines and compilation modes, so exact products are formed with Dekker's
//! splitting instead), no calls to the platform's math library, and only IEEE operations whose
//! results are fully specified (`+ - * /`, comparisons and bit manipulation). `libm` is used
//! only where its result is either an approximation that a later exact step corrects (the first
//! guess of `atan`) or as the documented fallback for arguments outside the reduction range of
//! the trigonometric functions.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

// ------------------------------------------------------------------ double-double arithmetic

/// An unevaluated sum `hi + lo` with `|lo| <= ulp(hi) / 2`, i.e. `hi` is `hi + lo` rounded.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Dd {
    hi: f64,
    lo: f64,
}

impl Dd {
    const fn new(hi: f64, lo: f64) -> Dd {
        Dd { hi, lo }
    }

    const fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    fn neg(self) -> Dd {
        Dd::new(-self.hi, -self.lo)
    }

    /// Multiplication by a power of two, exact as long as nothing underflows or overflows.
    fn scale(self, factor: f64) -> Dd {
        Dd::new(self.hi * factor, self.lo * factor)
    }
}

/// Knuth's TwoSum: `a + b == s + e` exactly, whatever the magnitudes.
fn two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    Dd::new(s, e)
}

/// Dekker's FastTwoSum: `a + b == s + e` exactly, provided `|a| >= |b|` (or `a` is zero).
fn fast_two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    let e = b - (s - a);
    Dd::new(s, e)
}

/// Veltkamp's splitting: `a == hi + lo` with both halves of at most 26 significant bits, so
/// that products of halves are exact. Valid for `|a| < 2^996`, far beyond what is split here.
fn split(a: f64) -> (f64, f64) {
    const SPLITTER: f64 = 134_217_729.0; // 2^27 + 1
    let c = SPLITTER * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// Dekker's TwoProduct: `a * b == p + e` exactly (barring underflow), without fused multiply-add.
fn two_prod(a: f64, b: f64) -> Dd {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    Dd::new(p, e)
}

/// Double-double sum, with the low parts added by a second TwoSum so that the relative error
/// stays near 2^-106 even when the operands cancel.
fn add(a: Dd, b: Dd) -> Dd {
    let s = two_sum(a.hi, b.hi);
    let t = two_sum(a.lo, b.lo);
    let u = fast_two_sum(s.hi, s.lo + t.hi);
    fast_two_sum(u.hi, u.lo + t.lo)
}

fn sub(a: Dd, b: Dd) -> Dd {
    add(a, b.neg())
}

fn add_f64(a: Dd, b: f64) -> Dd {
    let s = two_sum(a.hi, b);
    fast_two_sum(s.hi, s.lo + a.lo)
}

fn mul(a: Dd, b: Dd) -> Dd {
    let p = two_prod(a.hi, b.hi);
    fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi))
}

fn mul_f64(a: Dd, b: f64) -> Dd {
    let p = two_prod(a.hi, b);
    fast_two_sum(p.hi, p.lo + a.lo * b)
}

/// Double-double quotient by long division: three partial quotients, each remainder formed
/// with exact products, give about 106 correct bits.
fn div(a: Dd, b: Dd) -> Dd {
    let q1 = a.hi / b.hi;
    let r = sub(a, mul_f64(b, q1));
    let q2 = r.hi / b.hi;
    let r = sub(r, mul_f64(b, q2));
    let q3 = r.hi / b.hi;
    add_f64(fast_two_sum(q1, q2), q3)
}

/// Evaluates `sum(c[i] * x^i)` by Horner's rule. The terms from `split_at` on are so small
/// relative to the result that plain double arithmetic is accurate enough for them; the leading
/// terms are evaluated in double-double.
fn poly(x: Dd, coeffs: &[(f64, f64)], split_at: usize) -> Dd {
    let mut tail = 0.0;
    for &(c, _) in coeffs[split_at..].iter().rev() {
        tail = tail * x.hi + c;
    }
    let mut acc = Dd::from(tail);
    for &(hi, lo) in coeffs[..split_at].iter().rev() {
        acc = add(mul(acc, x), Dd::new(hi, lo));
    }
    acc
}

// ------------------------------------------------------------------------ exponent helpers

/// `2^e` for a normal exponent (`-1022 <= e <= 1023`).
fn pow2(e: i32) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((e + 1023) as u64) << 52)
}

/// `x * 2^k` in steps that never leave the normal range before the last one, so the result is
/// exact whenever it is representable (and overflows to infinity when it is too large).
fn ldexp(mut x: f64, mut k: i32) -> f64 {
    while k > 1000 {
        x *= pow2(1000);
        k -= 1000;
    }
    while k < -1000 {
        x *= pow2(-1000);
        k += 1000;
    }
    x * pow2(k)
}

/// The unbiased exponent of a normal, nonzero double.
fn exponent(x: f64) -> i32 {
    ((x.to_bits() >> 52) & 0x7ff) as i32 - 1023
}

/// Splits a finite nonzero double into a mantissa in `[1, 2)` and an exponent, also for
/// subnormals.
fn frexp(x: f64) -> (f64, i32) {
    let x = x.abs();
    if x < f64::MIN_POSITIVE {
        let (m, e) = frexp(x * pow2(54));
        return (m, e - 54);
    }
    let e = exponent(x);
    (f64::from_bits((x.to_bits() & ((1 << 52) - 1)) | (1023 << 52)), e)
}

/// Rounds `x` to the nearest integer, ties to even, for `|x| < 2^51`, by the classic addition
/// and subtraction of 1.5 * 2^52 (which leaves no room for fraction bits).
fn round_to_int(x: f64) -> f64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0;
    (x + MAGIC) - MAGIC
}

/// Rounds the positive value `(v.hi + v.lo) * 2^k` to the nearest double, ties to even, with a
/// single rounding also when the result is subnormal (rounding `v` first and scaling after
/// would round twice there) and overflowing to infinity when it is too large.
///
/// `v.hi` must be normal. When `snap` is positive, a value within `snap * v.hi` of a midpoint
/// between two doubles is taken to be exactly that midpoint: `pow` has exact midpoint results
/// (such as `pow(94906267, 2)`), and its double-double value is only within about 2^-94 of
/// them, so without snapping the tie would be broken by the sign of the rounding error instead
/// of towards the even neighbour.
fn round_scaled(v: Dd, k: i32, snap: f64) -> f64 {
    let (hi, mut lo) = (v.hi, v.lo);
    let e = exponent(hi);
    let hi_is_power_of_two = hi.to_bits() & ((1 << 52) - 1) == 0;
    let subnormal = e + k < -1022 || (e + k == -1022 && hi_is_power_of_two && lo < 0.0);
    if !subnormal {
        if snap > 0.0 {
            // Below a power of two the spacing of doubles halves.
            let half_ulp = if hi_is_power_of_two && lo < 0.0 {
                pow2(e - 54)
            } else {
                pow2(e - 53)
            };
            if (lo.abs() - half_ulp).abs() <= snap * hi {
                lo = half_ulp.copysign(lo);
            }
        }
        return ldexp(hi + lo, k);
    }
    // Subnormal results are multiples of 2^-1074, i.e. of `unit` before scaling. Adding
    // 2^52 * unit makes the hardware round at exactly that position: the sum lies in
    // [2^52, 2^53) * unit, where doubles are spaced `unit` apart, and it cannot drop below
    // 2^52 * unit because `lo` is tiny next to `hi`.
    let unit_exponent = -1074 - k;
    if unit_exponent > e + 1 {
        // Below half of the smallest subnormal: rounds to zero.
        return 0.0;
    }
    let unit = pow2(unit_exponent);
    let bias = pow2(unit_exponent + 52);
    let s = two_sum(bias, hi);
    let mut d = s.lo + lo;
    if snap > 0.0 && (d.abs() - unit / 2.0).abs() <= snap * hi {
        d = (unit / 2.0).copysign(d);
    }
    ldexp((s.hi + d) - bias, k)
}

// ------------------------------------------------------------------------------ constants

/// ln 2 as the sum of three doubles. The first two have at most 40 significant bits, so their
/// products with an exponent or reduction multiple (at most 11 bits) are exact.
const LN2: [f64; 3] = [0.6931471805592082, 7.371002565161996e-13, 5.8029889835956905e-25];

/// π/2 as the sum of nine doubles, each but the last holding 28 significant bits, so that
/// `n * PIO2[i]` is exact for any multiple `n < 2^25`; together they carry about 250 bits,
/// enough to leave ~100 correct bits in the reduced argument even after the worst
/// cancellation that doubles below 2^25 can produce.
const PIO2: [f64; 9] = [
    1.570796325802803,
    9.920935739593517e-10,
    5.721188709663575e-18,
    1.6446256892965207e-26,
    4.33590506232819e-35,
    2.733700738621999e-44,
    1.6284330869810757e-52,
    5.709968494905029e-62,
    2.219319689279469e-71,
];

/// Below this magnitude the Cody–Waite reduction by [`PIO2`] is exact; larger arguments (rare
/// in practice) fall back to `libm`, which reduces with the full 2/π expansion.
const TRIG_REDUCTION_LIMIT: f64 = 33_554_432.0; // 2^25

const PI_DD: Dd = Dd::new(PI, 1.2246467991473532e-16);
const PIO2_DD: Dd = Dd::new(FRAC_PI_2, 6.123233995736766e-17);

// The series coefficients below are the exactly rounded double-double values of the rationals
// named in the comments, generated with Python's `fractions` module.
const SIN_COEFFS: [(f64, f64); 16] = [
    (1.0, 0.0),                                        // (-1)^0/1!
    (-0.16666666666666666, -9.25185853854297e-18),     // (-1)^1/3!
    (0.008333333333333333, 1.1564823173178714e-19),    // (-1)^2/5!
    (-0.0001984126984126984, -1.7209558293420705e-22), // (-1)^3/7!
    (2.7557319223985893e-06, -1.858393274046472e-22),  // (-1)^4/9!
    (-2.505210838544172e-08, 1.448814070935912e-24),   // (-1)^5/11!
    (1.6059043836821613e-10, 1.2585294588752098e-26),  // (-1)^6/13!
    (-7.647163731819816e-13, -7.03872877733453e-30),   // (-1)^7/15!
    (2.8114572543455206e-15, 1.6508842730861433e-31),  // (-1)^8/17!
    (-8.22063524662433e-18, -2.2141894119604265e-34),  // (-1)^9/19!
    (1.9572941063391263e-20, -1.3643503830087908e-36), // (-1)^10/21!
    (-3.868170170630684e-23, 8.843177655482344e-40),   // (-1)^11/23!
    (6.446950284384474e-26, -1.9330404233703465e-42),  // (-1)^12/25!
    (-9.183689863795546e-29, -1.4303150396787322e-45), // (-1)^13/27!
    (1.1309962886447716e-31, 1.0498015412959506e-47),  // (-1)^14/29!
    (-1.216125041553518e-34, -5.586290567888806e-51),  // (-1)^15/31!
];
const COS_COEFFS: [(f64, f64); 16] = [
    (1.0, 0.0),                                         // (-1)^0/0!
    (-0.5, 0.0),                                        // (-1)^1/2!
    (0.041666666666666664, 2.3129646346357427e-18),     // (-1)^2/4!
    (-0.001388888888888889, 5.300543954373577e-20),     // (-1)^3/6!
    (2.48015873015873e-05, 2.1511947866775882e-23),     // (-1)^4/8!
    (-2.755731922398589e-07, -2.3767714622250297e-23),  // (-1)^5/10!
    (2.08767569878681e-09, -1.20734505911326e-25),      // (-1)^6/12!
    (-1.1470745597729725e-11, -2.0655512752830745e-28), // (-1)^7/14!
    (4.779477332387385e-14, 4.399205485834081e-31),     // (-1)^8/16!
    (-1.5619206968586225e-16, -1.1910679660273754e-32), // (-1)^9/18!
    (4.110317623312165e-19, 1.4412973378659527e-36),    // (-1)^10/20!
    (-8.896791392450574e-22, 7.911402614872376e-38),    // (-1)^11/22!
    (1.6117375710961184e-24, -3.6846573564509766e-41),  // (-1)^12/24!
    (-2.4795962632247976e-27, 1.2953730964765229e-43),  // (-1)^13/26!
    (3.279889237069838e-30, 1.5117542744029879e-46),    // (-1)^14/28!
    (-3.7699876288159054e-33, -2.5870347832750324e-49), // (-1)^15/30!
];
const EXPM1_COEFFS: [(f64, f64); 11] = [
    (1.0, 0.0),                                       // 1/1!
    (0.5, 0.0),                                       // 1/2!
    (0.16666666666666666, 9.25185853854297e-18),      // 1/3!
    (0.041666666666666664, 2.3129646346357427e-18),   // 1/4!
    (0.008333333333333333, 1.1564823173178714e-19),   // 1/5!
    (0.001388888888888889, -5.300543954373577e-20),   // 1/6!
    (0.0001984126984126984, 1.7209558293420705e-22),  // 1/7!
    (2.48015873015873e-05, 2.1511947866775882e-23),   // 1/8!
    (2.7557319223985893e-06, -1.858393274046472e-22), // 1/9!
    (2.755731922398589e-07, 2.3767714622250297e-23),  // 1/10!
    (2.505210838544172e-08, -1.448814070935912e-24),  // 1/11!
];
const ATANH_COEFFS: [(f64, f64); 23] = [
    (1.0, 0.0),                                     // 1/1
    (0.3333333333333333, 1.850371707708594e-17),    // 1/3
    (0.2, -1.1102230246251566e-17),                 // 1/5
    (0.14285714285714285, 7.93016446160826e-18),    // 1/7
    (0.1111111111111111, 6.1679056923619804e-18),   // 1/9
    (0.09090909090909091, -2.523234146875356e-18),  // 1/11
    (0.07692307692307693, -4.270088556250602e-18),  // 1/13
    (0.06666666666666667, 9.251858538542971e-19),   // 1/15
    (0.058823529411764705, 8.163404592832033e-19),  // 1/17
    (0.05263157894736842, 2.921639538487254e-18),   // 1/19
    (0.047619047619047616, 2.64338815386942e-18),   // 1/21
    (0.043478260869565216, 1.206764157201257e-18),  // 1/23
    (0.04, -8.326672684688674e-19),                 // 1/25
    (0.037037037037037035, 2.05596856412066e-18),   // 1/27
    (0.034482758620689655, 4.785444071660157e-19),  // 1/29
    (0.03225806451612903, 8.953411488912552e-19),   // 1/31
    (0.030303030303030304, -8.410780489584519e-19), // 1/33
    (0.02857142857142857, 8.921435019309293e-19),   // 1/35
    (0.02702702702702703, -1.50030138462859e-18),   // 1/37
    (0.02564102564102564, 8.896017825522087e-19),   // 1/39
    (0.024390243902439025, -8.46206573647223e-19),  // 1/41
    (0.023255813953488372, 3.2273925134452225e-19), // 1/43
    (0.022222222222222223, -8.480870326997723e-19), // 1/45
];

// ------------------------------------------------------------------------- exp, log, pow

/// `exp(z)` for `|z.hi| <= 746` as `(2^k, m)` with `m` in about [0.7, 1.42], so that the caller
/// can round `m * 2^k` once.
fn exp_dd(z: Dd) -> (i32, Dd) {
    // z = k ln2 + r with |r| <= ln2 / 2. The products k * LN2[0..2] are exact and the
    // subtractions are carried out in double-double, so r is accurate to about 2^-120
    // absolutely (more than enough because exp's relative error is r's absolute error).
    let kf = round_to_int(z.hi * std::f64::consts::LOG2_E);
    let mut r = two_sum(z.hi, -(kf * LN2[0]));
    r = add_f64(r, -(kf * LN2[1]));
    r = add_f64(r, z.lo);
    r = sub(r, two_prod(kf, LN2[2]));
    // exp(r) = exp(r / 256)^256. With |r / 256| < 0.0014 the series for expm1 needs only
    // eleven terms; the squarings are done on e = exp(.) - 1 as e' = e * (e + 2), which keeps
    // the relative accuracy of the small quantity instead of losing it in 1 + e.
    let t = r.scale(1.0 / 256.0);
    let mut e = mul(t, poly(t, &EXPM1_COEFFS, 5));
    for _ in 0..8 {
        e = mul(e, add_f64(e, 2.0));
    }
    (kf as i32, add_f64(e, 1.0))
}

/// The natural logarithm of a positive, finite double in double-double.
fn log_dd(x: f64) -> Dd {
    // x = 2^e * m with m in [sqrt(1/2), sqrt(2)), so that log(m) is small and the result has
    // no cancellation between e ln2 and log(m), also for x just below 1.
    let (mut m, mut e) = frexp(x);
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = (m - 1) / (m + 1),
    // |s| <= 0.1716. m - 1 is exact (Sterbenz) and m + 1 is kept exactly as a TwoSum.
    let s = div(Dd::from(m - 1.0), two_sum(m, 1.0));
    let s2 = mul(s, s);
    let log_m = mul(s, poly(s2, &ATANH_COEFFS, 11)).scale(2.0);
    let ef = f64::from(e);
    let mut e_ln2 = two_sum(ef * LN2[0], ef * LN2[1]);
    e_ln2 = add(e_ln2, two_prod(ef, LN2[2]));
    add(e_ln2, log_m)
}

/// Correctly rounded `e^x`.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 710.0 {
        return f64::INFINITY;
    }
    if x < -746.0 {
        return 0.0;
    }
    if x.abs() < pow2(-60) {
        // e^x = 1 + x + ..., and |x| is far below half an ulp of 1.
        return 1.0;
    }
    let (k, m) = exp_dd(Dd::from(x));
    round_scaled(m, k, 0.0)
}

/// Correctly rounded natural logarithm.
pub fn log(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x == f64::INFINITY {
        return x;
    }
    let l = log_dd(x);
    l.hi + l.lo
}

/// Whether `y` is an odd integer (every double of magnitude 2^53 or more is even).
fn is_odd_integer(y: f64) -> bool {
    y.abs() < 9_007_199_254_740_992.0 && y == (y as i64) as f64 && (y as i64) & 1 == 1
}

fn is_integer(y: f64) -> bool {
    y.is_finite() && (y.abs() >= 4_503_599_627_370_496.0 || y == (y as i64) as f64)
}

/// `x^y`, correctly rounded, with the special cases of C99 (Annex F) and glibc.
pub fn pow(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if y.is_infinite() {
        let ax = x.abs();
        return if ax == 1.0 {
            1.0
        } else if (ax > 1.0) == (y > 0.0) {
            f64::INFINITY
        } else {
            0.0
        };
    }
    // From here y is finite and nonzero.
    let odd = is_odd_integer(y);
    if x == 0.0 || x.is_infinite() {
        // Zero and infinity keep their sign for odd integer exponents only; a zero base with a
        // negative exponent is a pole.
        let large = (x == 0.0) == (y < 0.0);
        let magnitude = if large { f64::INFINITY } else { 0.0 };
        return if odd && x.is_sign_negative() {
            -magnitude
        } else {
            magnitude
        };
    }
    let negative = x < 0.0;
    if negative && !is_integer(y) {
        return f64::NAN;
    }
    let sign = if negative && odd { -1.0 } else { 1.0 };
    if x.abs() == 1.0 {
        // (-1)^y for an integer y; caught here because log|x| = 0 would make z = 0 * y.
        return sign;
    }
    // x^y = exp(y log|x|). log|x| has a relative error near 2^-104, so z = y log|x| (at most
    // about 746 in magnitude where the result is representable) is accurate to about 2^-94
    // absolutely, which is the relative accuracy of the result.
    let l = log_dd(x.abs());
    let p = y * l.hi;
    if p > 710.0 {
        return sign * f64::INFINITY;
    }
    if p < -746.0 {
        return sign * 0.0;
    }
    let z = add_f64(two_prod(y, l.hi), y * l.lo);
    let (k, m) = exp_dd(z);
    // Powers can be exact midpoints between two doubles (pow(94906267, 2)); see round_scaled.
    sign * round_scaled(m, k, pow2(-88))
}

// ------------------------------------------------------------------- sin, cos, tan, atan2

/// `x = n π/2 + r` for `|x| < TRIG_REDUCTION_LIMIT`, returning `n mod 4` and `r` (with
/// `|r|` at most a hair above π/4) in double-double.
fn reduce_pio2(x: f64) -> (u32, Dd) {
    let nf = round_to_int(x * std::f64::consts::FRAC_2_PI);
    // Each n * PIO2[i] is exact, and subtracting them one by one in double-double cancels the
    // leading bits exactly, so no precision is lost even when x is close to a multiple of π/2.
    let mut r = two_sum(x, -(nf * PIO2[0]));
    for &part in &PIO2[1..8] {
        r = add_f64(r, -(nf * part));
    }
    r = sub(r, two_prod(nf, PIO2[8]));
    ((nf as i64 & 3) as u32, r)
}

/// sin(r) for |r| <= π/4 (and a little more) in double-double, by its Taylor series.
fn sin_dd(r: Dd) -> Dd {
    mul(r, poly(mul(r, r), &SIN_COEFFS, 9))
}

/// cos(r) for |r| <= π/4 (and a little more) in double-double, by its Taylor series.
fn cos_dd(r: Dd) -> Dd {
    poly(mul(r, r), &COS_COEFFS, 9)
}

/// Below this magnitude sin(x) and tan(x) round to x and cos(x) rounds to 1: the next terms
/// of their series (x^3/6, x^3/3, x^2/2) are below half an ulp.
const TRIG_TINY: f64 = 7.450580596923828e-9; // 2^-27

/// Correctly rounded sine (for |x| below 2^25; beyond that, libm's result).
pub fn sin(x: f64) -> f64 {
    if x.abs() < TRIG_TINY {
        return x;
    }
    if x.is_nan() || x.abs() >= TRIG_REDUCTION_LIMIT {
        return libm::sin(x);
    }
    let (quadrant, r) = reduce_pio2(x);
    let v = match quadrant {
        0 => sin_dd(r),
        1 => cos_dd(r),
        2 => sin_dd(r).neg(),
        _ => cos_dd(r).neg(),
    };
    v.hi + v.lo
}

/// Correctly rounded cosine (for |x| below 2^25; beyond that, libm's result).
pub fn cos(x: f64) -> f64 {
    if x.abs() < TRIG_TINY {
        return 1.0;
    }
    if x.is_nan() || x.abs() >= TRIG_REDUCTION_LIMIT {
        return libm::cos(x);
    }
    let (quadrant, r) = reduce_pio2(x);
    let v = match quadrant {
        0 => cos_dd(r),
        1 => sin_dd(r).neg(),
        2 => cos_dd(r).neg(),
        _ => sin_dd(r),
    };
    v.hi + v.lo
}

/// Correctly rounded tangent (for |x| below 2^25; beyond that, libm's result).
pub fn tan(x: f64) -> f64 {
    if x.abs() < TRIG_TINY {
        return x;
    }
    if x.is_nan() || x.abs() >= TRIG_REDUCTION_LIMIT {
        return libm::tan(x);
    }
    let (quadrant, r) = reduce_pio2(x);
    let (s, c) = (sin_dd(r), cos_dd(r));
    // tan(r + π/2) = -cos(r) / sin(r).
    let v = if quadrant & 1 == 0 { div(s, c) } else { div(c, s).neg() };
    v.hi + v.lo
}

/// atan(q) for 2^-64 <= q <= 1 (and a little more) in double-double.
fn atan_dd(q: Dd) -> Dd {
    // Starting from a0 = atan(q) to within an ulp or so, the identity
    // atan(q) = a0 + atan((q - tan a0) / (1 + q tan a0)) leaves an argument d of about
    // 2^-53 * q, for which atan(d) = d to far beyond double-double accuracy; tan a0 comes
    // from the accurate series above, so only d's own ~53 bits matter.
    let a0 = libm::atan(q.hi);
    let t = div(sin_dd(Dd::from(a0)), cos_dd(Dd::from(a0)));
    let num = sub(q, t);
    let den = 1.0 + q.hi * t.hi;
    add_f64(Dd::from(a0), num.hi / den)
}

/// Correctly rounded atan2(y, x), with the special cases of C99 (Annex F) and glibc.
pub fn atan2(y: f64, x: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return x + y;
    }
    if y == 0.0 {
        // atan2(±0, +x) = ±0 and atan2(±0, -x) = ±π, the sign of a zero x deciding.
        return if x.is_sign_positive() { y } else { PI.copysign(y) };
    }
    if x == 0.0 {
        return FRAC_PI_2.copysign(y);
    }
    if x.is_infinite() {
        let angle = if y.is_infinite() {
            // 3π/4 correctly rounded.
            if x > 0.0 { FRAC_PI_4 } else { 2.356194490192345 }
        } else if x > 0.0 {
            0.0
        } else {
            PI
        };
        return angle.copysign(y);
    }
    if y.is_infinite() {
        return FRAC_PI_2.copysign(y);
    }
    let (ay, ax) = (y.abs(), x.abs());
    let swap = ay > ax;
    let (num, den) = if swap { (ax, ay) } else { (ay, ax) };
    // q = num / den <= 1, computed from mantissas in [1, 2) so that nothing underflows:
    // q = (q1 + rem / fd) * 2^e with q1 the rounded quotient and rem the exact remainder.
    let ((fnum, enum_), (fden, eden)) = (frexp(num), frexp(den));
    let e = enum_ - eden;
    let q1 = fnum / fden;
    let p = two_prod(q1, fden);
    let rem = (fnum - p.hi) - p.lo;
    let angle = if e >= -62 {
        let q = fast_two_sum(q1, rem / fden).scale(ldexp(1.0, e));
        atan_dd(q)
    } else {
        // atan(q) = q - q^3/3 with q < 2^-61: the correction is below 2^-122 relative, so it
        // only decides ties. When the quotient is exact, the tiny negative low part makes the
        // rounding go down as it must for the true value, slightly below q.
        let lo = if rem == 0.0 { -q1 * pow2(-200) } else { rem / fden };
        let q = fast_two_sum(q1, lo);
        if !swap && x > 0.0 {
            // The result itself may be subnormal: round once at the right position.
            return round_scaled(q, e, 0.0).copysign(y);
        }
        Dd::new(ldexp(q.hi, e), ldexp(q.lo, e))
    };
    let angle = match (swap, x > 0.0) {
        (false, true) => angle,
        (true, true) => sub(PIO2_DD, angle),
        (false, false) => sub(PI_DD, angle),
        (true, false) => add(PIO2_DD, angle),
    };
    (angle.hi + angle.lo).copysign(y)
}

#[cfg(test)]
mod tests;
