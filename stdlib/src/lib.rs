//! The standard library's `.ln` modules, embedded in the compiler so they ship inside every
//! `lang` binary and need no installation.
//!
//! A stdlib module is imported like a user module (`import math`); a file next to the importer
//! with the same name wins. Functions that need native code call intrinsics whose names start
//! with `__`; only stdlib modules may call those (see ARCHITECTURE.md).

/// Every standard-library module: its name and its source text.
pub const MODULES: &[(&str, &str)] = &[
    ("math", include_str!("../modules/math.ln")),
    ("strings", include_str!("../modules/strings.ln")),
    ("sort", include_str!("../modules/sort.ln")),
    ("io", include_str!("../modules/io.ln")),
    ("time", include_str!("../modules/time.ln")),
    ("term", include_str!("../modules/term.ln")),
    ("hmr", include_str!("../modules/hmr.ln")),
];

/// The source of the stdlib module `name`, if there is one.
pub fn module_source(name: &str) -> Option<&'static str> {
    MODULES
        .iter()
        .find(|(module, _)| *module == name)
        .map(|(_, source)| *source)
}
