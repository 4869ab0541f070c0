//! The pattern form the match checker works on: independent of the syntax tree, so that the
//! type checker lowers each `match` arm into it once and the algorithm never sees spans or names.

/// A value's outermost shape, as a pattern names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Constructor {
    /// `true` or `false`.
    Bool(bool),
    /// The `int`s from the first to the second, both included. A literal (an `int` or a
    /// character literal) is a one-point range, `a..b` is `a..=b-1`. Never empty: an empty range
    /// is the type checker's error, reported before the match is checked.
    IntRange(i64, i64),
    /// A `str` literal.
    Str(String),
    /// `nil`, on an optional.
    Nil,
    /// The non-`nil` case of an optional `?T`; its one field is the `T` inside. The lowering
    /// seldom writes it: any pattern of `T` found at an optional position is wrapped in it.
    Some,
    /// The variant at this index in its enum's declaration order.
    Variant(usize),
}

/// A pattern, with one sub-pattern per field of its constructor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `_`: matches every value.
    Wildcard,
    /// A name. Section 9 of LANGUAGE.md: at an optional position it is a pattern of the `T`
    /// inside and matches only a non-`nil` value; anywhere else it matches every value. (A caller
    /// that wants a name to match `nil` too at some position lowers it to `Wildcard` there.)
    Binding,
    /// A literal, range, `nil` or variant. `fields` holds one sub-pattern per payload field of a
    /// variant, and the `T` pattern for `Some`; it is empty for every other constructor.
    Constructor {
        constructor: Constructor,
        fields: Vec<Pattern>,
    },
    /// `P | Q | ...`: matches what any alternative matches.
    Or(Vec<Pattern>),
}

/// The wildcard that specialization fills in for the fields of a wildcard row; a `static` so
/// that rows can borrow it like the caller's own patterns.
pub(crate) static WILDCARD: Pattern = Pattern::Wildcard;

impl Pattern {
    pub(crate) fn constructor(constructor: Constructor, fields: Vec<Pattern>) -> Pattern {
        Pattern::Constructor { constructor, fields }
    }

    pub(crate) fn boolean(value: bool) -> Pattern {
        Pattern::constructor(Constructor::Bool(value), Vec::new())
    }

    pub(crate) fn int(value: i64) -> Pattern {
        Pattern::constructor(Constructor::IntRange(value, value), Vec::new())
    }

    /// The inclusive range `low..=high`.
    pub(crate) fn int_range(low: i64, high: i64) -> Pattern {
        Pattern::constructor(Constructor::IntRange(low, high), Vec::new())
    }

    pub(crate) fn string(value: &str) -> Pattern {
        Pattern::constructor(Constructor::Str(value.to_string()), Vec::new())
    }

    pub(crate) fn nil() -> Pattern {
        Pattern::constructor(Constructor::Nil, Vec::new())
    }

    /// The variant at `index` of its enum, with one sub-pattern per payload field.
    pub(crate) fn variant(index: usize, fields: Vec<Pattern>) -> Pattern {
        Pattern::constructor(Constructor::Variant(index), fields)
    }

    pub(crate) fn or(alternatives: Vec<Pattern>) -> Pattern {
        Pattern::Or(alternatives)
    }

    /// Whether the pattern matches every value without looking at it (`_`, or a name once the
    /// types are applied).
    pub(crate) fn is_wildcard(&self) -> bool {
        matches!(self, Pattern::Wildcard | Pattern::Binding)
    }
}
