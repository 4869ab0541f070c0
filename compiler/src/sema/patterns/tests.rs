//! Unit tests of the match checker: coverage of each kind of type, nesting, guards,
//! alternatives, ranges, the enum wildcard rule and witness texts. The helpers here build the
//! enums and patterns that `large_match_tests` uses too.

use super::witness::witness_text;
use super::*;

const CIRCLE: usize = 0;
const RECT: usize = 1;
const EMPTY: usize = 2;

const NUM: usize = 0;
const ADD: usize = 1;
const NEG: usize = 2;

/// `enum Shape { Circle(radius: float), Rect(w: float, h: float), Empty }`
fn shape() -> (EnumTable, PatternType) {
    let mut enums = EnumTable::new();
    let key = enums.add(
        "Shape",
        vec![
            VariantDescription::new("Circle", vec![PatternType::Opaque]),
            VariantDescription::new("Rect", vec![PatternType::Opaque, PatternType::Opaque]),
            VariantDescription::new("Empty", vec![]),
        ],
    );
    (enums, PatternType::Enum(key))
}

/// `enum Expr { Num(value: float), Add(left: Expr, right: Expr), Neg(inner: Expr) }`
fn expr() -> (EnumTable, PatternType) {
    let mut enums = EnumTable::new();
    let key = enums.declare("Expr");
    let expr = PatternType::Enum(key);
    enums.define_variants(
        key,
        vec![
            VariantDescription::new("Num", vec![PatternType::Opaque]),
            VariantDescription::new("Add", vec![expr.clone(), expr.clone()]),
            VariantDescription::new("Neg", vec![expr.clone()]),
        ],
    );
    (enums, expr)
}

/// `enum Pair { Both(first: bool, second: bool) }`
fn pair() -> (EnumTable, PatternType) {
    let mut enums = EnumTable::new();
    let key = enums.add(
        "Pair",
        vec![VariantDescription::new(
            "Both",
            vec![PatternType::Bool, PatternType::Bool],
        )],
    );
    (enums, PatternType::Enum(key))
}

pub(super) fn wild() -> Pattern {
    Pattern::Wildcard
}

pub(super) fn name() -> Pattern {
    Pattern::Binding
}

fn circle() -> Pattern {
    Pattern::variant(CIRCLE, vec![wild()])
}

fn rect() -> Pattern {
    Pattern::variant(RECT, vec![wild(), wild()])
}

fn empty() -> Pattern {
    Pattern::variant(EMPTY, vec![])
}

fn num() -> Pattern {
    Pattern::variant(NUM, vec![wild()])
}

fn add(left: Pattern, right: Pattern) -> Pattern {
    Pattern::variant(ADD, vec![left, right])
}

fn neg(inner: Pattern) -> Pattern {
    Pattern::variant(NEG, vec![inner])
}

fn both(first: Pattern, second: Pattern) -> Pattern {
    Pattern::variant(0, vec![first, second])
}

pub(super) fn arms(patterns: Vec<Pattern>) -> Vec<Arm> {
    patterns.into_iter().map(Arm::new).collect()
}

pub(super) fn check(scrutinee_type: &PatternType, arms: &[Arm], enums: &EnumTable) -> MatchReport {
    check_match(scrutinee_type, arms, enums)
}

/// The report of a match without guards over a type that names no enum.
pub(super) fn check_plain(scrutinee_type: PatternType, patterns: Vec<Pattern>) -> MatchReport {
    check(&scrutinee_type, &arms(patterns), &EnumTable::new())
}

pub(super) fn report(unreachable_arms: &[usize], missing: Option<&str>) -> MatchReport {
    MatchReport {
        unreachable_arms: unreachable_arms.to_vec(),
        missing: missing.map(str::to_string),
    }
}

// ---- bool

#[test]
fn bool_is_covered_by_true_and_false() {
    let result = check_plain(PatternType::Bool, vec![Pattern::boolean(true), Pattern::boolean(false)]);
    assert_eq!(result, report(&[], None));
}

#[test]
fn bool_with_only_true_misses_false() {
    let result = check_plain(PatternType::Bool, vec![Pattern::boolean(true)]);
    assert_eq!(result, report(&[], Some("false")));
}

#[test]
fn bool_with_only_false_misses_true() {
    let result = check_plain(PatternType::Bool, vec![Pattern::boolean(false)]);
    assert_eq!(result, report(&[], Some("true")));
}

#[test]
fn a_match_without_unguarded_arms_names_the_first_value_of_the_type() {
    assert_eq!(check_plain(PatternType::Bool, vec![]), report(&[], Some("false")));
    assert_eq!(check_plain(PatternType::Int, vec![]), report(&[], Some("_")));
    assert_eq!(
        check_plain(PatternType::optional(PatternType::Int), vec![]),
        report(&[], Some("nil"))
    );
    let (enums, shape) = shape();
    assert_eq!(check(&shape, &[], &enums), report(&[], Some(".Circle(_)")));
    assert_eq!(
        check(&shape, &[Arm::guarded(rect())], &enums),
        report(&[], Some(".Circle(_)"))
    );
}

#[test]
fn inside_a_payload_a_position_no_arm_takes_apart_is_written_as_a_wildcard() {
    let (enums, pair) = pair();
    let result = check(
        &pair,
        &arms(vec![Pattern::variant(0, vec![Pattern::boolean(true), wild()])]),
        &enums,
    );
    assert_eq!(result, report(&[], Some(".Both(false, _)")));
}

#[test]
fn wildcard_after_true_and_false_is_unreachable() {
    let result = check_plain(
        PatternType::Bool,
        vec![Pattern::boolean(true), Pattern::boolean(false), wild()],
    );
    assert_eq!(result, report(&[2], None));
}

#[test]
fn repeated_bool_literal_is_unreachable() {
    let result = check_plain(
        PatternType::Bool,
        vec![Pattern::boolean(true), Pattern::boolean(true), name()],
    );
    assert_eq!(result, report(&[1], None));
}

// ---- int and str

#[test]
fn int_literals_never_cover_int() {
    let result = check_plain(
        PatternType::Int,
        vec![Pattern::int(0), Pattern::int(1), Pattern::int(2)],
    );
    assert_eq!(result, report(&[], Some("_")));
}

#[test]
fn int_is_covered_by_a_name_after_literals() {
    let result = check_plain(PatternType::Int, vec![Pattern::int(0), Pattern::int(1), name()]);
    assert_eq!(result, report(&[], None));
}

#[test]
fn repeated_int_literal_is_unreachable() {
    let result = check_plain(
        PatternType::Int,
        vec![Pattern::int(7), Pattern::int(-7), Pattern::int(7), wild()],
    );
    assert_eq!(result, report(&[2], None));
}

#[test]
fn overlapping_ranges_are_split_so_a_covered_literal_is_unreachable() {
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int_range(0, 5),
            Pattern::int_range(3, 9),
            Pattern::int(3),
            wild(),
        ],
    );
    assert_eq!(result, report(&[2], None));
}

#[test]
fn range_covered_only_by_two_earlier_ranges_together_is_unreachable() {
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int_range(0, 4),
            Pattern::int_range(5, 9),
            Pattern::int_range(2, 7),
            Pattern::int(10),
        ],
    );
    assert_eq!(result, report(&[2], Some("_")));
}

#[test]
fn range_reaching_past_earlier_ranges_is_reachable() {
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int_range(0, 4),
            Pattern::int_range(6, 9),
            Pattern::int_range(2, 7),
            wild(),
        ],
    );
    assert_eq!(result, report(&[], None));
}

#[test]
fn ranges_over_every_int_still_need_a_catch_all_and_do_not_hide_it() {
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int_range(i64::MIN, 0),
            Pattern::int_range(1, i64::MAX),
            Pattern::int(i64::MAX),
        ],
    );
    assert_eq!(result, report(&[2], Some("_")));
    let with_catch_all = check_plain(
        PatternType::Int,
        vec![Pattern::int_range(i64::MIN, 0), Pattern::int_range(1, i64::MAX), wild()],
    );
    assert_eq!(with_catch_all, report(&[], None));
}

#[test]
fn negative_literals_and_character_literals_are_int_points() {
    let a = i64::from(u32::from('a'));
    let z = i64::from(u32::from('z'));
    let q = i64::from(u32::from('q'));
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int_range(a, z),
            Pattern::int(q),
            Pattern::int_range(-5, -1),
            Pattern::int(-3),
            wild(),
        ],
    );
    assert_eq!(result, report(&[1, 3], None));
}

#[test]
fn str_literals_never_cover_str_and_repeats_are_unreachable() {
    let result = check_plain(
        PatternType::Str,
        vec![
            Pattern::string("north"),
            Pattern::string("south"),
            Pattern::string("north"),
        ],
    );
    assert_eq!(result, report(&[2], Some("_")));
}

#[test]
fn opaque_types_are_covered_by_a_name_and_nothing_after_it_runs() {
    let result = check_plain(PatternType::Opaque, vec![name(), wild()]);
    assert_eq!(result, report(&[1], None));
}

// ---- optionals

#[test]
fn optional_is_covered_by_nil_and_a_name() {
    let result = check_plain(PatternType::optional(PatternType::Int), vec![Pattern::nil(), name()]);
    assert_eq!(result, report(&[], None));
}

#[test]
fn a_name_on_an_optional_does_not_match_nil() {
    let result = check_plain(PatternType::optional(PatternType::Int), vec![name()]);
    assert_eq!(result, report(&[], Some("nil")));
    let nil_after_name = check_plain(PatternType::optional(PatternType::Int), vec![name(), Pattern::nil()]);
    assert_eq!(nil_after_name, report(&[], None));
}

#[test]
fn optional_with_only_nil_misses_a_value() {
    let result = check_plain(PatternType::optional(PatternType::Int), vec![Pattern::nil()]);
    assert_eq!(result, report(&[], Some("_")));
}

#[test]
fn wildcard_after_nil_and_name_is_unreachable_and_nil_after_wildcard_too() {
    let optional = PatternType::optional(PatternType::Int);
    assert_eq!(
        check_plain(optional.clone(), vec![Pattern::nil(), name(), wild()]),
        report(&[2], None)
    );
    assert_eq!(check_plain(optional, vec![wild(), Pattern::nil()]), report(&[1], None));
}

#[test]
fn patterns_of_the_inner_type_match_only_non_nil_values() {
    let optional_bool = PatternType::optional(PatternType::Bool);
    let result = check_plain(optional_bool.clone(), vec![Pattern::nil(), Pattern::boolean(true)]);
    assert_eq!(result, report(&[], Some("false")));
    let covered = check_plain(
        optional_bool,
        vec![Pattern::boolean(true), Pattern::boolean(false), Pattern::nil()],
    );
    assert_eq!(covered, report(&[], None));
}

#[test]
fn optional_enum_names_the_missing_variant() {
    let (enums, shape) = shape();
    let optional_shape = PatternType::optional(shape);
    let result = check(&optional_shape, &arms(vec![Pattern::nil(), circle(), empty()]), &enums);
    assert_eq!(result, report(&[], Some(".Rect(_, _)")));
    let without_nil = check(&optional_shape, &arms(vec![circle(), rect(), empty()]), &enums);
    assert_eq!(without_nil, report(&[], Some("nil")));
}

#[test]
fn optional_payload_field_takes_nil_and_a_name() {
    let mut enums = EnumTable::new();
    let key = enums.declare("List");
    let list = PatternType::Enum(key);
    enums.define_variants(
        key,
        vec![VariantDescription::new(
            "Node",
            vec![PatternType::Int, PatternType::optional(list.clone())],
        )],
    );
    let node = |next: Pattern| Pattern::variant(0, vec![wild(), next]);
    assert_eq!(
        check(&list, &arms(vec![node(Pattern::nil()), node(name())]), &enums),
        report(&[], None)
    );
    assert_eq!(
        check(&list, &arms(vec![node(Pattern::nil())]), &enums),
        report(&[], Some(".Node(_, _)"))
    );
    assert_eq!(
        check(&list, &arms(vec![node(name())]), &enums),
        report(&[], Some(".Node(_, nil)"))
    );
}

// ---- enums

#[test]
fn enum_is_covered_by_naming_every_variant() {
    let (enums, shape) = shape();
    assert_eq!(
        check(&shape, &arms(vec![circle(), rect(), empty()]), &enums),
        report(&[], None)
    );
}

#[test]
fn missing_variant_with_payload_is_named_with_wildcards() {
    let (enums, shape) = shape();
    assert_eq!(
        check(&shape, &arms(vec![circle(), empty()]), &enums),
        report(&[], Some(".Rect(_, _)"))
    );
    assert_eq!(
        check(&shape, &arms(vec![rect(), empty()]), &enums),
        report(&[], Some(".Circle(_)"))
    );
}

#[test]
fn missing_variant_without_payload_is_named_bare() {
    let (enums, shape) = shape();
    assert_eq!(
        check(&shape, &arms(vec![circle(), rect()]), &enums),
        report(&[], Some(".Empty"))
    );
}

#[test]
fn wildcard_or_name_after_every_variant_is_not_unreachable() {
    let (enums, shape) = shape();
    let with_wildcard = check(&shape, &arms(vec![circle(), rect(), empty(), wild()]), &enums);
    assert_eq!(with_wildcard, report(&[], None));
    let with_name = check(&shape, &arms(vec![empty(), rect(), circle(), name()]), &enums);
    assert_eq!(with_name, report(&[], None));
}

#[test]
fn second_catch_all_on_an_enum_is_unreachable() {
    let (enums, shape) = shape();
    let result = check(&shape, &arms(vec![circle(), rect(), empty(), wild(), name()]), &enums);
    assert_eq!(result, report(&[4], None));
}

#[test]
fn variant_after_a_catch_all_or_after_itself_is_unreachable() {
    let (enums, shape) = shape();
    assert_eq!(
        check(&shape, &arms(vec![circle(), wild(), rect()]), &enums),
        report(&[2], None)
    );
    assert_eq!(
        check(&shape, &arms(vec![circle(), circle(), wild()]), &enums),
        report(&[1], None)
    );
}

#[test]
fn variant_whose_payload_is_covered_by_earlier_arms_is_unreachable() {
    let (enums, pair) = pair();
    let t = Pattern::boolean(true);
    let f = Pattern::boolean(false);
    let patterns = vec![
        both(t.clone(), wild()),
        both(f.clone(), t.clone()),
        both(f, wild()),
        both(t, name()),
    ];
    assert_eq!(check(&pair, &arms(patterns), &enums), report(&[3], None));
}

// ---- nesting

#[test]
fn nested_missing_variant_is_named_inside_its_parent() {
    let (enums, expr) = expr();
    let patterns = vec![num(), add(add(wild(), wild()), wild()), neg(wild())];
    assert_eq!(
        check(&expr, &arms(patterns), &enums),
        report(&[], Some(".Add(.Num(_), _)"))
    );
    let patterns = vec![num(), add(num(), wild()), neg(wild())];
    assert_eq!(
        check(&expr, &arms(patterns), &enums),
        report(&[], Some(".Add(.Add(_, _), _)"))
    );
}

#[test]
fn nested_arm_covered_by_an_earlier_wider_arm_is_unreachable() {
    let (enums, expr) = expr();
    let patterns = vec![add(wild(), wild()), add(num(), neg(wild())), num(), neg(wild())];
    assert_eq!(check(&expr, &arms(patterns), &enums), report(&[1], None));
}

#[test]
fn nested_wildcard_after_every_variant_at_that_position_is_not_unreachable() {
    let (enums, expr) = expr();
    let patterns = vec![
        add(num(), wild()),
        add(add(wild(), wild()), wild()),
        add(neg(wild()), wild()),
        add(wild(), wild()),
        num(),
        neg(wild()),
    ];
    assert_eq!(check(&expr, &arms(patterns), &enums), report(&[], None));
}

#[test]
fn deeply_nested_patterns_are_checked() {
    let (enums, expr) = expr();
    let mut deep = num();
    for _ in 0..250 {
        deep = neg(deep);
    }
    let result = check(&expr, &arms(vec![deep.clone(), deep, wild()]), &enums);
    assert_eq!(result, report(&[1], None));
}

// ---- guards

#[test]
fn guarded_arm_counts_for_nothing_toward_exhaustiveness() {
    let (enums, shape) = shape();
    let arms = vec![Arm::guarded(circle()), Arm::new(rect()), Arm::new(empty())];
    assert_eq!(check(&shape, &arms, &enums), report(&[], Some(".Circle(_)")));
}

#[test]
fn guarded_arm_does_not_hide_a_later_arm() {
    let (enums, shape) = shape();
    let arms = vec![
        Arm::guarded(circle()),
        Arm::new(circle()),
        Arm::guarded(wild()),
        Arm::new(rect()),
        Arm::new(empty()),
    ];
    assert_eq!(check(&shape, &arms, &enums), report(&[], None));
}

#[test]
fn guarded_arm_covered_by_earlier_unguarded_arms_is_unreachable() {
    let arms = vec![
        Arm::new(Pattern::int(1)),
        Arm::new(wild()),
        Arm::guarded(Pattern::int(2)),
    ];
    assert_eq!(check(&PatternType::Int, &arms, &EnumTable::new()), report(&[2], None));
}

// ---- alternatives

#[test]
fn alternative_covered_by_an_earlier_alternative_is_unreachable() {
    let one_two_three = Pattern::or(vec![Pattern::int(1), Pattern::int(2), Pattern::int(3)]);
    let result = check_plain(PatternType::Int, vec![one_two_three, Pattern::int(2), wild()]);
    assert_eq!(result, report(&[1], None));
}

#[test]
fn arm_with_one_reachable_alternative_is_not_reported() {
    let result = check_plain(
        PatternType::Int,
        vec![
            Pattern::int(1),
            Pattern::or(vec![Pattern::int(1), Pattern::int(2)]),
            wild(),
        ],
    );
    assert_eq!(result, report(&[], None));
    let covered = check_plain(
        PatternType::Int,
        vec![
            Pattern::int(1),
            Pattern::int(2),
            Pattern::or(vec![Pattern::int(1), Pattern::int(2)]),
            wild(),
        ],
    );
    assert_eq!(covered, report(&[2], None));
}

#[test]
fn alternatives_of_variants_cover_an_enum() {
    let (enums, shape) = shape();
    let result = check(
        &shape,
        &arms(vec![Pattern::or(vec![circle(), empty()]), rect()]),
        &enums,
    );
    assert_eq!(result, report(&[], None));
    let missing = check(&shape, &arms(vec![Pattern::or(vec![circle(), empty()])]), &enums);
    assert_eq!(missing, report(&[], Some(".Rect(_, _)")));
}

#[test]
fn nested_alternatives_inside_payloads() {
    let (enums, pair) = pair();
    let t = Pattern::boolean(true);
    let f = Pattern::boolean(false);
    let either = Pattern::or(vec![t.clone(), f.clone()]);
    let covered = vec![both(either.clone(), t.clone()), both(wild(), f.clone())];
    assert_eq!(check(&pair, &arms(covered), &enums), report(&[], None));
    let missing = vec![both(t.clone(), wild()), both(wild(), t.clone())];
    assert_eq!(
        check(&pair, &arms(missing), &enums),
        report(&[], Some(".Both(false, false)"))
    );
    let unreachable = vec![
        both(t.clone(), wild()),
        both(f.clone(), wild()),
        both(either, Pattern::or(vec![t, f])),
    ];
    assert_eq!(check(&pair, &arms(unreachable), &enums), report(&[2], None));
}

#[test]
fn nil_among_alternatives_on_an_optional() {
    let optional = PatternType::optional(PatternType::Int);
    let result = check_plain(
        optional.clone(),
        vec![Pattern::or(vec![Pattern::nil(), Pattern::int(0)]), name()],
    );
    assert_eq!(result, report(&[], None));
    let missing = check_plain(optional, vec![Pattern::or(vec![Pattern::nil(), Pattern::int(0)])]);
    assert_eq!(missing, report(&[], Some("_")));
}

// ---- witness text and the small helpers

#[test]
fn witness_text_writes_literals_as_lang_source() {
    let enums = EnumTable::new();
    assert_eq!(
        witness_text(&Pattern::int_range(-3, 4), &PatternType::Int, &enums),
        "-3..=4"
    );
    assert_eq!(witness_text(&Pattern::int(-9), &PatternType::Int, &enums), "-9");
    let text = witness_text(&Pattern::string("say \"hi\" {x}\n\\"), &PatternType::Str, &enums);
    assert_eq!(text, r#""say \"hi\" \{x\}\n\\""#);
    assert_eq!(
        witness_text(&Pattern::nil(), &PatternType::optional(PatternType::Int), &enums),
        "nil"
    );
}

#[test]
fn irrefutable_patterns_are_recognized() {
    let (enums, pair) = pair();
    assert!(is_irrefutable(&name(), &PatternType::Int, &enums));
    assert!(is_irrefutable(
        &wild(),
        &PatternType::optional(PatternType::Int),
        &enums
    ));
    assert!(!is_irrefutable(
        &name(),
        &PatternType::optional(PatternType::Int),
        &enums
    ));
    assert!(is_irrefutable(&both(wild(), name()), &pair, &enums));
    assert!(!is_irrefutable(&both(Pattern::boolean(true), wild()), &pair, &enums));
}

#[test]
fn explicit_some_and_implicit_inner_patterns_mean_the_same() {
    let optional = PatternType::optional(PatternType::Int);
    let some_seven = Pattern::constructor(Constructor::Some, vec![Pattern::int(7)]);
    let result = check_plain(optional, vec![Pattern::int(7), some_seven, Pattern::nil(), name()]);
    assert_eq!(result, report(&[1], None));
}

#[test]
fn variant_after_a_name_on_an_enum_is_unreachable() {
    let (enums, shape) = shape();
    assert_eq!(check(&shape, &arms(vec![name(), empty()]), &enums), report(&[1], None));
}

#[test]
fn wildcard_on_an_optional_enum_after_every_case_is_not_unreachable() {
    let (enums, shape) = shape();
    let optional_shape = PatternType::optional(shape);
    let patterns = vec![Pattern::nil(), circle(), rect(), empty(), wild()];
    assert_eq!(check(&optional_shape, &arms(patterns), &enums), report(&[], None));
}
