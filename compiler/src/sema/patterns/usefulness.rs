//! The usefulness algorithm of Maranget ("Warnings for pattern matching", JFP 2007), the one
//! rustc's `rustc_pattern_analysis` uses: a pattern vector is useful with respect to a matrix of
//! earlier rows when some value matches it and no row. An arm is reachable when its pattern is
//! useful after the earlier unguarded arms; a match is exhaustive when `_` is not useful after
//! all of them, and a witness of that usefulness is the value the match misses.
//!
//! Rows and the query are stacks of borrowed patterns, the first element the column being
//! taken apart. Each step takes the first column apart by constructor ("specialization") or,
//! where the rows' constructors leave some values out, keeps only the rows that start with a
//! wildcard ("the default matrix"). Or-patterns are expanded only when they reach the first
//! column, so patterns of typical code never multiply. `int` ranges are split at the bounds the
//! other rows use, so each piece is either inside a row's range or outside it.
//!
//! The recursion is as deep as the query pattern is large (one level per sub-pattern). Patterns
//! nest at most 256 deep (the parser's limit) and the command line runs the compiler on a thread
//! with a 1 GiB stack, so that is no risk; the unit tests check 250 levels on a test thread.

use std::borrow::Cow;

use super::constructors::{ColumnCoverage, EnumCoverage, column_coverage, covers, field_types, split_int_range};
use super::pattern::{Constructor, Pattern, WILDCARD};
use super::pattern_types::{EnumTable, PatternType};

/// One row of the matrix: a pattern per column, the first column first.
pub(crate) type Row<'p> = Vec<&'p Pattern>;

/// The algorithm with its fixed inputs: the enums that types name and how enums are covered.
pub(crate) struct Usefulness<'t> {
    enums: &'t EnumTable,
    enum_coverage: EnumCoverage,
}

impl<'t> Usefulness<'t> {
    pub(crate) fn new(enums: &'t EnumTable, enum_coverage: EnumCoverage) -> Usefulness<'t> {
        Usefulness { enums, enum_coverage }
    }

    /// A value that `query` matches and no row of `rows` does, written as one pattern per
    /// column, or `None` when every value `query` matches is matched by some row. `types` holds
    /// the type of each column; every row and the query have one pattern per column, in the
    /// normalized form of `normalization`. The first column is the scrutinee's.
    pub(crate) fn find_witness<'p>(
        &self,
        rows: &[Row<'p>],
        query: &[&'p Pattern],
        types: &[&'t PatternType],
    ) -> Option<Vec<Pattern>> {
        self.find_witness_at(rows, query, types, FirstColumn::Scrutinee)
    }

    fn find_witness_at<'p>(
        &self,
        rows: &[Row<'p>],
        query: &[&'p Pattern],
        types: &[&'t PatternType],
        first_column: FirstColumn,
    ) -> Option<Vec<Pattern>> {
        let Some((&head, rest)) = query.split_first() else {
            // No column left: every remaining row matches the value, so it is missed only when
            // no row remains.
            return if rows.is_empty() { Some(Vec::new()) } else { None };
        };
        let (head_type, rest_types) = (types[0], &types[1..]);
        let rows = expand_alternatives_in_first_column(rows);
        match head {
            Pattern::Or(alternatives) => alternatives.iter().find_map(|alternative| {
                let query: Vec<&Pattern> = std::iter::once(alternative).chain(rest.iter().copied()).collect();
                self.find_witness_at(&rows, &query, types, first_column)
            }),
            Pattern::Wildcard | Pattern::Binding => {
                self.wildcard_witness(&rows, rest, head_type, rest_types, first_column)
            }
            Pattern::Constructor {
                constructor: Constructor::IntRange(low, high),
                ..
            } => {
                let row_ranges = rows.iter().filter_map(|row| match row[0] {
                    Pattern::Constructor {
                        constructor: Constructor::IntRange(row_low, row_high),
                        ..
                    } => Some((*row_low, *row_high)),
                    _ => None,
                });
                split_int_range(*low, *high, row_ranges)
                    .into_iter()
                    .find_map(|(piece_low, piece_high)| {
                        let piece = Constructor::IntRange(piece_low, piece_high);
                        let specialized = specialize(&rows, &piece, 0);
                        let witness = self.find_witness_at(&specialized, rest, rest_types, FirstColumn::Inner)?;
                        Some(rebuild(piece, 0, witness))
                    })
            }
            Pattern::Constructor { constructor, fields } => {
                let field_types = field_types(constructor, head_type, self.enums);
                let arity = field_types.len();
                let specialized = specialize(&rows, constructor, arity);
                let query: Vec<&Pattern> = padded_fields(fields, arity).chain(rest.iter().copied()).collect();
                let types: Vec<&PatternType> = field_types.into_iter().chain(rest_types.iter().copied()).collect();
                let witness = self.find_witness_at(&specialized, &query, &types, FirstColumn::Inner)?;
                Some(rebuild(constructor.clone(), arity, witness))
            }
        }
    }

    /// `find_witness` for a query that starts with a wildcard.
    fn wildcard_witness<'p>(
        &self,
        rows: &[Row<'p>],
        rest: &[&'p Pattern],
        head_type: &'t PatternType,
        rest_types: &[&'t PatternType],
        first_column: FirstColumn,
    ) -> Option<Vec<Pattern>> {
        let heads: Vec<&Constructor> = rows
            .iter()
            .filter_map(|row| match row[0] {
                Pattern::Constructor { constructor, .. } => Some(constructor),
                _ => None,
            })
            .collect();
        // As rustc does: at the scrutinee a witness names a missing constructor even when no arm
        // names any (`.Circle(_)` for a match whose only arms are guarded); deeper, `_` says
        // more plainly that nothing at all is matched there.
        let name_missing_constructor = first_column == FirstColumn::Scrutinee;
        match column_coverage(
            &heads,
            head_type,
            self.enums,
            self.enum_coverage,
            name_missing_constructor,
        ) {
            // Every value starts with a constructor some row names: the wildcard is useful
            // exactly when it is under one of them.
            ColumnCoverage::Complete(constructors) => constructors.into_iter().find_map(|constructor| {
                let field_types = field_types(&constructor, head_type, self.enums);
                let arity = field_types.len();
                let specialized = specialize(rows, &constructor, arity);
                let query: Vec<&Pattern> = std::iter::repeat_n(&WILDCARD, arity)
                    .chain(rest.iter().copied())
                    .collect();
                let types: Vec<&PatternType> = field_types.into_iter().chain(rest_types.iter().copied()).collect();
                let witness = self.find_witness_at(&specialized, &query, &types, FirstColumn::Inner)?;
                Some(rebuild(constructor, arity, witness))
            }),
            // A value starting with a constructor no row names is matched only by the rows that
            // start with a wildcard, whatever the rest of it is.
            ColumnCoverage::Incomplete { missing } => {
                let default_rows: Vec<Row<'p>> = rows
                    .iter()
                    .filter(|row| row[0].is_wildcard())
                    .map(|row| row[1..].to_vec())
                    .collect();
                let mut witness = self.find_witness_at(&default_rows, rest, rest_types, FirstColumn::Inner)?;
                witness.insert(0, missing);
                Some(witness)
            }
        }
    }
}

/// Whether the first column of a query is the scrutinee itself or a position inside it (or after
/// it, in the default matrix's recursion).
#[derive(Clone, Copy, PartialEq, Eq)]
enum FirstColumn {
    Scrutinee,
    Inner,
}

/// The rows whose first pattern is an or-pattern, replaced by one row per alternative (nested
/// alternatives flattened); the rows themselves when there is none.
fn expand_alternatives_in_first_column<'a, 'p>(rows: &'a [Row<'p>]) -> Cow<'a, [Row<'p>]> {
    if !rows.iter().any(|row| matches!(row.first(), Some(Pattern::Or(_)))) {
        return Cow::Borrowed(rows);
    }
    let mut expanded = Vec::with_capacity(rows.len());
    for row in rows {
        push_alternatives(row[0], &row[1..], &mut expanded);
    }
    Cow::Owned(expanded)
}

fn push_alternatives<'p>(head: &'p Pattern, rest: &[&'p Pattern], rows: &mut Vec<Row<'p>>) {
    match head {
        Pattern::Or(alternatives) => {
            for alternative in alternatives {
                push_alternatives(alternative, rest, rows);
            }
        }
        _ => rows.push(std::iter::once(head).chain(rest.iter().copied()).collect()),
    }
}

/// The rows that match every value starting with `constructor`, with their first pattern
/// replaced by its `arity` fields (wildcards for a row that starts with a wildcard).
fn specialize<'p>(rows: &[Row<'p>], constructor: &Constructor, arity: usize) -> Vec<Row<'p>> {
    let mut specialized = Vec::new();
    for row in rows {
        let (head, rest) = (row[0], &row[1..]);
        match head {
            Pattern::Constructor {
                constructor: row_constructor,
                fields,
            } => {
                if covers(row_constructor, constructor) {
                    specialized.push(padded_fields(fields, arity).chain(rest.iter().copied()).collect());
                }
            }
            // Or-patterns were expanded before specializing.
            Pattern::Wildcard | Pattern::Binding | Pattern::Or(_) => {
                specialized.push(
                    std::iter::repeat_n(&WILDCARD, arity)
                        .chain(rest.iter().copied())
                        .collect(),
                );
            }
        }
    }
    specialized
}

/// Exactly `arity` sub-patterns: normalization already made the count right; this only keeps a
/// malformed input from misaligning the columns.
fn padded_fields(fields: &[Pattern], arity: usize) -> impl Iterator<Item = &Pattern> {
    fields.iter().chain(std::iter::repeat(&WILDCARD)).take(arity)
}

/// Puts the first `arity` patterns of `witness` back under `constructor`.
fn rebuild(constructor: Constructor, arity: usize, mut witness: Vec<Pattern>) -> Vec<Pattern> {
    let rest = witness.split_off(arity);
    let mut rebuilt = Vec::with_capacity(rest.len() + 1);
    rebuilt.push(Pattern::constructor(constructor, witness));
    rebuilt.extend(rest);
    rebuilt
}
