//! The entry point the type checker calls for each `match`: which arms can never run, and which
//! value, if any, no arm matches (section 9 of LANGUAGE.md, "Exhaustiveness, as in Rust").

use super::constructors::EnumCoverage;
use super::normalization::normalize;
use super::pattern::{Pattern, WILDCARD};
use super::pattern_types::{EnumTable, PatternType};
use super::usefulness::{Row, Usefulness};
use super::witness::witness_text;

/// One arm of a `match`, lowered: its pattern and whether it has an `if` guard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Arm {
    pub(crate) pattern: Pattern,
    pub(crate) has_guard: bool,
}

impl Arm {
    pub(crate) fn new(pattern: Pattern) -> Arm {
        Arm {
            pattern,
            has_guard: false,
        }
    }

    pub(crate) fn guarded(pattern: Pattern) -> Arm {
        Arm {
            pattern,
            has_guard: true,
        }
    }
}

/// What is wrong with a `match`, if anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct MatchReport {
    /// The indices, in order, of the arms that can never run: every value their pattern matches
    /// is matched by an earlier arm without a guard.
    pub(crate) unreachable_arms: Vec<usize>,
    /// A value that no unguarded arm matches, written as a `lang` pattern (`.Rect(_, _)`, `nil`,
    /// `false`, `_`); `None` when the match is exhaustive.
    pub(crate) missing: Option<String>,
}

/// Checks the arms of a `match` whose scrutinee has type `scrutinee_type`; `enums` describes
/// every enum the types name. The patterns must already be well typed (the type checker reports
/// wrong payload counts, unknown variants and empty ranges itself).
///
/// A guarded arm counts for nothing toward exhaustiveness or toward hiding later arms, but is
/// itself unreachable when the unguarded arms before it cover it. A wildcard at an enum position
/// after arms that name every variant is not unreachable: see [`EnumCoverage`]. An arm with
/// alternatives is reported only when all of them are unreachable.
pub(crate) fn check_match(scrutinee_type: &PatternType, arms: &[Arm], enums: &EnumTable) -> MatchReport {
    let patterns: Vec<Pattern> = arms
        .iter()
        .map(|arm| normalize(&arm.pattern, scrutinee_type, enums))
        .collect();
    let types = [scrutinee_type];

    let reachability = Usefulness::new(enums, EnumCoverage::UnknownVariantsToo);
    let mut unreachable_arms = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (index, (arm, pattern)) in arms.iter().zip(&patterns).enumerate() {
        if reachability.find_witness(&rows, &[pattern], &types).is_none() {
            // Covered already: adding it to the rows would change nothing.
            unreachable_arms.push(index);
        } else if !arm.has_guard {
            rows.push(vec![pattern]);
        }
    }

    let exhaustiveness = Usefulness::new(enums, EnumCoverage::DeclaredVariantsOnly);
    let missing = exhaustiveness
        .find_witness(&rows, &[&WILDCARD], &types)
        .map(|witness| witness_text(&witness[0], scrutinee_type, enums));
    MatchReport {
        unreachable_arms,
        missing,
    }
}

/// Whether `pattern` matches every value of `pattern_type` (declared variants only): `if let`
/// with such a pattern is an error that says to use `let`, and `let PATTERN = ...` needs one
/// unless it has an `else`.
pub(crate) fn is_irrefutable(pattern: &Pattern, pattern_type: &PatternType, enums: &EnumTable) -> bool {
    check_match(pattern_type, &[Arm::new(pattern.clone())], enums)
        .missing
        .is_none()
}
