//! What the usefulness algorithm needs to know about constructors: their fields' types, which
//! constructor a row's pattern covers, splitting `int` ranges, and whether the constructors a
//! column names cover every value of its type.

use super::pattern::{Constructor, Pattern};
use super::pattern_types::{EnumTable, PatternType};

/// Whether an enum position may hold a variant that the program does not declare (yet).
///
/// Section 9 "Precisions": on an enum, a `_` or name after arms that name every variant is not
/// unreachable, because it also meets the variants a reload adds or removes. Reachability is
/// therefore computed as if every enum had one more, unknown, variant that only a wildcard
/// matches; exhaustiveness is computed with the declared variants only (naming every variant
/// is exhaustive; old code meeting a new variant is a runtime error at the match).
///
/// The unknown variant exists at every enum position, the scrutinee's and nested ones: a `_`
/// in `.Add(_, x)` after arms that name every variant of the left operand is not unreachable
/// either, for the same reason (a reload can add a variant there too). An arm that names a
/// variant is judged exactly as in Rust.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EnumCoverage {
    DeclaredVariantsOnly,
    UnknownVariantsToo,
}

/// The types of the fields of `constructor` at a position of type `pattern_type`.
pub(crate) fn field_types<'t>(
    constructor: &Constructor,
    pattern_type: &'t PatternType,
    enums: &'t EnumTable,
) -> Vec<&'t PatternType> {
    match (constructor, pattern_type) {
        (Constructor::Some, PatternType::Optional(inner)) => vec![inner.as_ref()],
        (Constructor::Variant(index), PatternType::Enum(key)) => match enums.variants(*key).get(*index) {
            Some(variant) => variant.fields.iter().collect(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Whether a row whose pattern starts with `row` matches every value that starts with `wanted`.
/// `wanted` is never a range that `row` overlaps only partly: ranges are split first.
pub(crate) fn covers(row: &Constructor, wanted: &Constructor) -> bool {
    match (row, wanted) {
        (Constructor::IntRange(row_low, row_high), Constructor::IntRange(low, high)) => {
            row_low <= low && high <= row_high
        }
        _ => row == wanted,
    }
}

/// Splits `low..=high` into consecutive pieces such that each of `ranges` either contains a
/// piece whole or does not touch it. So `3..=9` against `0..=5` gives `3..=5` and `6..=9`.
pub(crate) fn split_int_range(low: i64, high: i64, ranges: impl Iterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
    // Boundaries are the first values of pieces; `i128` so that `i64::MAX + 1` is no overflow.
    let mut starts: Vec<i128> = Vec::new();
    let (low, high) = (i128::from(low), i128::from(high));
    for (range_low, range_high) in ranges {
        for start in [i128::from(range_low), i128::from(range_high) + 1] {
            if start > low && start <= high {
                starts.push(start);
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    let mut pieces = Vec::with_capacity(starts.len() + 1);
    let mut piece_low = low;
    for start in starts {
        pieces.push((piece_low, start - 1));
        piece_low = start;
    }
    pieces.push((piece_low, high));
    // Every bound lies between the original `i64` bounds.
    pieces
        .into_iter()
        .map(|(piece_low, piece_high)| (piece_low as i64, piece_high as i64))
        .collect()
}

/// What the constructors a column names say about the values of the column's type.
pub(crate) enum ColumnCoverage {
    /// Every value starts with one of these constructors (all of the type's, in order), each
    /// named by some row: a wildcard is useful only if it is useful under one of them.
    Complete(Vec<Constructor>),
    /// Some value starts with a constructor that no row names: a wildcard is useful if it is
    /// useful among the rows that start with a wildcard. `missing` is a pattern of such a value
    /// for a witness: `_` when nothing but a wildcard reaches it, or when the rows name no
    /// constructor and the caller asked for no name then.
    Incomplete { missing: Pattern },
}

/// Whether the constructors `heads` named by a column of type `pattern_type` cover its type.
/// With `name_missing_constructor` false, a column that names no constructor gets `_` as its
/// missing pattern rather than its type's first constructor.
pub(crate) fn column_coverage(
    heads: &[&Constructor],
    pattern_type: &PatternType,
    enums: &EnumTable,
    enum_coverage: EnumCoverage,
    name_missing_constructor: bool,
) -> ColumnCoverage {
    let name_missing = name_missing_constructor || !heads.is_empty();
    let names = |constructor: &Constructor| heads.contains(&constructor);
    match pattern_type {
        PatternType::Bool => {
            let all = vec![Constructor::Bool(false), Constructor::Bool(true)];
            complete_or_first_missing(all, name_missing, &names, |constructor| {
                Pattern::constructor(constructor, Vec::new())
            })
        }
        PatternType::Optional(_) => {
            let all = vec![Constructor::Nil, Constructor::Some];
            complete_or_first_missing(all, name_missing, &names, |constructor| match constructor {
                Constructor::Some => Pattern::constructor(Constructor::Some, vec![Pattern::Wildcard]),
                _ => Pattern::nil(),
            })
        }
        // Reachability counts an unknown variant too, which only a wildcard matches, so the
        // column never covers the enum (and no witness is written in that mode).
        PatternType::Enum(_) if enum_coverage == EnumCoverage::UnknownVariantsToo => ColumnCoverage::Incomplete {
            missing: Pattern::Wildcard,
        },
        PatternType::Enum(key) => {
            let variants = enums.variants(*key);
            let all: Vec<Constructor> = (0..variants.len()).map(Constructor::Variant).collect();
            complete_or_first_missing(all, name_missing, &names, |constructor| {
                let field_count = match constructor {
                    Constructor::Variant(index) => variants[index].fields.len(),
                    _ => 0,
                };
                Pattern::constructor(constructor, vec![Pattern::Wildcard; field_count])
            })
        }
        // `int` and `str` have too many values to list, and literals and ranges never cover
        // them (section 9); nothing but a wildcard takes an opaque value apart.
        PatternType::Int | PatternType::Str | PatternType::Opaque => ColumnCoverage::Incomplete {
            missing: Pattern::Wildcard,
        },
    }
}

fn complete_or_first_missing(
    all: Vec<Constructor>,
    name_missing: bool,
    names: &dyn Fn(&Constructor) -> bool,
    missing_pattern: impl Fn(Constructor) -> Pattern,
) -> ColumnCoverage {
    match all.iter().position(|constructor| !names(constructor)) {
        None => ColumnCoverage::Complete(all),
        Some(_) if !name_missing => ColumnCoverage::Incomplete {
            missing: Pattern::Wildcard,
        },
        Some(position) => ColumnCoverage::Incomplete {
            missing: missing_pattern(all[position].clone()),
        },
    }
}
