//! Writes a witness (a value a `match` misses) as a pattern in `lang` syntax, for the
//! exhaustiveness error: `.Rect(_, _)`, `.Add(.Num(_), _)`, `nil`, `false`, `_`.

use super::pattern::{Constructor, Pattern};
use super::pattern_types::{EnumTable, PatternType};

/// `witness`, a pattern for a value of type `pattern_type`, as `lang` source text.
pub(crate) fn witness_text(witness: &Pattern, pattern_type: &PatternType, enums: &EnumTable) -> String {
    let mut text = String::new();
    write_witness(witness, pattern_type, enums, &mut text);
    text
}

fn write_witness(witness: &Pattern, pattern_type: &PatternType, enums: &EnumTable, text: &mut String) {
    let (constructor, fields) = match witness {
        Pattern::Wildcard | Pattern::Binding => return text.push('_'),
        // The algorithm builds no or-pattern into a witness; any alternative would do.
        Pattern::Or(alternatives) => match alternatives.first() {
            Some(first) => return write_witness(first, pattern_type, enums, text),
            None => return text.push('_'),
        },
        Pattern::Constructor { constructor, fields } => (constructor, fields),
    };
    match constructor {
        Constructor::Bool(value) => text.push_str(if *value { "true" } else { "false" }),
        Constructor::IntRange(low, high) if low == high => text.push_str(&low.to_string()),
        Constructor::IntRange(low, high) => text.push_str(&format!("{low}..={high}")),
        Constructor::Str(value) => write_string_literal(value, text),
        Constructor::Nil => text.push_str("nil"),
        // The non-nil case of `?T` is written as the pattern of `T` inside it (section 9), so a
        // missing non-nil value with nothing more to say is `_`.
        Constructor::Some => {
            let inner_type = match pattern_type {
                PatternType::Optional(inner) => inner.as_ref(),
                other => other,
            };
            match fields.first() {
                Some(inside) => write_witness(inside, inner_type, enums, text),
                None => text.push('_'),
            }
        }
        Constructor::Variant(index) => write_variant(*index, fields, pattern_type, enums, text),
    }
}

/// `.Name`, or `.Name(P1, P2)` for a variant with payload fields.
fn write_variant(index: usize, fields: &[Pattern], pattern_type: &PatternType, enums: &EnumTable, text: &mut String) {
    let variant = match pattern_type {
        PatternType::Enum(key) => enums.variants(*key).get(index),
        _ => None,
    };
    text.push('.');
    match variant {
        Some(variant) => text.push_str(&variant.name),
        None => text.push_str(&format!("variant{index}")),
    }
    if fields.is_empty() {
        return;
    }
    text.push('(');
    for (position, field) in fields.iter().enumerate() {
        if position > 0 {
            text.push_str(", ");
        }
        let field_type = variant
            .and_then(|variant| variant.fields.get(position))
            .unwrap_or(&PatternType::Opaque);
        write_witness(field, field_type, enums, text);
    }
    text.push(')');
}

/// A `str` literal with the escapes of section 1, braces included so it does not interpolate.
fn write_string_literal(value: &str, text: &mut String) {
    text.push('"');
    for character in value.chars() {
        match character {
            '\\' => text.push_str("\\\\"),
            '"' => text.push_str("\\\""),
            '\n' => text.push_str("\\n"),
            '\t' => text.push_str("\\t"),
            '\r' => text.push_str("\\r"),
            '{' => text.push_str("\\{"),
            '}' => text.push_str("\\}"),
            other => text.push(other),
        }
    }
    text.push('"');
}
