//! The string entry points: concatenation, comparison, conversions to and from numbers, and
//! the native parts of the stdlib's `strings` module (split, trim, find, replace, slices,
//! bytes, parsing).

use super::values::{bytes, lang_rt_box, new_array, new_string, string_from, text};
use crate::array;
use crate::context::*;
use crate::format;
use crate::object::*;

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_concat(ctx: Ctx<'_>, a: *const StrObject, b: *const StrObject) -> *mut StrObject {
    // Strings never change, so `"" + s` may be `s` itself (`var w = ""` then `w = w + s` in a
    // loop allocates one string less).
    if bytes(a).is_empty() {
        return b as *mut StrObject;
    }
    if bytes(b).is_empty() {
        return a as *mut StrObject;
    }
    let (a, b) = (bytes(a), bytes(b));
    let object = ctx
        .heap
        .allocate(STR_BYTES_OFFSET as usize + a.len() + b.len(), &STR_DESC) as *mut StrObject;
    // SAFETY: the new object has room for both parts.
    unsafe {
        (*object).len = (a.len() + b.len()) as u64;
        let data = (object as *mut u8).add(STR_BYTES_OFFSET as usize);
        std::ptr::copy_nonoverlapping(a.as_ptr(), data, a.len());
        std::ptr::copy_nonoverlapping(b.as_ptr(), data.add(a.len()), b.len());
    }
    ctx.check_heap();
    object
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_eq(a: *const StrObject, b: *const StrObject) -> u8 {
    (a == b || bytes(a) == bytes(b)) as u8
}

/// Bytewise comparison: -1, 0 or 1.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_cmp(a: *const StrObject, b: *const StrObject) -> i64 {
    bytes(a).cmp(bytes(b)) as i64
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_int_to_str(ctx: Ctx<'_>, value: i64) -> *mut StrObject {
    let mut digits = [0u8; format::INT_TEXT_MAX];
    new_string(ctx, format::int_text(value, &mut digits).as_bytes())
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_float_to_str(ctx: Ctx<'_>, value: f64) -> *mut StrObject {
    string_from(ctx, &format::float_to_text(value))
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_bool_to_str(ctx: Ctx<'_>, value: u8) -> *mut StrObject {
    string_from(ctx, if value != 0 { "true" } else { "false" })
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_int(ctx: Ctx<'_>, string: *const StrObject) -> i64 {
    match format::parse_int(text(string)) {
        Some(value) => value,
        None => {
            ctx.fail(format!("cannot parse {:?} as int", text(string)));
            0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_float(ctx: Ctx<'_>, string: *const StrObject) -> f64 {
    match format::parse_float(text(string)) {
        Some(value) => value,
        None => {
            ctx.fail(format!("cannot parse {:?} as float", text(string)));
            0.0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_fixed(ctx: Ctx<'_>, value: f64, digits: i64) -> *mut StrObject {
    if !(0..=format::FIXED_MAX_DIGITS).contains(&digits) {
        ctx.fail(format!(
            "fixed: the number of digits must be between 0 and {}, not {digits}",
            format::FIXED_MAX_DIGITS
        ));
        return string_from(ctx, "");
    }
    string_from(ctx, &format::fixed(value, digits as usize))
}

// ----------------------------------------------------------------- stdlib intrinsics

fn string_array(ctx: Ctx<'_>, parts: &[&[u8]]) -> *mut ArrayObject {
    let array = new_array(ctx, ELEMENT_REFERENCE, parts.len());
    ctx.heap.pause += 1;
    for (index, part) in parts.iter().enumerate() {
        let string = new_string(ctx, part);
        // SAFETY: the array has room for every part.
        unsafe { array::set(&mut *array, 8, index, string as u64) };
    }
    ctx.heap.pause -= 1;
    array
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_split(
    ctx: Ctx<'_>,
    string: *const StrObject,
    separator: *const StrObject,
) -> *mut ArrayObject {
    let (whole, separator) = (text(string), text(separator));
    if separator.is_empty() {
        let parts: Vec<&[u8]> = whole
            .char_indices()
            .map(|(at, c)| &whole.as_bytes()[at..at + c.len_utf8()])
            .collect();
        return string_array(ctx, &parts);
    }
    let parts: Vec<&[u8]> = whole.split(separator).map(str::as_bytes).collect();
    string_array(ctx, &parts)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_trim(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, text(string).trim())
}

/// The byte offset of the first occurrence, or -1.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_find(string: *const StrObject, needle: *const StrObject) -> i64 {
    text(string).find(text(needle)).map_or(-1, |at| at as i64)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_replace(
    ctx: Ctx<'_>,
    string: *const StrObject,
    from: *const StrObject,
    to: *const StrObject,
) -> *mut StrObject {
    let from = text(from);
    if from.is_empty() {
        return new_string(ctx, bytes(string));
    }
    string_from(ctx, &text(string).replace(from, text(to)))
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_starts_with(string: *const StrObject, prefix: *const StrObject) -> u8 {
    bytes(string).starts_with(bytes(prefix)) as u8
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_ends_with(string: *const StrObject, suffix: *const StrObject) -> u8 {
    bytes(string).ends_with(bytes(suffix)) as u8
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_upper(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, &text(string).to_uppercase())
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_lower(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, &text(string).to_lowercase())
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_byte_at(ctx: Ctx<'_>, string: *const StrObject, index: i64) -> i64 {
    let all = bytes(string);
    match usize::try_from(index).ok().and_then(|index| all.get(index)) {
        Some(&byte) => byte as i64,
        None => {
            ctx.fail(format!(
                "index out of bounds: the index is {index} but the length is {}",
                all.len()
            ));
            0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_from_bytes(ctx: Ctx<'_>, array: *const ArrayObject) -> *mut StrObject {
    // SAFETY: a live `[int]` array.
    let array = unsafe { &*array };
    let mut collected = Vec::with_capacity(array.len as usize);
    for index in 0..array.len as usize {
        // SAFETY: the index is below the length.
        let value = unsafe { array::get(array, 8, index) } as i64;
        if !(0..=255).contains(&value) {
            ctx.fail(format!("from_bytes: {value} is not a byte (0 to 255)"));
            return string_from(ctx, "");
        }
        collected.push(value as u8);
    }
    if std::str::from_utf8(&collected).is_err() {
        ctx.fail("from_bytes: the bytes are not valid UTF-8");
        return string_from(ctx, "");
    }
    new_string(ctx, &collected)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_slice(ctx: Ctx<'_>, string: *const StrObject, start: i64, end: i64) -> *mut StrObject {
    let whole = text(string);
    let len = whole.len() as i64;
    if start < 0 || end > len || start > end {
        ctx.fail(format!(
            "slice {start}..{end} is out of bounds for a string of length {len}"
        ));
        return string_from(ctx, "");
    }
    let (start, end) = (start as usize, end as usize);
    if !whole.is_char_boundary(start) || !whole.is_char_boundary(end) {
        ctx.fail(format!("slice {start}..{end} does not fall on character boundaries"));
        return string_from(ctx, "");
    }
    let part = whole[start..end].to_string();
    string_from(ctx, &part)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_char_count(string: *const StrObject) -> i64 {
    text(string).chars().count() as i64
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_parse_int(ctx: Ctx<'_>, string: *const StrObject) -> *mut BoxObject {
    // Exactly what `int(s)` accepts: no trimming (issue 18).
    match format::parse_int(text(string)) {
        Some(value) => lang_rt_box(ctx, value as u64),
        None => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_parse_float(ctx: Ctx<'_>, string: *const StrObject) -> *mut BoxObject {
    match format::parse_float(text(string)) {
        Some(value) => lang_rt_box(ctx, value.to_bits()),
        None => std::ptr::null_mut(),
    }
}
