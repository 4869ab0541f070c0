//! The float functions compiled code calls (`fmod` from libm; the others correctly rounded,
//! from `crate::math`), so every mode and machine prints the same digits.

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_fmod(a: f64, b: f64) -> f64 {
    libm::fmod(a, b)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_sin(x: f64) -> f64 {
    crate::math::sin(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_cos(x: f64) -> f64 {
    crate::math::cos(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_tan(x: f64) -> f64 {
    crate::math::tan(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_atan2(y: f64, x: f64) -> f64 {
    crate::math::atan2(y, x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_exp(x: f64) -> f64 {
    crate::math::exp(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_log(x: f64) -> f64 {
    crate::math::log(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_pow(x: f64, y: f64) -> f64 {
    crate::math::pow(x, y)
}
