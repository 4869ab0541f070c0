//! Snapshot tests of the generated code of the speed optimizations of `lang run` and release
//! builds (struct fields as alias regions of their own, loops that are one runtime call,
//! inclusive ranges proven in range), each beside its form under hot reload. Review a
//! changed snapshot as carefully as a change of generated code. (`clif.rs` has the others.)

mod support;

use lang_compiler::codegen::{CodegenOptions, translate_program};
use support::{checked, functions_named, hot_disassembly, hot_ir, object_module, options, release_disassembly};

/// Type-based alias analysis of struct fields (`codegen/memory.rs`): in `lang run` and
/// release builds each field of a struct type is its own alias region and a float field is
/// loaded and stored as a float, so Cranelift can forward `p.vy` from its store to its
/// next load across the stores to `p.x` and `p.y`; under hot reload too, where the offsets
/// are cells that only a swap (inside a call) changes.
const FIELDS_PROGRAM: &str = "\
struct Particle {
    x: float,
    y: float,
    vx: float,
    vy: float,
}

fn step(p: Particle) {
    p.vy -= 0.1
    p.x += p.vx
    p.y += p.vy
}

fn main() {
    let p = Particle { x: 0.0, y: 0.0, vx: 1.0, vy: 2.0 }
    step(p)
    print(p.y)
}
";

#[test]
fn struct_fields_are_alias_regions_of_their_own_in_release_builds() {
    let checked = checked(FIELDS_PROGRAM);
    let ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let step = functions_named(&ir, "main.step");
    // Three reads of `vy`, `vx`... each load of a field names the field's region, as a float.
    assert_eq!(step.matches("load.f64").count(), 5, "{step}");
    assert_eq!(step.matches("bitcast").count(), 0, "{step}");
    for region in ["region0", "region1", "region2", "region3"] {
        assert!(step.contains(region), "{step}");
    }
    insta::assert_snapshot!("struct_fields_release", format!("{FIELDS_PROGRAM}\n---\n; {step}"));
    // The effect: the machine code of `step` stores `vy` (at offset 40) and reads it once,
    // forwarding the stored value to `p.y += p.vy` instead of loading it again.
    if cfg!(target_arch = "x86_64") {
        let compiled = release_disassembly(&checked);
        let step_code = functions_named(&compiled, "main.step");
        assert_eq!(step_code.matches("0x28(").count(), 2, "{step_code}");
    }
    // Hot code too: a field's offset is read from its cell, but it changes only at a swap,
    // inside a call, so between calls each field is still a region of its own.
    let hot = hot_ir(&checked);
    let hot_step = functions_named(&hot, "main.step");
    assert!(hot_step.contains("region3"), "{hot_step}");
    assert_eq!(hot_step.matches("load.f64").count(), 5, "{hot_step}");
    // The handle's payload pointer (region1, offset 16) is loaded once for the six accesses:
    // the field checks between them split the body into blocks, across which Cranelift does
    // not forward the load itself (`KnownChecks::payloads`).
    assert_eq!(hot_step.matches("aligned region1 v1+16").count(), 1, "{hot_step}");
    insta::assert_snapshot!("hot_struct_fields", format!("{FIELDS_PROGRAM}\n---\n; {hot_step}"));
}

/// Loop idioms (`codegen/loop_idioms.rs`): a `for` loop whose body only pushes a literal or
/// a local becomes one call of `lang_rt_array_push_repeated` in every mode. An inclusive range holding an inner loop has
/// its `xs[i]` proven in range (loop versioning, `codegen/bounds.rs`).
const LOOP_IDIOMS_PROGRAM: &str = "\
fn sieve(n: int) -> int {
    var flags: [bool] = []
    for i in 0..=n {
        flags.push(true)
    }
    var count = 0
    for i in 2..=n {
        if flags[i] {
            count += 1
            var j = i * i
            while j <= n {
                flags[j] = false
                j += i
            }
        }
    }
    return count
}

fn main() {
    print(sieve(100))
}
";

#[test]
fn push_loop_is_one_call_and_inclusive_ranges_are_proven_in_release_builds() {
    let checked = checked(LOOP_IDIOMS_PROGRAM);
    let ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let sieve = functions_named(&ir, "main.sieve");
    // `lang_rt_array_push_repeated(ctx, array, value, first, last)` is the one runtime
    // function of five words; `lang_rt_array_push(ctx, array, value)` is not called.
    let push_repeated = "(i64, i64, i64, i64, i64) system_v";
    let push = "(i64, i64, i64) system_v";
    assert!(sieve.contains(push_repeated), "{sieve}");
    assert!(!sieve.contains(push), "{sieve}");
    insta::assert_snapshot!("loop_idioms_release", format!("{LOOP_IDIOMS_PROGRAM}\n---\n; {sieve}"));
    // Hot code makes the same call (it runs no script code and has no safe point), and
    // proves the stride loop, which holds no loop, but not the outer loop, which does.
    let hot = hot_ir(&checked);
    let hot_sieve = functions_named(&hot, "main.sieve");
    assert!(hot_sieve.contains(push_repeated), "{hot_sieve}");
    assert!(!hot_sieve.contains(push), "{hot_sieve}");
    insta::assert_snapshot!("hot_loop_idioms", format!("{LOOP_IDIOMS_PROGRAM}\n---\n; {hot_sieve}"));
}

/// Bounds proofs under hot reload (`codegen/bounds.rs`, `Target::index_proofs`): an
/// innermost loop is versioned, its proven copy reads `xs[i]` unchecked from the data
/// pointer loaded before the loop, and its poll's slow path goes on in the checked copy's
/// header (a swap may have run `on_reload`, which may have shrunk `xs`).
const HOT_PROOFS_PROGRAM: &str = "\
fn total(xs: [int]) -> int {
    var sum = 0
    for i in 0..len(xs) {
        sum += xs[i]
    }
    return sum
}

fn main() {
    print(total([1, 2, 3]))
}
";

#[test]
fn hot_proven_loops_leave_for_the_checked_copy_at_a_safe_point() {
    let checked = checked(HOT_PROOFS_PROGRAM);
    let hot = hot_ir(&checked);
    let total = functions_named(&hot, "main.total");
    // Two copies of the loop, so two polls of the interrupt flag at loop headers (plus the
    // entry's), and one bounds check: the checked copy's.
    let polls = total.matches("call fn").count();
    assert!(polls >= 3, "{total}");
    insta::assert_snapshot!("hot_proven_loop", format!("{HOT_PROOFS_PROGRAM}\n---\n; {total}"));
}

/// Doubly recursive functions (`codegen/tail_accumulation.rs`): in `lang run` and release
/// builds `return fib(n - 1) + fib(n - 2)` makes one call per iteration of a loop that
/// accumulates its results and steps `n` by 2. Under hot reload too (`hot_tail_accumulation`,
/// `codegen/hot/accumulation.rs`), as two nested loops whose inner one is the first call: the
/// inner loop's call is direct, and its back edge goes on only while the function's slot still
/// holds this version's code, else both levels finish through the slot.
const FIB_PROGRAM: &str = "\
fn fib(n: int) -> int {
    if n < 2 {
        return n
    }
    return fib(n - 1) + fib(n - 2)
}

fn main() {
    print(fib(30))
}
";

#[test]
fn release_doubly_recursive_function_becomes_a_loop_with_an_accumulator() {
    let checked = checked(FIB_PROGRAM);
    let unoptimized = CodegenOptions {
        inline: false,
        ..options()
    };
    let ir = translate_program(&checked, &mut object_module(), unoptimized)
        .unwrap()
        .ir;
    let fib = functions_named(&ir, "main.fib");
    // One call of `fib` (a script function returns its result and a status; the runtime
    // functions called on the error paths return nothing), and the back edge that steps the
    // parameter by 2.
    assert_eq!(script_calls(&fib), 1, "{fib}");
    assert!(fib.contains("iconst.i64 2"), "{fib}");
    insta::assert_snapshot!("release_tail_accumulation", format!("{FIB_PROGRAM}\n---\n; {fib}"));
}

#[test]
fn hot_doubly_recursive_function_becomes_a_loop_that_checks_the_slot_at_its_back_edge() {
    let checked = checked(FIB_PROGRAM);
    let hot = hot_ir(&checked);
    let hot_fib = functions_named(&hot, "main.fib");
    // The inner loop's call, direct; when its back edge finds another version in the slot,
    // the calls that finish the inner and the outer level through the slot; the entry poll's
    // redispatch through the slot.
    assert_eq!(script_calls(&hot_fib), 1, "{hot_fib}");
    assert_eq!(hot_fib.matches("call_indirect").count(), 3, "{hot_fib}");
    assert!(hot_fib.contains("iconst.i64 2"), "{hot_fib}");
    insta::assert_snapshot!("hot_tail_accumulation", format!("{FIB_PROGRAM}\n---\n; {hot_fib}"));
}

/// The direct calls in `ir` that return a result and a status (calls of script functions).
fn script_calls(ir: &str) -> usize {
    ir.lines()
        .filter(|line| {
            line.split_once(" = call fn")
                .is_some_and(|(results, _)| results.contains(','))
        })
        .count()
}

/// Bounds proofs across calls that cannot fail (`codegen/bounds.rs`, `calls_infallible.rs`):
/// spectralnorm's inner loop calls `eval_a`, which computes with numbers only and so can reach
/// no array; in `lang run` and release builds `v[j]` in `for j in 0..len(v)` is proven in
/// range anyway (no bounds check, the data pointer loaded once before the loop); hot code
/// versions the loop (`hot_proven_calls`).
const PROVEN_CALLS_PROGRAM: &str = "\
fn eval_a(i: int, j: int) -> float {
    return 1.0 / float((i + j) * (i + j + 1) / 2 + i + 1)
}

fn row(i: int, v: [float]) -> float {
    var sum = 0.0
    for j in 0..len(v) {
        sum += eval_a(i, j) * v[j]
    }
    return sum
}

fn main() {
    print(row(1, [1.0, 2.0]))
}
";

#[test]
fn release_bounds_proofs_hold_across_calls_that_cannot_fail() {
    let checked = checked(PROVEN_CALLS_PROGRAM);
    let ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let row = functions_named(&ir, "main.row");
    // A bounds check compares the index with the length (`icmp uge`, unsigned) and raises on the cold
    // path; the proven loop has neither.
    assert_eq!(row.matches(" uge ").count(), 0, "{row}");
    insta::assert_snapshot!("release_proven_calls", format!("{PROVEN_CALLS_PROGRAM}\n---\n; {row}"));
}

/// The same under hot reload (`hot/calls.rs`, `leaves_without_safe_points`): `eval_a` is a
/// leaf that cannot fail and holds no loop, so it has no safe point at all (no entry poll);
/// `row`'s loop is versioned, and its proven copy is entered only while `eval_a`'s slot
/// holds this version (a load and compare before the loop), calls it directly with no guard
/// (Cranelift inlines it) and reads `v[j]` unchecked. The checked copy keeps the guarded
/// call and the bounds check.
#[test]
fn hot_bounds_proofs_hold_across_calls_of_leaves_without_safe_points() {
    let checked = checked(PROVEN_CALLS_PROGRAM);
    let hot = hot_ir(&checked);
    let hot_row = functions_named(&hot, "main.row");
    // One bounds check: the checked copy's.
    assert_eq!(hot_row.matches(" uge ").count(), 1, "{hot_row}");
    let eval_a = functions_named(&hot, "main.eval_a");
    // No poll, no stack-depth check: no call at all.
    assert!(!eval_a.contains("call "), "{eval_a}");
    insta::assert_snapshot!("hot_proven_calls", format!("{PROVEN_CALLS_PROGRAM}\n---\n; {hot_row}"));
}

/// The counting idiom (`codegen/map_update.rs`): `if has(m, k) { m[k] += 1 } else { insert(m,
/// k, 1) }` with locals `m` and `k` is one runtime call (`lang_rt_map_value_slot_or_insert`,
/// one hash and one probe), then a load and a store when the key was present; written with a
/// key that is not a local it stays `has`, then the update or the insertion. Every mode: it
/// depends on nothing a reload changes.
const COUNTING_PROGRAM: &str = "\
fn count(counts: {str: int}, w: str) {
    if has(counts, w) {
        counts[w] += 1
    } else {
        insert(counts, w, 1)
    }
}

fn count_long_way(counts: {str: int}, w: str) {
    if has(counts, w + \"!\") {
        counts[w + \"!\"] += 1
    } else {
        insert(counts, w + \"!\", 1)
    }
}

fn main() {
    var counts: {str: int} = {}
    count(counts, \"a\")
    count_long_way(counts, \"a\")
}
";

#[test]
fn release_counting_idiom_is_one_map_probe() {
    let checked = checked(COUNTING_PROGRAM);
    let unoptimized = CodegenOptions {
        inline: false,
        ..options()
    };
    let ir = translate_program(&checked, &mut object_module(), unoptimized)
        .unwrap()
        .ir;
    let count = functions_named(&ir, "main.count\n");
    // The one call, and the calls of the error paths (the stack-depth check's raise, the
    // recording of the site): no `has`.
    assert_eq!(count.matches("call ").count(), 3, "{count}");
    assert!(count.contains("store notrap aligned"), "{count}");
    let long_way = functions_named(&ir, "main.count_long_way");
    assert!(long_way.matches("call ").count() > 3, "{long_way}");
    insta::assert_snapshot!("release_counting_idiom", format!("{COUNTING_PROGRAM}\n---\n; {count}"));
    let hot = hot_ir(&checked);
    let hot_count = functions_named(&hot, "main.count\n");
    assert!(hot_count.contains("store notrap aligned"), "{hot_count}");
}

/// Interpolation (`codegen/literals.rs`): every part is evaluated, its word stored in a stack
/// buffer, and one runtime call (`lang_rt_interpolate`) formats the whole line from a
/// read-only layout of kinds and specs: no string per piece, no concatenation.
const INTERPOLATION_PROGRAM: &str = "\
fn line(i: int, name: str, v: float) -> str {
    return \"{i:6} {name:<10} {v:10.3}|{true}\"
}

fn main() {
    print(line(1, \"alpha\", 2.5))
}
";

#[test]
fn release_interpolation_is_one_call() {
    let checked = checked(INTERPOLATION_PROGRAM);
    let ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let line = functions_named(&ir, "main.line");
    // The one call, and the calls of the error paths (the stack-depth check's raise, the
    // recording of the site).
    assert_eq!(line.matches("call ").count(), 3, "{line}");
    insta::assert_snapshot!(
        "release_interpolation",
        format!("{INTERPOLATION_PROGRAM}\n---\n; {line}")
    );
}

/// Cells kept in variables across loops under hot reload (`codegen/hot/cached_cells.rs`):
/// the offsets of `b.x` and `b.vx` and the value of `DT` are loaded after the entry poll and
/// after each call (here only the poll's slow path), and the loop body reads them from SSA
/// variables: the block with the arithmetic loads only the handle's payload and the fields.
/// (A `while` loop: a `for` loop reading fields is a fixed-layout loop, next test.)
const HOT_CELLS_PROGRAM: &str = "\
struct Body {
    x: float,
    vx: float,
}

let DT = 0.5

fn advance(bodies: [Body]) {
    var i = 0
    while i < len(bodies) {
        let b = bodies[i]
        b.x += b.vx * DT
        i += 1
    }
}

fn main() {
    let bodies = [Body { x: 0.0, vx: 1.0 }]
    advance(bodies)
    print(bodies[0].x)
}
";

#[test]
fn hot_loops_read_field_offsets_and_lets_from_variables() {
    let checked = checked(HOT_CELLS_PROGRAM);
    let hot = hot_ir(&checked);
    let advance = functions_named(&hot, "main.advance");
    // Cells (region0) are loaded in one block that runs each time, after the entry poll; the
    // others are cold (a poll's slow path, error paths). Nothing in the loop loads a cell.
    let warm_blocks_loading_cells: Vec<&str> = advance
        .split("\n\n")
        .filter(|block| !block.lines().next().unwrap_or_default().contains("cold"))
        .filter(|block| block.contains("aligned region0"))
        .collect();
    assert_eq!(warm_blocks_loading_cells.len(), 1, "{advance}");
    assert!(warm_blocks_loading_cells[0].contains("sequence_point"), "{advance}");
    // Of the slow paths of the two polls (each reads the poll's answer at offset 24 of the
    // context), the loop header's loads them again: a swap there may have changed them. (The
    // entry's comes before the first load.)
    let poll_slow_paths: Vec<&str> = advance
        .split("\n\n")
        .filter(|block| block.contains("v0+24") && block.contains("call fn"))
        .collect();
    assert_eq!(poll_slow_paths.len(), 2, "{advance}");
    let reloading = poll_slow_paths.iter().filter(|block| block.contains("aligned region0"));
    assert_eq!(reloading.count(), 1, "{advance}");
    // `b.x += b.vx * DT` loads `b`'s payload pointer once, not once per field access (in
    // each of the body's two copies: a small `while` body runs twice per poll).
    assert_eq!(advance.matches("aligned region1").count(), 2, "{advance}");
    insta::assert_snapshot!("hot_loop_cells", format!("{HOT_CELLS_PROGRAM}\n---\n; {advance}"));
}

/// Fixed-layout loops under hot reload (`codegen/hot/fixed_layout.rs`): the first copy of
/// `advance`'s loop, entered when the offset cells of `b.x` and `b.vx` hold the offsets
/// compiled (24 and 32) and `DT` is initialized, reads and writes the fields at those offsets
/// with no test until the call of `pause` (which may swap in a new layout). After the call,
/// `b.x` goes through its cell, and the cells are tested again: if they changed, the call
/// sets the interrupt flag (offset 16 of the context), so that the header's poll goes on in
/// the second copy, which reads every field through its cell.
const HOT_FIXED_LAYOUT_PROGRAM: &str = "\
struct Body {
    x: float,
    vx: float,
}

let DT = 0.5

fn pause(n: int) {
    var k = 0
    while k < n {
        k += 1
    }
}

fn advance(bodies: [Body]) {
    for b in bodies {
        b.x += b.vx * DT
        pause(10)
        b.x += 1.0
    }
}

fn main() {
    let bodies = [Body { x: 0.0, vx: 1.0 }]
    advance(bodies)
    print(bodies[0].x)
}
";

#[test]
fn hot_fixed_layout_loops_read_fields_at_the_offsets_compiled() {
    let checked = checked(HOT_FIXED_LAYOUT_PROGRAM);
    let hot = hot_ir(&checked);
    let advance = functions_named(&hot, "main.advance");
    // The entry test compares both cells with the offsets compiled; so does the test after
    // the call in the first copy.
    let compared_with = |offset: &str| {
        advance
            .lines()
            .filter(|line| line.contains("icmp eq") && line.ends_with(offset))
            .count()
    };
    assert_eq!(compared_with("= 24"), 2, "{advance}");
    assert_eq!(compared_with("= 32"), 2, "{advance}");
    // Only that call's cold path sets the interrupt flag.
    let flag_stores: Vec<&str> = advance
        .split("\n\n")
        .filter(|block| block.contains(", v0+16") && block.contains("store"))
        .collect();
    assert_eq!(flag_stores.len(), 1, "{advance}");
    assert!(
        flag_stores[0].lines().next().unwrap_or_default().contains("cold"),
        "{advance}"
    );
    // The first copy's fields before the call: at fixed offsets of the payload, with no sign
    // test of an offset (`icmp slt` against 0) before the call.
    assert!(advance.contains("region2 v") && advance.contains("+24"), "{advance}");
    insta::assert_snapshot!(
        "hot_fixed_layout_loop",
        format!("{HOT_FIXED_LAYOUT_PROGRAM}\n---\n; {advance}")
    );
}

/// Hot `main` polls after each statement that may run other script code (a changed `main`
/// is entered at the next statement boundary), but not after the last statement of a nested
/// block: from its end control goes straight to the next poll (`poll_follows_statement`).
/// Here the two `i = tick(i)` end the `if`'s branch and the loop's body: `main` polls at its
/// entry, at the loop's header, after the `if` and after the loop, four polls in all.
const HOT_MAIN_POLLS_PROGRAM: &str = "\
fn tick(i: int) -> int {
    return i + 1
}

fn main() {
    var i = 0
    while i < 10 {
        if i % 3 == 0 {
            i = tick(i)
        }
        i = tick(i)
    }
    print(i)
}
";

#[test]
fn hot_main_polls_once_where_statement_boundaries_meet() {
    let checked = checked(HOT_MAIN_POLLS_PROGRAM);
    let hot = hot_ir(&checked);
    let main = functions_named(&hot, "main.main");
    // Each poll's slow path reads the poll's answer at offset 24 of the context.
    let poll_slow_paths = main
        .split("\n\n")
        .filter(|block| block.contains("v0+24") && block.contains("call fn"))
        .count();
    assert_eq!(poll_slow_paths, 4, "{main}");
    insta::assert_snapshot!("hot_main_polls", format!("{HOT_MAIN_POLLS_PROGRAM}\n---\n; {main}"));
}

/// Conditions as branches (`codegen/conditions.rs`): `and` and `or` in an `if` or a loop's
/// test are jumps, not a boolean merged in a block parameter and tested again; a loop's test
/// branches to its exit first, so Cranelift hoists what the body computes from values that do
/// not change in the loop (mandelbrot's `cr`).
const CONDITIONS_PROGRAM: &str = "\
fn escape(x: int, w: int, limit: float) -> int {
    let cr = 2.0 * float(x) / float(w) - 1.5
    var zr = 0.0
    var tr = 0.0
    var i = 0
    while i < 50 and tr <= limit {
        zr = tr + cr
        tr = zr * zr
        i += 1
    }
    if i < 50 or not (tr > limit) {
        return i
    }
    return 0
}

fn main() {
    print(escape(3, 7, 4.0))
}
";

#[test]
fn conditions_are_branches_and_loop_invariants_leave_the_loop() {
    let checked = checked(CONDITIONS_PROGRAM);
    let ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let escape = functions_named(&ir, "main.escape");
    // No block takes a boolean: every test branches straight to its target.
    assert!(!escape.contains(": i8)"), "{escape}");
    insta::assert_snapshot!("conditions_release", format!("{CONDITIONS_PROGRAM}\n---\n; {escape}"));
    if cfg!(target_arch = "x86_64") {
        let compiled = release_disassembly(&checked);
        assert_division_made_before_the_loop(&functions_named(&compiled, "main.escape"));
        // Hot code too, whose loop polls at its header: the poll's error path goes straight
        // to the error exit (`hot/poll.rs`), so it does not hide the loop from Cranelift.
        assert_division_made_before_the_loop(&functions_named(&hot_disassembly(&checked), "main.escape"));
    }
    // Hot code takes the same branches.
    let hot = hot_ir(&checked);
    let hot_escape = functions_named(&hot, "main.escape");
    assert!(!hot_escape.contains(": i8)"), "{hot_escape}");
}

/// The division of `cr` is made once, before the loop: before the header that the loop's
/// back edge (the first jump after the last `tr = zr * zr`, a square) goes to.
fn assert_division_made_before_the_loop(code: &str) {
    assert_eq!(code.matches("divsd").count(), 1, "{code}");
    let lines: Vec<&str> = code.lines().map(str::trim).collect();
    let is_square = |line: &&str| {
        let operands: Vec<&str> = line
            .strip_prefix("vmulsd")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .collect();
        operands.len() == 3 && operands[0] == operands[1]
    };
    // The last square: under hot reload the body is emitted twice per poll, and the back edge
    // follows its second copy.
    let square_at = lines.iter().rposition(is_square).expect(code);
    let back_edge = lines[square_at..]
        .iter()
        .find(|line| line.starts_with("jmp"))
        .expect(code);
    let header = format!("{}:", back_edge["jmp".len()..].trim().replace("label", "block"));
    let header_at = lines.iter().position(|line| *line == header).expect(code);
    let division_at = lines.iter().position(|line| line.contains("divsd")).expect(code);
    assert!(division_at < header_at && header_at < square_at, "{code}");
}

/// A slow path that rejoins the main one branches straight to the error exit on failure
/// (`Translator::in_rejoining_cold_path`): after `push` in a loop, whose slow path grows the
/// array, a loop-invariant division is still made once, before the loop.
const PUSH_IN_LOOP_PROGRAM: &str = "\
fn collect(xs: [float], x: int, w: int, n: int) -> float {
    var total = 0.0
    var i = 0
    while i < n {
        xs.push(float(i))
        total += 2.0 * float(x) / float(w)
        i += 1
    }
    return total
}

fn main() {
    var xs: [float] = []
    print(collect(xs, 3, 7, 10))
}
";

#[test]
fn push_in_a_loop_keeps_invariants_out_of_the_loop() {
    let checked = checked(PUSH_IN_LOOP_PROGRAM);
    if cfg!(target_arch = "x86_64") {
        let compiled = release_disassembly(&checked);
        let code = functions_named(&compiled, "main.collect");
        assert_eq!(code.matches("divsd").count(), 1, "{code}");
        // No jump back to a block laid out before it (the loop's back edge, the slow path's
        // return to the loop) passes over the division.
        let lines: Vec<&str> = code.lines().map(str::trim).collect();
        for (jump_at, line) in lines.iter().enumerate() {
            let Some(target) = line.strip_prefix("jmp") else {
                continue;
            };
            let header = format!("{}:", target.trim().replace("label", "block"));
            if let Some(header_at) = lines[..jump_at].iter().position(|line| *line == header) {
                assert!(
                    !lines[header_at..jump_at].iter().any(|line| line.contains("divsd")),
                    "{code}"
                );
            }
        }
    }
}

/// Small `while` bodies without calls run twice per poll under hot reload
/// (`codegen/hot/unrolled_loops.rs`): sieve's stride loop stores a flag twice between two
/// polls of its header, in each of its two copies (proven and checked); release builds,
/// which do not poll, emit the body once per copy.
const UNROLLED_PROGRAM: &str = "\
fn strides(flags: [bool], n: int, step: int) {
    var j = 0
    while j < n {
        flags[j] = false
        j += step
    }
}

fn main() {
    let flags = [true, true, true, true]
    strides(flags, 4, 3)
    print(flags[0])
}
";

#[test]
fn hot_small_while_bodies_run_twice_per_poll() {
    let checked = checked(UNROLLED_PROGRAM);
    let release_ir = translate_program(&checked, &mut object_module(), options()).unwrap().ir;
    let release = functions_named(&release_ir, "main.strides");
    let hot = functions_named(&hot_ir(&checked), "main.strides");
    // The stores of `false` into `flags` (the only stores to memory there are).
    let stores = |ir: &str| {
        ir.lines()
            .filter(|line| line.trim_start().starts_with("store") && line.ends_with("= 0"))
            .count()
    };
    assert!(stores(&release) > 0, "{release}");
    assert_eq!(stores(&hot), 2 * stores(&release), "{hot}");
}
