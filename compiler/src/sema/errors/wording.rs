//! The wording rules of the checker's messages: quoting, articles, and the one "did you
//! mean" rule (edit distance) behind every such hint.

/// `name` in backticks, or `fallback` when there is no name to show.
pub(super) fn quoted_or(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        format!("`{name}`")
    }
}

/// "a" or "an" before a type as displayed, for messages like "an `int` is never `nil`": "an"
/// before a vowel (`int`, `Item`), "a" otherwise (`float`, `[int]`, `?int`). It goes by the
/// spelling, which is right for every built-in type and most struct names.
pub(super) fn indefinite_article(shown: &str) -> &'static str {
    match shown.chars().next() {
        Some(first) if "aeiouAEIOU".contains(first) => "an",
        _ => "a",
    }
}

/// The help "did you mean `X`?" when one of `candidates` is close enough to `name` to be a
/// likely typo. Every such hint of the checker goes through here.
pub(super) fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    did_you_mean_qualified("", name, candidates)
}

/// Like [`did_you_mean`], with `qualifier` written before the suggestion (`module.`).
pub(super) fn did_you_mean_qualified<'a>(
    qualifier: &str,
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|suggestion| format!("did you mean `{qualifier}{suggestion}`?"))
}

/// The candidate closest to `name` by edit distance, if it is close enough to be a likely
/// typo.
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(1);
    candidates
        .filter(|candidate| *candidate != name && !candidate.starts_with("__"))
        // An edit distance is at least the difference of the lengths.
        .filter(|candidate| candidate.chars().count().abs_diff(length) <= limit)
        .map(|candidate| (edit_distance(name, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, candidate)| (*distance, *candidate))
        .map(|(_, candidate)| candidate)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}
