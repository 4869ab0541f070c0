//! Snapshot tests of the generated code: the Cranelift IR (CLIF) of a small program in each
//! mode (`lang run`, release builds, hot reload in the JIT and in shared libraries), so that
//! polls, guarded slot calls, cells and alias regions are checked by tests and not only by
//! benchmarks. Review a changed snapshot as carefully as a change of generated code.

mod support;

use support::{
    checked, functions_named, hot_ir, hot_ir_and_linker, hot_ir_in, jit_module, object_module, release_ir, run_ir,
};

/// A loop with a call, a module variable read, a struct field access and a call to another
/// function.
const PROGRAM: &str = "\
struct Point {
    x: float,
    y: float = 2.0,
}

var scale = 3

fn twice(n: int) -> int {
    return n * 2
}

fn sum(count: int) -> int {
    var total = 0
    for i in 0..count {
        total = total + twice(i) * scale
    }
    return total
}

fn x_of(point: Point) -> float {
    return point.x
}

fn main() {
    print(sum(10))
    print(x_of(Point { x: 1.5 }))
}
";

/// The IR of the program's own functions (`main.*`), without the entry point, setup and
/// helpers, after the program's source.
fn snapshot_text(ir: &str) -> String {
    let functions: Vec<&str> = ir
        .split("\n; ")
        .map(|function| function.trim_start_matches("; "))
        .filter(|function| function.starts_with("main.") && !function.starts_with("main.<"))
        .collect();
    format!("{PROGRAM}\n---\n; {}", functions.join("\n; "))
}

#[test]
fn run_mode() {
    let ir = run_ir(&checked(PROGRAM));
    insta::assert_snapshot!("run", snapshot_text(&ir));
}

#[test]
fn release_mode() {
    let ir = release_ir(&checked(PROGRAM));
    insta::assert_snapshot!("release", snapshot_text(&ir));
}

#[test]
fn hot_jit_mode() {
    let ir = hot_ir_in(&checked(PROGRAM), &mut jit_module(), false);
    insta::assert_snapshot!("hot_jit", snapshot_text(&ir));
}

#[test]
fn hot_library_mode() {
    let ir = hot_ir_in(&checked(PROGRAM), &mut object_module(), true);
    insta::assert_snapshot!("hot_library", snapshot_text(&ir));
}

/// A `match` on an enum (LANGUAGE.md section 9): in `lang run` it reads the tag once (the
/// immediate's upper bits, or the variant number in the payload's descriptor) and dispatches
/// with one `br_table`, not a chain of compares.
const ENUM_PROGRAM: &str = "\
enum Shape {
    Circle(radius: float),
    Rect(w: float, h: float),
    Empty,
}

fn area(s: Shape) -> float {
    return match s {
        .Circle(r) => 3.0 * r * r,
        .Rect(w, h) => w * h,
        .Empty => 0.0,
    }
}

fn main() {
    print(area(.Rect(2.0, 3.0)))
}
";

#[test]
fn enum_match_is_one_jump_table_in_run_mode() {
    let checked = checked(ENUM_PROGRAM);
    let ir = run_ir(&checked);
    let area: Vec<&str> = ir
        .split("\n; ")
        .map(|function| function.trim_start_matches("; "))
        .filter(|function| function.starts_with("main.area"))
        .collect();
    let area = area.join("\n; ");
    assert_eq!(area.matches("br_table").count(), 1, "{area}");
    assert!(!area.contains("icmp_imm eq"), "a compare chain on the tag:\n{area}");
    insta::assert_snapshot!("enum_match_run", format!("{ENUM_PROGRAM}\n---\n; {area}"));
}

/// Closures (LANGUAGE.md section 10): a call through a function value is one load of the
/// code and one indirect call with the value as the hidden last argument; a closure's body
/// loads its captures from that argument; a captured variable that is assigned lives in a
/// cell, and one no closure captures stays a plain variable.
const CLOSURE_PROGRAM: &str = "\
fn apply(f: fn(int) -> int, x: int) -> int {
    return f(x)
}

fn main() {
    var hits = 0
    let step = 3
    var plain = 0
    let bump = fn(x: int) -> int {
        hits += 1
        return x + step
    }
    for i in 0..4 {
        plain += apply(bump, i)
    }
    print(plain + hits)
}
";

#[test]
fn closure_call_is_one_indirect_call_and_captures_are_loaded_from_the_closure() {
    let checked = checked(CLOSURE_PROGRAM);
    let ir = run_ir(&checked);
    let function = |prefix: &str| -> String {
        ir.split("\n; ")
            .map(|function| function.trim_start_matches("; "))
            .filter(|function| function.starts_with(prefix))
            .collect::<Vec<_>>()
            .join("\n; ")
    };
    let apply = function("main.apply");
    assert_eq!(apply.matches("call_indirect").count(), 1, "{apply}");
    let body = function("main.<closure>");
    assert!(!body.is_empty(), "no closure body in:\n{ir}");
    let main = function("main.main");
    // The captures are read from the closure, the hidden last parameter (`v2` here).
    assert_eq!(body.matches("readonly v2+").count(), 2, "{body}");
    // One closure object made with the body's address; `hits` goes through its cell.
    assert_eq!(main.matches("func_addr").count(), 1, "{main}");
    assert!(main.contains("region0 v9+16"), "{main}");
    insta::assert_snapshot!(
        "closure_run",
        format!("{CLOSURE_PROGRAM}\n---\n; {apply}\n; {body}\n; {main}")
    );
}

/// Under hot reload a call through a function value loads the value's slot, then the code,
/// and leaves the value in the context for the stub of a removed closure.
#[test]
fn closure_call_under_hot_reload_goes_through_the_slot() {
    let checked = checked(CLOSURE_PROGRAM);
    let (ir, linker) = hot_ir_and_linker(&checked, &mut jit_module(), false);
    let apply: String = ir
        .split("\n; ")
        .map(|function| function.trim_start_matches("; "))
        .filter(|function| function.starts_with("main.apply"))
        .collect();
    // The call of `f` (after the poll's cold call of `apply` again through its own slot).
    assert_eq!(apply.matches("call_indirect").count(), 2, "{apply}");
    // The slot from the value, the value into the context, the code from the slot.
    let slot_load = apply.find("v1+16").expect("the slot is loaded from the value");
    let context_store = apply.find("v0+32").expect("the value is stored in the context");
    let call = apply.rfind("call_indirect").unwrap_or(0);
    assert!(slot_load < context_store && context_store < call, "{apply}");
    // The closure's slot is handed out under its identity.
    let handed_out = linker.handed_out();
    assert!(
        handed_out
            .iter()
            .any(|key| key.starts_with("slot main {closure #0 in fn main fn(), capturing (hits: int, step: int)}")),
        "{handed_out:?}"
    );
}

/// Bounds-check elimination (`codegen/bounds.rs`): in `for i in 0..len(xs)` whose body can
/// change no array's length, `xs[i]` has no bounds check; a body that pushes to the array or
/// calls a script function keeps it, and so does hot reload (a swap may run script code).
const BOUNDS_PROGRAM: &str = "\
fn total(xs: [int]) -> int {
    var sum = 0
    for i in 0..len(xs) {
        sum += xs[i]
        xs[i] = 0
    }
    return sum
}

fn grows(xs: [int]) -> int {
    var sum = 0
    for i in 0..len(xs) {
        sum += xs[i]
        if sum < 0 {
            xs.push(1)
        }
    }
    return sum
}

fn size(xs: [int]) -> int {
    return len(xs)
}

fn calls(xs: [int]) -> int {
    var sum = 0
    for i in 0..len(xs) {
        sum += xs[i] + size(xs)
    }
    return sum
}

fn prefix(xs: [int], n: int) -> int {
    var sum = 0
    for i in 0..n {
        sum += xs[i]
    }
    return sum
}

fn main() {
    let xs = [1, 2, 3]
    print(total(xs) + grows(xs) + calls(xs) + prefix(xs, 2))
}
";

#[test]
fn proven_index_has_no_bounds_check_in_run_mode() {
    let checked = checked(BOUNDS_PROGRAM);
    let ir = run_ir(&checked);
    // The bounds check is the one unsigned `>=` of the index and the length.
    let total = functions_named(&ir, "main.total");
    assert_eq!(total.matches("icmp uge").count(), 0, "{total}");
    let grows = functions_named(&ir, "main.grows");
    assert_eq!(grows.matches("icmp uge").count(), 1, "{grows}");
    let calls = functions_named(&ir, "main.calls");
    assert_eq!(calls.matches("icmp uge").count(), 1, "{calls}");
    // Loop versioning: `0 <= 0` and `n <= len(xs)` choose the copy without the check.
    let prefix = functions_named(&ir, "main.prefix");
    assert_eq!(prefix.matches("icmp uge").count(), 1, "{prefix}");
    assert_eq!(prefix.matches("icmp.i64 sle").count(), 1, "{prefix}");
    insta::assert_snapshot!(
        "bounds_run",
        format!("{BOUNDS_PROGRAM}\n---\n; {total}\n; {grows}\n; {calls}\n; {prefix}")
    );
}

#[test]
fn proven_index_keeps_its_bounds_check_under_hot_reload() {
    let checked = checked(BOUNDS_PROGRAM);
    let ir = hot_ir(&checked);
    let total = functions_named(&ir, "main.total");
    // (Cranelift merges the read's and the write's identical compare into one.)
    assert!(total.contains("icmp uge"), "{total}");
}

const COUNTER_PROGRAM: &str = "\
fn reverse(xs: [int], from: int, to: int) {
    var lo = from
    var hi = to
    while lo < hi {
        let t = xs[lo]
        xs[lo] = xs[hi]
        xs[hi] = t
        lo += 1
        hi -= 1
    }
}

fn strides(flags: [bool], start: int, step: int, n: int) {
    var j = start
    while j <= n {
        flags[j] = false
        j += step
    }
}

fn main() {
    let xs = [1, 2, 3]
    reverse(xs, 0, 2)
    strides([true, true, true], 0, 1, 2)
}
";

/// A counter loop (`codegen/counter_loops.rs`) is emitted twice, chosen at entry: the copy
/// for entry values that fit has no bounds check, the other keeps one per access; in release
/// builds and in hot code.
#[test]
fn counter_loop_has_a_copy_without_bounds_checks_in_release_mode() {
    let checked = checked(COUNTER_PROGRAM);
    let ir = release_ir(&checked);
    // Four accesses in the checked copy of `reverse` (Cranelift merges none: the stores
    // between them may change memory), none in the proven copy.
    let reverse = functions_named(&ir, "main.reverse");
    assert_eq!(reverse.matches(" uge ").count(), 4, "{reverse}");
    let strides = functions_named(&ir, "main.strides");
    assert_eq!(strides.matches(" uge ").count(), 1, "{strides}");
    // The entry test of `strides`: `j >= 0`, `n < len(flags)` and `step <= 2^32` unsigned.
    assert_eq!(strides.matches(" ule ").count(), 1, "{strides}");
    insta::assert_snapshot!(
        "bounds_counter_loops",
        format!("{COUNTER_PROGRAM}\n---\n; {reverse}\n; {strides}")
    );
    let hot = hot_ir(&checked);
    // Hot code versions the loop too (its proof holds between safe points, `hot_proven_loop`
    // in clif_speed.rs): the same entry test `lo >= 0` and the same loop tests `lo >= hi` (a
    // loop branches to its exit first, `codegen/conditions.rs`), but each copy's body is
    // emitted twice per poll (`codegen/hot/unrolled_loops.rs`), so two loop tests per copy and
    // the checked copy's four checks twice.
    let hot_reverse = functions_named(&hot, "main.reverse");
    assert_eq!(reverse.matches(" sge ").count(), 3, "{reverse}");
    assert_eq!(hot_reverse.matches(" sge ").count(), 5, "{hot_reverse}");
    assert_eq!(hot_reverse.matches(" uge ").count(), 8, "{hot_reverse}");
}

/// Calls of functions that cannot fail (`codegen/calls_infallible.rs`): in whole programs such
/// a function has no stack-depth check (`get_stack_pointer`) and its callers do not test the
/// status it returns; a function that divides by a variable or recurses keeps both. Hot
/// reload drops the check only in leaves (no calls, no module variables: a reload may replace
/// a callee by one that fails, or remove a variable), and tests every status but that of a
/// guarded direct call of such a leaf (`hot/calls.rs`).
const CANNOT_FAIL_PROGRAM: &str = "\
fn square(x: int) -> int {
    return x * x
}

fn halve(x: int) -> int {
    return x / 2
}

fn divide(x: int, y: int) -> int {
    return x / y
}

fn fact(n: int) -> int {
    if n < 2 {
        return 1
    }
    return n * fact(n - 1)
}

fn sum_squares(n: int) -> int {
    var total = 0
    for i in 0..n {
        total += square(i) + halve(i)
    }
    return total
}

var seed = 42

fn rnd() -> int {
    seed = seed * 16807 % 2147483647
    return seed
}

fn eval_a(i: int, j: int) -> float {
    return 1.0 / float((i + j) * (i + j + 1) / 2 + i + 1)
}

fn main() {
    print(sum_squares(3) + divide(4, 2) + fact(5) + rnd())
    print(eval_a(1, 2))
}
";

#[test]
fn calls_of_functions_that_cannot_fail_have_no_status_test_in_release_mode() {
    let checked = checked(CANNOT_FAIL_PROGRAM);
    let ir = release_ir(&checked);
    let stack_checks = |ir: &str, name: &str| functions_named(ir, name).matches("get_stack_pointer").count();
    for name in [
        "main.square",
        "main.halve",
        "main.sum_squares",
        "main.rnd",
        "main.eval_a",
    ] {
        assert_eq!(stack_checks(&ir, name), 0, "{}", functions_named(&ir, name));
    }
    for name in ["main.divide", "main.fact", "main.main"] {
        assert_eq!(stack_checks(&ir, name), 1, "{}", functions_named(&ir, name));
    }
    // `sum_squares` branches only for its loop (at entry and at the back edge): its two
    // calls' statuses are not tested.
    let sum_squares = functions_named(&ir, "main.sum_squares");
    assert_eq!(sum_squares.matches("brif").count(), 2, "{sum_squares}");
    let functions: Vec<String> = [
        "main.square",
        "main.halve",
        "main.divide",
        "main.fact",
        "main.sum_squares",
        "main.rnd",
        "main.eval_a",
    ]
    .iter()
    .map(|name| functions_named(&ir, name))
    .collect();
    insta::assert_snapshot!(
        "cannot_fail_release",
        format!("{CANNOT_FAIL_PROGRAM}\n---\n; {}", functions.join("\n; "))
    );
    let hot = hot_ir(&checked);
    for name in ["main.square", "main.halve", "main.eval_a"] {
        assert_eq!(stack_checks(&hot, name), 0, "{}", functions_named(&hot, name));
    }
    for name in ["main.sum_squares", "main.divide", "main.fact", "main.rnd"] {
        assert_eq!(stack_checks(&hot, name), 1, "{}", functions_named(&hot, name));
    }
}

/// `m[k] op= v` with a literal or a local on the right: one runtime call for the entry's
/// address (one probe), then a load and a store, instead of a read and a write call; with a
/// call on the right (which may change the map) it stays a read and a write.
const MAP_BUMP_PROGRAM: &str = "\
fn bump(counts: {str: int}, word: str) {
    counts[word] += 1
}

fn bump_by_call(counts: {str: int}, word: str) {
    counts[word] += len(counts)
}

fn main() {
    let counts = {\"a\": 1}
    bump(counts, \"a\")
    bump_by_call(counts, \"a\")
}
";

#[test]
fn map_compound_assignment_probes_once() {
    let checked = checked(MAP_BUMP_PROGRAM);
    let ir = release_ir(&checked);
    let bump = functions_named(&ir, "main.bump\n");
    let bump_by_call = functions_named(&ir, "main.bump_by_call");
    // The stack-overflow raise, the entry's address, the trace on the error path.
    assert_eq!(bump.matches("call ").count(), 3, "{bump}");
    assert!(bump.contains("store notrap aligned"), "{bump}");
    // The raise, the read, `len`, the write, the trace.
    assert_eq!(bump_by_call.matches("call ").count(), 5, "{bump_by_call}");
    insta::assert_snapshot!(
        "map_compound_assignment",
        format!("{MAP_BUMP_PROGRAM}\n---\n; {bump}\n; {bump_by_call}")
    );
}

/// Hot mode, a guarded call of a small leaf that cannot fail (spectralnorm's `eval_a`): the
/// leaf has no stack-depth check; the caller compares the slot with the leaf's code, calls it
/// directly (Cranelift inlines the copy without poll and stack-depth check) and tests no status
/// on that path; the other path calls the slot through a `preserve_all` trampoline, whose
/// status it tests, so the loop's registers survive it.
const LEAF_PROGRAM: &str = "\
fn eval_a(i: int, j: int) -> float {
    return 1.0 / float((i + j) * (i + j + 1) / 2 + i + 1)
}

fn row(i: int, n: int) -> float {
    var sum = 0.0
    for j in 0..n {
        sum += eval_a(i, j)
    }
    return sum
}

fn main() {
    print(row(1, 10))
}
";

#[test]
fn hot_guarded_call_of_a_leaf_that_cannot_fail_tests_its_status_only_through_the_slot() {
    let checked = checked(LEAF_PROGRAM);
    let ir = hot_ir(&checked);
    let leaf = functions_named(&ir, "main.eval_a");
    assert!(!leaf.contains("get_stack_pointer"), "{leaf}");
    let row = functions_named(&ir, "main.row");
    assert!(row.contains("get_stack_pointer"), "{row}");
    let trampoline = functions_named(&ir, "lang.through_slot.eval_a");
    assert!(trampoline.contains("preserve_all"), "{trampoline}");
    insta::assert_snapshot!(
        "hotgap_guarded_leaf_call",
        format!("{LEAF_PROGRAM}\n---\n; {leaf}\n; {row}\n; {trampoline}")
    );
}
