//! Where the front end's time goes: with `LANG_CHECK_TIMES=1`, a check prints the time of
//! each stage (lexing, parsing, collecting items, checking bodies...) to stderr, summed over
//! the files of the program. Used to profile `lang check` of large programs
//! (bench/results/front-end.md) without a profiler; when the variable is not set,
//! measuring costs one load of a flag.

use std::cell::Cell;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The stages of a check, in the order they run.
#[derive(Clone, Copy, Debug)]
pub enum Stage {
    Lex,
    Habits,
    Parse,
    /// Reading files and the bookkeeping of module loading, without lexing and parsing.
    Load,
    CollectItems,
    ResolveSignatures,
    /// Struct cycles and the enum table.
    Tables,
    Bodies,
    /// `main`'s check and the numbering of closures.
    Finish,
    Interfaces,
}

const STAGES: [(Stage, &str); 10] = [
    (Stage::Lex, "lex"),
    (Stage::Habits, "habits"),
    (Stage::Parse, "parse"),
    (Stage::Load, "load (other)"),
    (Stage::CollectItems, "collect items"),
    (Stage::ResolveSignatures, "resolve signatures"),
    (Stage::Tables, "struct cycles, enum table"),
    (Stage::Bodies, "check bodies"),
    (Stage::Finish, "main, closures"),
    (Stage::Interfaces, "interfaces"),
];

/// The time of each stage, in the order of [`Stage`].
pub type Totals = [Duration; STAGES.len()];

thread_local! {
    static TOTALS: Cell<Totals> = const { Cell::new([Duration::ZERO; STAGES.len()]) };
}

/// Whether `LANG_CHECK_TIMES` asks for the times (read once per process).
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("LANG_CHECK_TIMES").is_some_and(|value| !value.is_empty() && value != "0"))
}

/// Runs `work`, adding its time to `stage` when times are asked for.
pub fn measure<T>(stage: Stage, work: impl FnOnce() -> T) -> T {
    if !enabled() {
        return work();
    }
    let start = Instant::now();
    let result = work();
    add(stage, start.elapsed());
    result
}

/// Adds `elapsed` to `stage`.
pub fn add(stage: Stage, elapsed: Duration) {
    TOTALS.with(|totals| {
        let mut values = totals.get();
        values[stage as usize] += elapsed;
        totals.set(values);
    });
}

/// The times gathered on this thread so far, which start over: a thread that parsed modules
/// for the loader hands them back this way.
pub fn take_totals() -> Totals {
    TOTALS.with(|totals| totals.replace([Duration::ZERO; STAGES.len()]))
}

/// Adds `more` to this thread's times.
pub fn add_totals(more: Totals) {
    TOTALS.with(|totals| {
        let mut values = totals.get();
        add_to(&mut values, more);
        totals.set(values);
    });
}

/// Adds `more` to `totals`, stage by stage.
pub fn add_to(totals: &mut Totals, more: Totals) {
    for (total, extra) in totals.iter_mut().zip(more) {
        *total += extra;
    }
}

/// Prints the times gathered on this thread since the last report to stderr, and starts
/// over. `Load` is given as a total including lexing and parsing; the other stages are
/// subtracted from it. When several threads parsed, lexing, habits and parsing are their
/// times summed over the threads (CPU time), and `Load` is what remains of its wall time, if
/// anything.
pub fn report() {
    if !enabled() {
        return;
    }
    let mut values = take_totals();
    let inner = values[Stage::Lex as usize] + values[Stage::Habits as usize] + values[Stage::Parse as usize];
    values[Stage::Load as usize] = values[Stage::Load as usize].saturating_sub(inner);
    let total: Duration = values.iter().sum();
    for (stage, name) in STAGES {
        eprintln!(
            "[check] {name:<26} {:>8.1} ms",
            values[stage as usize].as_secs_f64() * 1000.0
        );
    }
    eprintln!("[check] {:<26} {:>8.1} ms", "total", total.as_secs_f64() * 1000.0);
}
