//! Exhaustiveness and reachability of `match`, by the usefulness algorithm of Maranget
//! ("Warnings for pattern matching", JFP 2007), as rustc's `rustc_pattern_analysis` does it.
//!
//! The type checker lowers each arm's pattern into [`Pattern`] (names become
//! [`Pattern::Binding`], literals and ranges [`Constructor::IntRange`] and friends, variants
//! their declaration index), describes the scrutinee's type as a [`PatternType`] over an
//! [`EnumTable`], and calls [`check_match`]. The files, in the order the data flows:
//! `pattern_types` and `pattern` (the inputs), `normalization` (applies the types to the
//! patterns), `constructors` (fields, coverage and range splitting), `usefulness` (the
//! algorithm), `witness` (writes a missed value as a pattern) and `match_check` (the entry).

mod constructors;
mod match_check;
mod normalization;
mod pattern;
mod pattern_types;
mod usefulness;
mod witness;

#[cfg(test)]
mod brute_force_tests;
#[cfg(test)]
mod large_match_tests;
#[cfg(test)]
mod tests;

// The interface the checker of enums and match (`match_check.rs`, `patterns_check.rs`,
// `enums.rs`) uses; the tests use the rest of it.
#[allow(unused_imports)]
pub(crate) use {
    match_check::{Arm, MatchReport, check_match, is_irrefutable},
    pattern::{Constructor, Pattern},
    pattern_types::{EnumDescription, EnumKey, EnumTable, PatternType, VariantDescription},
};
