//! `print` and `println` of every printable type, into the buffered standard output.

use super::values::bytes;
use crate::context::*;
use crate::format;
use crate::object::*;

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_str(_ctx: Ctx<'_>, string: *const StrObject, newline: u8) {
    let text = bytes(string);
    if newline != 0 {
        let mut line = Vec::with_capacity(text.len() + 1);
        line.extend_from_slice(text);
        line.push(b'\n');
        write_output(&line);
    } else {
        write_output(text);
    }
}

fn print_text(mut text: String, newline: u8) {
    if newline != 0 {
        text.push('\n');
    }
    write_output(text.as_bytes());
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_int(_ctx: Ctx<'_>, value: i64, newline: u8) {
    print_text(value.to_string(), newline);
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_float(_ctx: Ctx<'_>, value: f64, newline: u8) {
    print_text(format::float_to_text(value), newline);
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_bool(_ctx: Ctx<'_>, value: u8, newline: u8) {
    print_text(if value != 0 { "true" } else { "false" }.to_string(), newline);
}
