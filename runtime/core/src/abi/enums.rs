//! Enums (LANGUAGE.md section 9): the registry of each enum's variant names, the descriptors
//! of payload variants, and `==` and `str` of enum values, driven by the payload kinds the
//! compiler writes (`lang_abi::enums`). Under hot reload a payload value is a handle whose
//! payload holds the fields (as a hot struct's), so a value is first resolved to its payload.

use std::collections::HashMap;
use std::ffi::CStr;
use std::sync::Mutex;

use lang_abi::enums::{
    PayloadKind, VariantDescriptor, hot_payload_field_type, parse_enum_text, payload_kind_of_field_type,
};

use super::values::{bytes, string_from, text};
use crate::context::*;
use crate::format::float_to_text;
use crate::object::*;

/// One variant's name, and whether the latest registration of its enum still has it.
struct VariantName {
    name: String,
    current: bool,
}

/// Per enum key (`lang_abi::enums`): its variants by number. Registered at each setup;
/// never shrinks, so values of a variant a reload removed stay printable.
static ENUMS: Mutex<Option<HashMap<u32, HashMap<i64, VariantName>>>> = Mutex::new(None);

fn c_text(text: *const u8) -> String {
    // SAFETY: the compiler emits NUL-terminated texts.
    unsafe { CStr::from_ptr(text as *const std::ffi::c_char) }
        .to_string_lossy()
        .into_owned()
}

/// Registers an enum's variants from its enum text `KEY:Name:NUMBER=Variant,...`; variants
/// registered before and missing now are marked removed.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_register(_ctx: Ctx<'_>, description: *const u8) {
    let (key, _name, variants) = parse_enum_text(&c_text(description));
    let mut enums = ENUMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let known = enums.get_or_insert_with(HashMap::new).entry(key).or_default();
    for variant in known.values_mut() {
        variant.current = false;
    }
    for (number, name) in variants {
        known.insert(number, VariantName { name, current: true });
    }
}

/// Registers a payload variant from its variant text and returns its descriptor, a struct
/// descriptor that also holds the variant number and the payload kinds (in `FieldDesc::ty`:
/// `KIND`, or under hot reload `TYPE|KIND`). Under hot reload its fields are in a payload at
/// `HOT_FIELDS_OFFSET`, as a hot struct's, and it carries its layout hash.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_variant_desc(_ctx: Ctx<'_>, description: *const u8) -> *const TypeDesc {
    variant_descriptor_from_text(&c_text(description))
}

/// The descriptor of a variant text (also used by a migration, for a variant's new layout).
pub fn variant_descriptor_from_text(description: &str) -> *const TypeDesc {
    let description = VariantDescriptor::parse(description);
    let hot = description.hot_layout_hash;
    let fields: Vec<FieldDesc> = description
        .fields
        .into_iter()
        .map(|field| FieldDesc {
            name: field.name,
            is_reference: field.is_reference,
            ty: match hot {
                Some(_) => hot_payload_field_type(&field.type_key, &field.kind),
                None => field.kind.render(),
            },
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
        fields_offset: if hot.is_some() {
            HOT_FIELDS_OFFSET as usize
        } else {
            STRUCT_FIELDS_OFFSET as usize
        },
        layout_hash: hot.unwrap_or(0),
        defaults,
    }))
}

/// The object holding the fields of a (non-immediate) enum value: the value itself, or
/// under hot reload, when a migration gave it a separate payload, that payload.
fn payload_of(value: u64) -> u64 {
    // SAFETY: a non-immediate enum value is a live payload object or a handle.
    let desc = unsafe { desc_of(value as *const u8) };
    if matches!(desc.kind, Kind::Handle) {
        // SAFETY: a handle holds its payload's address at `HANDLE_PAYLOAD_OFFSET`.
        unsafe { *((value as usize + HANDLE_PAYLOAD_OFFSET as usize) as *const u64) }
    } else {
        value
    }
}

/// The descriptor of a (non-immediate) enum value's variant.
fn variant_desc<'a>(value: u64) -> &'a TypeDesc {
    // SAFETY: the payload of an enum value is a live object with a variant descriptor.
    unsafe { desc_of(payload_of(value) as *const u8) }
}

/// The name of the variant `value` is, and whether a reload removed it from its enum.
fn variant_name_and_removed(value: u64, enum_key: u32) -> (String, bool) {
    let number = if value & 1 == 1 {
        (value >> 1) as i64
    } else {
        variant_desc(value).variant_number
    };
    let enums = ENUMS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    match enums.as_ref().and_then(|enums| enums.get(&enum_key)?.get(&number)) {
        Some(variant) => (variant.name.clone(), !variant.current),
        None if value & 1 == 0 => (variant_desc(value).name.clone(), false),
        None => (format!("#{number}"), false),
    }
}

/// The name of the variant `value` is.
fn variant_name(value: u64, enum_key: u32) -> String {
    variant_name_and_removed(value, enum_key).0
}

/// Why no arm of a `match` matched `value` (a variant a reload added or removed).
pub(super) fn no_match_message(value: u64, enum_key: u32) -> String {
    let (name, removed) = variant_name_and_removed(value, enum_key);
    if removed {
        format!("no arm of this `match` matches the variant `{name}`, which was removed by a reload")
    } else {
        format!("no arm of this `match` matches the variant `{name}`")
    }
}

/// Field `index` of an enum value whose variant descriptor is `desc`.
fn payload_word(value: u64, desc: &TypeDesc, index: usize) -> u64 {
    // SAFETY: a payload object has one word per field from `fields_offset`.
    unsafe { *((payload_of(value) as usize + desc.fields_offset + index * 8) as *const u64) }
}

/// How two payload words compare without looking inside enum values: a recursive enum (a
/// list of a million `Cons`) is compared and printed with a work stack of its own, not on the
/// native stack, which such a value would overflow (LANGUAGE.md section 6: no signal).
enum WordComparison {
    Equal,
    Different,
    /// Two different enum values: equal when their variants and payloads are.
    Enums(u64, u64),
}

fn compare_words(a: u64, b: u64, kind: &PayloadKind) -> WordComparison {
    let equal = |same: bool| {
        if same {
            WordComparison::Equal
        } else {
            WordComparison::Different
        }
    };
    match kind {
        PayloadKind::Float => equal(f64::from_bits(a) == f64::from_bits(b)),
        PayloadKind::Bool => equal((a & 0xff) == (b & 0xff)),
        PayloadKind::Str => equal(a == b || bytes(a as *const StrObject) == bytes(b as *const StrObject)),
        PayloadKind::Enum(_) if a == b => WordComparison::Equal,
        PayloadKind::Enum(_) => WordComparison::Enums(a, b),
        PayloadKind::Optional(inner) => {
            if a == 0 || b == 0 {
                return equal(a == b);
            }
            match **inner {
                // Boxed: compare the values inside.
                PayloadKind::Int | PayloadKind::Float | PayloadKind::Bool => {
                    // SAFETY: a non-nil `?int`, `?float` or `?bool` is a box.
                    let (a, b) = unsafe { ((*(a as *const BoxObject)).value, (*(b as *const BoxObject)).value) };
                    compare_words(a, b, inner)
                }
                // One level per `?` of the type: bounded by the program's text.
                _ => compare_words(a, b, inner),
            }
        }
        PayloadKind::Int | PayloadKind::Identity => equal(a == b),
    }
}

/// Whether two enum values have the same variant and the same non-enum payload fields; their
/// enum fields that differ are left in `pending` to be compared.
fn same_variant_and_fields(a: u64, b: u64, pending: &mut Vec<(u64, u64)>) -> bool {
    if a == b {
        return true;
    }
    if a & 1 == 1 || b & 1 == 1 {
        return false;
    }
    let (desc_a, desc_b) = (variant_desc(a), variant_desc(b));
    if desc_a.variant_number != desc_b.variant_number || desc_a.enum_index != desc_b.enum_index {
        return false;
    }
    // Hot reload: the same variant before and after its payload changed.
    if !std::ptr::eq(desc_a, desc_b)
        && (desc_a.fields.len() != desc_b.fields.len()
            || desc_a
                .fields
                .iter()
                .zip(&desc_b.fields)
                .any(|(a, b)| a.name != b.name || a.ty != b.ty))
    {
        return false;
    }
    for (index, field) in desc_a.fields.iter().enumerate() {
        let kind = payload_kind_of_field_type(&field.ty);
        match compare_words(payload_word(a, desc_a, index), payload_word(b, desc_b, index), &kind) {
            WordComparison::Equal => {}
            WordComparison::Different => return false,
            WordComparison::Enums(a, b) => pending.push((a, b)),
        }
    }
    true
}

fn enums_equal(a: u64, b: u64) -> bool {
    let mut pending = vec![(a, b)];
    while let Some((a, b)) = pending.pop() {
        if !same_variant_and_fields(a, b, &mut pending) {
            return false;
        }
    }
    true
}

/// `==` of two enum values: the same variant with pairwise equal payloads.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_eq(a: u64, b: u64) -> u8 {
    enums_equal(a, b) as u8
}

/// What is left to write of an enum value's text (`write_enum`'s work stack).
enum Writing {
    Enum(u64, u32),
    Word(u64, PayloadKind),
    Separator,
    /// `)` this many times: the closing parentheses of nested values, counted rather than
    /// stacked one by one, so a deep list's text needs a stack of a few entries.
    Close(usize),
}

/// Writes a payload word; an enum value inside it (also behind `?`) is left on `stack`.
fn write_word(out: &mut String, word: u64, kind: &PayloadKind, stack: &mut Vec<Writing>) {
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
        PayloadKind::Enum(index) => stack.push(Writing::Enum(word, *index)),
        PayloadKind::Optional(inner) => {
            if word == 0 {
                out.push_str("nil");
            } else if matches!(**inner, PayloadKind::Int | PayloadKind::Float | PayloadKind::Bool) {
                // SAFETY: a non-nil `?int`, `?float` or `?bool` is a box.
                let value = unsafe { (*(word as *const BoxObject)).value };
                write_word(out, value, inner, stack);
            } else {
                write_word(out, word, inner, stack);
            }
        }
        PayloadKind::Identity => out.push_str("<value>"),
    }
}

fn write_enum(out: &mut String, value: u64, enum_index: u32) {
    let mut stack = vec![Writing::Enum(value, enum_index)];
    while let Some(next) = stack.pop() {
        match next {
            Writing::Enum(value, enum_index) => {
                out.push_str(&variant_name(value, enum_index));
                if value & 1 == 1 {
                    continue;
                }
                let desc = variant_desc(value);
                out.push('(');
                match stack.last_mut() {
                    Some(Writing::Close(count)) => *count += 1,
                    _ => stack.push(Writing::Close(1)),
                }
                // Pushed last field first, so the first is written first.
                for (index, field) in desc.fields.iter().enumerate().rev() {
                    stack.push(Writing::Word(
                        payload_word(value, desc, index),
                        payload_kind_of_field_type(&field.ty),
                    ));
                    if index > 0 {
                        stack.push(Writing::Separator);
                    }
                }
            }
            Writing::Word(word, kind) => write_word(out, word, &kind, &mut stack),
            Writing::Separator => out.push_str(", "),
            Writing::Close(count) => out.extend(std::iter::repeat_n(')', count)),
        }
    }
}

/// `str` of an enum value (LANGUAGE.md section 9): `Circle(2.0)`, `Empty`,
/// `Word("say \"hi\"")`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_enum_str(ctx: Ctx<'_>, value: u64, enum_index: u64) -> *mut StrObject {
    let mut out = String::new();
    write_enum(&mut out, value, enum_index as u32);
    string_from(ctx, &out)
}
