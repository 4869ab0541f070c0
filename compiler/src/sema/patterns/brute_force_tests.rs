//! Checks the usefulness algorithm against brute force: random matches over small types whose
//! values can all be listed, judged by trying every value against every arm.
//!
//! `int` values are listed as `-1..=10` while patterns use only `0..=9`, so `-1` stands for the
//! ints no literal or range covers. For reachability every enum position may also hold an
//! unknown variant that only a wildcard or a name matches (the rule of `EnumCoverage`).

use super::constructors::EnumCoverage;
use super::normalization::normalize;
use super::pattern::WILDCARD;
use super::usefulness::{Row, Usefulness};
use super::*;

/// A value of one of the small types; a non-nil optional is the inner value itself.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Bool(bool),
    Int(i64),
    Nil,
    Variant(usize, Vec<Value>),
    /// A variant that a reload may add: no pattern but a wildcard or a name matches it.
    UnknownVariant,
}

/// `enum Small { A, B(flag: bool), C(maybe: ?bool, count: int) }` and
/// `enum Outer { P(inner: Small, flag: bool), Q }`, with the scrutinee types tried.
fn small_types() -> (EnumTable, Vec<PatternType>) {
    let mut enums = EnumTable::new();
    let small = PatternType::Enum(enums.add(
        "Small",
        vec![
            VariantDescription::new("A", vec![]),
            VariantDescription::new("B", vec![PatternType::Bool]),
            VariantDescription::new("C", vec![PatternType::optional(PatternType::Bool), PatternType::Int]),
        ],
    ));
    let outer = PatternType::Enum(enums.add(
        "Outer",
        vec![
            VariantDescription::new("P", vec![small.clone(), PatternType::Bool]),
            VariantDescription::new("Q", vec![]),
        ],
    ));
    let types = vec![
        PatternType::Bool,
        PatternType::Int,
        PatternType::optional(PatternType::Int),
        PatternType::optional(PatternType::Bool),
        small.clone(),
        PatternType::optional(small),
        outer,
    ];
    (enums, types)
}

/// Every value of `pattern_type`, with unknown variants at enum positions when `with_unknown`.
fn values(pattern_type: &PatternType, enums: &EnumTable, with_unknown: bool) -> Vec<Value> {
    match pattern_type {
        PatternType::Bool => vec![Value::Bool(false), Value::Bool(true)],
        PatternType::Int => (-1..=10).map(Value::Int).collect(),
        PatternType::Optional(inner) => std::iter::once(Value::Nil)
            .chain(values(inner, enums, with_unknown))
            .collect(),
        PatternType::Enum(key) => {
            let mut all = Vec::new();
            for (index, variant) in enums.variants(*key).iter().enumerate() {
                let mut payloads: Vec<Vec<Value>> = vec![Vec::new()];
                for field_type in &variant.fields {
                    let field_values = values(field_type, enums, with_unknown);
                    payloads = payloads
                        .iter()
                        .flat_map(|payload| {
                            field_values.iter().map(move |value| {
                                let mut longer = payload.clone();
                                longer.push(value.clone());
                                longer
                            })
                        })
                        .collect();
                }
                all.extend(payloads.into_iter().map(|payload| Value::Variant(index, payload)));
            }
            if with_unknown {
                all.push(Value::UnknownVariant);
            }
            all
        }
        PatternType::Str | PatternType::Opaque => unreachable!("not used by these tests"),
    }
}

/// Section 9's meaning of a pattern, written directly (raw or normalized patterns alike).
fn matches(pattern: &Pattern, pattern_type: &PatternType, value: &Value, enums: &EnumTable) -> bool {
    let (constructor, fields) = match pattern {
        Pattern::Wildcard => return true,
        Pattern::Binding => return !(matches!(pattern_type, PatternType::Optional(_)) && *value == Value::Nil),
        Pattern::Or(alternatives) => {
            return alternatives
                .iter()
                .any(|alternative| matches(alternative, pattern_type, value, enums));
        }
        Pattern::Constructor { constructor, fields } => (constructor, fields),
    };
    match (pattern_type, constructor, value) {
        (PatternType::Optional(_), Constructor::Nil, value) => *value == Value::Nil,
        (PatternType::Optional(_), _, Value::Nil) => false,
        (PatternType::Optional(inner), Constructor::Some, value) => matches(&fields[0], inner, value, enums),
        (PatternType::Optional(inner), _, value) => matches(pattern, inner, value, enums),
        (PatternType::Bool, Constructor::Bool(expected), Value::Bool(actual)) => expected == actual,
        (PatternType::Int, Constructor::IntRange(low, high), Value::Int(actual)) => low <= actual && actual <= high,
        (PatternType::Enum(key), Constructor::Variant(index), Value::Variant(actual, payload)) => {
            let field_types = &enums.variants(*key)[*index].fields;
            index == actual
                && (0..payload.len())
                    .all(|position| matches(&fields[position], &field_types[position], &payload[position], enums))
        }
        _ => false,
    }
}

/// A tiny deterministic generator (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

fn random_pattern(random: &mut Random, pattern_type: &PatternType, enums: &EnumTable, depth: u32) -> Pattern {
    match random.below(100) {
        0..12 => return Pattern::Wildcard,
        12..24 => return Pattern::Binding,
        24..32 if depth < 3 => {
            let count = 2 + random.below(2);
            return Pattern::or(
                (0..count)
                    .map(|_| random_pattern(random, pattern_type, enums, depth + 1))
                    .collect(),
            );
        }
        _ => {}
    }
    match pattern_type {
        PatternType::Bool => Pattern::boolean(random.below(2) == 0),
        PatternType::Int => {
            let low = random.below(10) as i64;
            if random.below(2) == 0 {
                Pattern::int(low)
            } else {
                Pattern::int_range(low, (low + random.below(4) as i64).min(9))
            }
        }
        PatternType::Optional(inner) => match random.below(10) {
            0..3 => Pattern::nil(),
            3 => Pattern::constructor(Constructor::Some, vec![random_pattern(random, inner, enums, depth + 1)]),
            _ => loop {
                // A pattern of the inner type, but not a wildcard or name: those mean
                // something else at the optional position.
                let inside = random_pattern(random, inner, enums, depth);
                if !inside.is_wildcard() {
                    break inside;
                }
            },
        },
        PatternType::Enum(key) => {
            let variants = enums.variants(*key);
            let index = random.below(variants.len() as u64) as usize;
            let fields = variants[index]
                .fields
                .iter()
                .map(|field_type| random_pattern(random, field_type, enums, depth + 1))
                .collect();
            Pattern::variant(index, fields)
        }
        PatternType::Str | PatternType::Opaque => Pattern::Wildcard,
    }
}

#[test]
fn random_matches_agree_with_brute_force() {
    let (enums, types) = small_types();
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut exhaustive_count = 0;
    let mut unreachable_count = 0;
    for case in 0..3000 {
        let scrutinee_type = &types[case % types.len()];
        let arm_count = 1 + random.below(6) as usize;
        let arms: Vec<Arm> = (0..arm_count)
            .map(|_| Arm {
                pattern: random_pattern(&mut random, scrutinee_type, &enums, 0),
                has_guard: random.below(5) == 0,
            })
            .collect();
        let report = check_match(scrutinee_type, &arms, &enums);

        let extended = values(scrutinee_type, &enums, true);
        let expected_unreachable: Vec<usize> = (0..arms.len())
            .filter(|&index| {
                !extended.iter().any(|value| {
                    matches(&arms[index].pattern, scrutinee_type, value, &enums)
                        && !arms[..index].iter().any(|earlier| {
                            !earlier.has_guard && matches(&earlier.pattern, scrutinee_type, value, &enums)
                        })
                })
            })
            .collect();
        assert_eq!(report.unreachable_arms, expected_unreachable, "case {case}: {arms:?}");
        unreachable_count += expected_unreachable.len();

        let declared = values(scrutinee_type, &enums, false);
        let unguarded: Vec<&Arm> = arms.iter().filter(|arm| !arm.has_guard).collect();
        let missed = |value: &Value| {
            !unguarded
                .iter()
                .any(|arm| matches(&arm.pattern, scrutinee_type, value, &enums))
        };
        let exhaustive = !declared.iter().any(&missed);
        assert_eq!(report.missing.is_none(), exhaustive, "case {case}: {arms:?} {report:?}");
        exhaustive_count += usize::from(exhaustive);

        // The witness itself must stand for at least one value that every arm misses.
        let normalized: Vec<Pattern> = unguarded
            .iter()
            .map(|arm| normalize(&arm.pattern, scrutinee_type, &enums))
            .collect();
        let rows: Vec<Row> = normalized.iter().map(|pattern| vec![pattern]).collect();
        let witness = Usefulness::new(&enums, EnumCoverage::DeclaredVariantsOnly).find_witness(
            &rows,
            &[&WILDCARD],
            &[scrutinee_type],
        );
        if let Some(witness) = witness {
            let stands_for_a_miss = declared
                .iter()
                .any(|value| matches(&witness[0], scrutinee_type, value, &enums) && missed(value));
            assert!(stands_for_a_miss, "case {case}: witness {witness:?} for {arms:?}");
        }
    }
    // The random matches must exercise both outcomes, or the comparison proves little.
    assert!(exhaustive_count > 300, "only {exhaustive_count} exhaustive matches");
    assert!(unreachable_count > 300, "only {unreachable_count} unreachable arms");
}
