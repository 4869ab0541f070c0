//! Applies the scrutinee's types to the lowered patterns once, before the usefulness algorithm
//! runs, so that the algorithm sees one spelling per meaning.
//!
//! After this pass there is no `Binding` left (it became `Wildcard`, or `Some(_)` at an optional
//! position), every pattern of `T` at a `?T` position is wrapped in `Some`, and every variant has
//! exactly one sub-pattern per payload field.

use super::pattern::{Constructor, Pattern};
use super::pattern_types::{EnumTable, PatternType};

/// `pattern`, written for a value of type `pattern_type`, in the checker's canonical form.
pub(crate) fn normalize(pattern: &Pattern, pattern_type: &PatternType, enums: &EnumTable) -> Pattern {
    match pattern {
        Pattern::Wildcard => Pattern::Wildcard,
        // Section 9: on a `?T`, every pattern except `_` is a pattern of `T` matching only a
        // non-nil value, so `match opt { nil => ..., v => ... }` covers the optional and a lone
        // `v` does not.
        Pattern::Binding => match pattern_type {
            PatternType::Optional(_) => Pattern::constructor(Constructor::Some, vec![Pattern::Wildcard]),
            _ => Pattern::Wildcard,
        },
        Pattern::Or(alternatives) => Pattern::Or(
            alternatives
                .iter()
                .map(|alternative| normalize(alternative, pattern_type, enums))
                .collect(),
        ),
        Pattern::Constructor { constructor, fields } => normalize_constructor(constructor, fields, pattern_type, enums),
    }
}

fn normalize_constructor(
    constructor: &Constructor,
    fields: &[Pattern],
    pattern_type: &PatternType,
    enums: &EnumTable,
) -> Pattern {
    match (pattern_type, constructor) {
        (PatternType::Optional(_), Constructor::Nil) => Pattern::nil(),
        (PatternType::Optional(inner), Constructor::Some) => {
            let inside = fields
                .first()
                .map_or(Pattern::Wildcard, |field| normalize(field, inner, enums));
            Pattern::constructor(Constructor::Some, vec![inside])
        }
        (PatternType::Optional(inner), _) => {
            let inside = normalize_constructor(constructor, fields, inner, enums);
            Pattern::constructor(Constructor::Some, vec![inside])
        }
        (PatternType::Enum(key), Constructor::Variant(index)) => {
            let Some(variant) = enums.variants(*key).get(*index) else {
                // The type checker reports an unknown variant before it checks the match; if one
                // slipped through, it must not crash the compiler, and matches nothing known.
                debug_assert!(false, "variant {index} of an enum with fewer variants");
                return Pattern::Wildcard;
            };
            // A wrong payload count is also the type checker's error; the algorithm needs
            // exactly one sub-pattern per field, so missing ones become wildcards.
            let normalized_fields = variant
                .fields
                .iter()
                .enumerate()
                .map(|(position, field_type)| match fields.get(position) {
                    Some(field) => normalize(field, field_type, enums),
                    None => Pattern::Wildcard,
                })
                .collect();
            Pattern::variant(*index, normalized_fields)
        }
        // Literals, ranges and `nil`/variants at a type they cannot have: no fields.
        _ => Pattern::constructor(constructor.clone(), Vec::new()),
    }
}
