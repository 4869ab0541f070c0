//! Enums (LANGUAGE.md section 9): the registry of each enum's variant names, the descriptors
//! of payload variants, and `==` and `str` of enum values, driven by the payload kinds the
//! compiler writes (`lang_abi::enums`).

use std::ffi::CStr;
use std::sync::Mutex;

use lang_abi::enums::{PayloadKind, VariantDescriptor, parse_enum_text};

use super::values::{bytes, string_from, text};
use crate::context::*;
use crate::format::float_to_text;
use crate::object::*;

/// Per enum index: the variant names, by number. Registered at setup; never shrinks, so
/// values of a variant stay printable.
static ENUMS: Mutex<Vec<Vec<String>>> = Mutex::new(Vec::new());

fn c_text(text: *const u8) -> String {
    // SAFETY: the compiler emits NUL-terminated texts.
    unsafe { CStr::from_ptr(text as *const std::ffi::c_char) }
        .to_string_lossy()
        .into_owned()
}

/// Registers an enum's variant names from its enum text `INDEX:Name:V0,V1,...`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_register(_ctx: Ctx<'_>, description: *const u8) {
    let (index, _name, variants) = parse_enum_text(&c_text(description));
    let mut enums = ENUMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let index = index as usize;
    if enums.len() <= index {
        enums.resize(index + 1, Vec::new());
    }
    enums[index] = variants;
}

/// Registers a payload variant from its variant text and returns its descriptor, a struct
/// descriptor that also holds the variant number and the payload kinds (in `FieldDesc::ty`).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_variant_desc(_ctx: Ctx<'_>, description: *const u8) -> *const TypeDesc {
    let description = VariantDescriptor::parse(&c_text(description));
    let fields: Vec<FieldDesc> = description
        .fields
        .into_iter()
        .map(|field| FieldDesc {
            name: field.name,
            is_reference: field.is_reference,
            ty: field.kind.render(),
        })
        .collect();
    let defaults = fields.iter().map(|_| std::sync::atomic::AtomicUsize::new(0)).collect();
    Box::leak(Box::new(TypeDesc {
        variant_number: description.variant_number,
        enum_index: description.enum_index,
        kind: Kind::Struct,
        element_size: 8,
        holds_references: false,
        string_keys: false,
        name: description.name,
        fields,
        fields_offset: STRUCT_FIELDS_OFFSET as usize,
        layout_hash: 0,
        defaults,
    }))
}

/// The name of the variant `value` is, for messages.
pub(super) fn variant_name(value: u64, enum_index: u32) -> String {
    if value & 1 == 1 {
        let number = (value >> 1) as usize;
        let enums = ENUMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        return enums
            .get(enum_index as usize)
            .and_then(|variants| variants.get(number))
            .cloned()
            .unwrap_or_else(|| format!("#{number}"));
    }
    // SAFETY: a non-immediate enum value is a live payload object.
    unsafe { desc_of(value as *const u8) }.name.clone()
}

fn payload_word(value: u64, desc: &TypeDesc, index: usize) -> u64 {
    // SAFETY: a payload object has one word per field from `fields_offset`.
    unsafe { *((value as usize + desc.fields_offset + index * 8) as *const u64) }
}

fn words_equal(a: u64, b: u64, kind: &PayloadKind) -> bool {
    match kind {
        PayloadKind::Float => f64::from_bits(a) == f64::from_bits(b),
        PayloadKind::Bool => (a & 0xff) == (b & 0xff),
        PayloadKind::Str => a == b || bytes(a as *const StrObject) == bytes(b as *const StrObject),
        PayloadKind::Enum(_) => enums_equal(a, b),
        PayloadKind::Optional(inner) => {
            if a == 0 || b == 0 {
                return a == b;
            }
            match **inner {
                // Boxed: compare the values inside.
                PayloadKind::Int | PayloadKind::Float | PayloadKind::Bool => {
                    // SAFETY: a non-nil `?int`, `?float` or `?bool` is a box.
                    let (a, b) = unsafe { ((*(a as *const BoxObject)).value, (*(b as *const BoxObject)).value) };
                    words_equal(a, b, inner)
                }
                _ => words_equal(a, b, inner),
            }
        }
        PayloadKind::Int | PayloadKind::Identity => a == b,
    }
}

fn enums_equal(a: u64, b: u64) -> bool {
    if a == b {
        return true;
    }
    if a & 1 == 1 || b & 1 == 1 {
        return false;
    }
    // SAFETY: non-immediate enum values are live payload objects.
    let (desc_a, desc_b) = unsafe { (desc_of(a as *const u8), desc_of(b as *const u8)) };
    if desc_a.variant_number != desc_b.variant_number || desc_a.enum_index != desc_b.enum_index {
        return false;
    }
    desc_a.fields.iter().enumerate().all(|(index, field)| {
        let kind = PayloadKind::parse(&field.ty);
        words_equal(payload_word(a, desc_a, index), payload_word(b, desc_b, index), &kind)
    })
}

/// `==` of two enum values: the same variant with pairwise equal payloads.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_eq(a: u64, b: u64) -> u8 {
    enums_equal(a, b) as u8
}

fn write_word(out: &mut String, word: u64, kind: &PayloadKind) {
    match kind {
        PayloadKind::Int => out.push_str(&(word as i64).to_string()),
        PayloadKind::Float => out.push_str(&float_to_text(f64::from_bits(word))),
        PayloadKind::Bool => out.push_str(if word & 0xff != 0 { "true" } else { "false" }),
        PayloadKind::Str => {
            out.push('"');
            for character in text(word as *const StrObject).chars() {
                match character {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    other => out.push(other),
                }
            }
            out.push('"');
        }
        PayloadKind::Enum(index) => write_enum(out, word, *index),
        PayloadKind::Optional(inner) => {
            if word == 0 {
                out.push_str("nil");
            } else if matches!(**inner, PayloadKind::Int | PayloadKind::Float | PayloadKind::Bool) {
                // SAFETY: a non-nil `?int`, `?float` or `?bool` is a box.
                let value = unsafe { (*(word as *const BoxObject)).value };
                write_word(out, value, inner);
            } else {
                write_word(out, word, inner);
            }
        }
        PayloadKind::Identity => out.push_str("<value>"),
    }
}

fn write_enum(out: &mut String, value: u64, enum_index: u32) {
    out.push_str(&variant_name(value, enum_index));
    if value & 1 == 1 {
        return;
    }
    // SAFETY: a non-immediate enum value is a live payload object.
    let desc = unsafe { desc_of(value as *const u8) };
    out.push('(');
    for (index, field) in desc.fields.iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        write_word(out, payload_word(value, desc, index), &PayloadKind::parse(&field.ty));
    }
    out.push(')');
}

/// `str` of an enum value (LANGUAGE.md section 9): `Circle(2.0)`, `Empty`,
/// `Word("say \"hi\"")`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_str(ctx: Ctx<'_>, value: u64, enum_index: u64) -> *mut StrObject {
    let mut out = String::new();
    write_enum(&mut out, value, enum_index as u32);
    string_from(ctx, &out)
}
