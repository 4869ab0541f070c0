//! The match checker on large matches: a thousand arms, hundreds of variants, large
//! alternatives and wide payloads get the right answer. (No timings here: speed is measured
//! in `bench/`, never by timed tests; a blow-up would show as a test that never ends.)

use super::tests::{arms, check, check_plain, name, report, wild};
use super::*;

#[test]
fn thousand_int_literal_arms_are_checked() {
    let mut patterns: Vec<Pattern> = (0..1000).map(Pattern::int).collect();
    patterns.push(Pattern::int(500));
    patterns.push(Pattern::int_range(0, 999));
    patterns.push(Pattern::int_range(-10, 2000));
    let result = check_plain(PatternType::Int, patterns);
    assert_eq!(result, report(&[1000, 1001], Some("_")));
}

#[test]
fn two_hundred_variants_are_checked() {
    let mut enums = EnumTable::new();
    let variants = (0..200)
        .map(|index| VariantDescription::new(&format!("V{index}"), vec![PatternType::Bool]))
        .collect();
    let key = enums.add("Many", variants);
    let many = PatternType::Enum(key);
    let mut patterns: Vec<Pattern> = (0..200)
        .map(|index| Pattern::variant(index, vec![Pattern::boolean(true)]))
        .collect();
    patterns.extend((0..199).map(|index| Pattern::variant(index, vec![Pattern::boolean(false)])));
    patterns.push(Pattern::variant(7, vec![wild()]));
    let result = check(&many, &arms(patterns), &enums);
    assert_eq!(result, report(&[399], Some(".V199(false)")));
}

#[test]
fn large_or_pattern_hides_every_later_literal() {
    let mut patterns = vec![Pattern::or((0..1000).map(Pattern::int).collect())];
    patterns.extend((0..1000).map(Pattern::int));
    patterns.push(Pattern::int(1000));
    patterns.push(wild());
    let result = check_plain(PatternType::Int, patterns);
    assert_eq!(result, report(&(1..=1000).collect::<Vec<usize>>(), None));
}

#[test]
fn alternatives_in_many_payload_fields_are_checked() {
    let mut enums = EnumTable::new();
    let key = enums.add(
        "Flags",
        vec![VariantDescription::new("Set", vec![PatternType::Bool; 8])],
    );
    let flags = PatternType::Enum(key);
    let either = || Pattern::or(vec![Pattern::boolean(true), Pattern::boolean(false)]);
    let every = Pattern::variant(0, (0..8).map(|_| either()).collect());
    let mut last_false = vec![wild(); 7];
    last_false.push(Pattern::boolean(false));
    let result = check(
        &flags,
        &arms(vec![every.clone(), every, Pattern::variant(0, last_false)]),
        &enums,
    );
    assert_eq!(result, report(&[1, 2], None));
}

#[test]
fn two_hundred_recursive_variants_are_checked() {
    let mut enums = EnumTable::new();
    let key = enums.declare("Tree");
    let tree = PatternType::Enum(key);
    let variants = (0..200)
        .map(|index| VariantDescription::new(&format!("T{index}"), vec![tree.clone(), tree.clone()]))
        .collect();
    enums.define_variants(key, variants);
    let leaf_or_any =
        |index: usize| Pattern::variant(index, vec![Pattern::variant(index, vec![wild(), wild()]), wild()]);
    let mut patterns: Vec<Pattern> = (0..200).map(leaf_or_any).collect();
    patterns.extend((0..200).map(|index| Pattern::variant(index, vec![name(), wild()])));
    let result = check(&tree, &arms(patterns.clone()), &enums);
    assert_eq!(result, report(&[], None));
    patterns.remove(399);
    patterns.remove(199);
    assert_eq!(check(&tree, &arms(patterns), &enums), report(&[], Some(".T199(_, _)")));
}

#[test]
fn each_arm_testing_one_field_of_many_is_checked() {
    // Arm i tests field i for `true`, arm 24+i for `false`: only the first `false` arm adds
    // anything, and the search must not try every combination of the 24 fields to see that.
    let mut enums = EnumTable::new();
    let key = enums.add(
        "Wide",
        vec![VariantDescription::new("Row", vec![PatternType::Bool; 24])],
    );
    let wide = PatternType::Enum(key);
    let testing = |position: usize, value: bool| {
        let mut fields = vec![wild(); 24];
        fields[position] = Pattern::boolean(value);
        Pattern::variant(0, fields)
    };
    let mut patterns: Vec<Pattern> = (0..24).map(|position| testing(position, true)).collect();
    patterns.extend((0..24).map(|position| testing(position, false)));
    let result = check(&wide, &arms(patterns), &enums);
    assert_eq!(result, report(&(25..48).collect::<Vec<usize>>(), None));
}
