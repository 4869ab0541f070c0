//! Snapshot tests of the generated code: the Cranelift IR (CLIF) of a small program in each
//! mode (`lang run`, release builds, hot reload in the JIT and in shared libraries), so that
//! polls, guarded slot calls, cells and alias regions are checked by tests and not only by
//! benchmarks. Review a changed snapshot as carefully as a change of generated code.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;
use cranelift_object::{ObjectBuilder, ObjectModule};
use lang_compiler::codegen::{CodegenOptions, HotLinker, HotTarget, config, translate_hot_module, translate_program};
use lang_compiler::sema::ModuleId;
use lang_compiler::{CheckedProgram, LoadError, SourceLoader};

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

struct OneFile;

impl SourceLoader for OneFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        match path.to_str() {
            Some("main.ln") => Ok(PROGRAM.to_string()),
            _ => Err(LoadError::NotFound),
        }
    }
}

fn checked() -> CheckedProgram {
    let checked = lang_compiler::check_program(Path::new("main.ln"), &mut OneFile).expect("the program loads");
    assert!(!checked.has_errors(), "the program has errors");
    checked
}

fn options() -> CodegenOptions {
    CodegenOptions {
        keep_ir: true,
        ..CodegenOptions::default()
    }
}

fn jit_module() -> JITModule {
    let isa = cranelift_native::builder()
        .unwrap()
        .finish(config::flags(false).unwrap())
        .unwrap();
    JITModule::new(JITBuilder::with_isa(isa, cranelift_module::default_libcall_names()))
}

fn object_module() -> ObjectModule {
    let isa = cranelift_native::builder()
        .unwrap()
        .finish(config::flags(true).unwrap())
        .unwrap();
    ObjectModule::new(ObjectBuilder::new(isa, "clif_test", cranelift_module::default_libcall_names()).unwrap())
}

/// A linker that hands out fixed fake addresses (or, for a library, import indices) in the
/// order things are asked for, so the test needs no runtime.
struct FakeLinker {
    import_table: bool,
    handed_out: RefCell<HashMap<String, u64>>,
}

impl FakeLinker {
    fn new(import_table: bool) -> Self {
        FakeLinker {
            import_table,
            handed_out: RefCell::new(HashMap::new()),
        }
    }

    fn hand_out(&self, key: String) -> u64 {
        let mut handed_out = self.handed_out.borrow_mut();
        let next = handed_out.len() as u64;
        *handed_out.entry(key).or_insert(if self.import_table {
            next
        } else {
            0x10_0000 + next * 0x10
        })
    }
}

impl HotLinker for FakeLinker {
    fn function_slot(&self, module: &str, name: &str, signature: &str) -> u64 {
        self.hand_out(format!("slot {module} {name} {signature}"))
    }

    fn variable_cell(&self, module: &str, name: &str, ty: &str) -> u64 {
        self.hand_out(format!("variable {module} {name} {ty}"))
    }

    fn struct_desc_cell(&self, module: &str, name: &str, _layout: &str) -> u64 {
        self.hand_out(format!("desc {module} {name}"))
    }

    fn field_cell(&self, module: &str, strukt: &str, field: &str, ty: &str, _initial: i64) -> u64 {
        self.hand_out(format!("field {module} {strukt} {field} {ty}"))
    }

    fn uses_import_table(&self) -> bool {
        self.import_table
    }

    fn runtime_function(&self, name: &str) -> u64 {
        self.hand_out(format!("runtime {name}"))
    }
}

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

fn hot_ir(module: &mut dyn Module, import_table: bool) -> String {
    let checked = checked();
    let linker = FakeLinker::new(import_table);
    let target = HotTarget {
        module: ModuleId(0),
        linker: &linker,
        functions: None,
    };
    translate_hot_module(&checked, module, options(), target).unwrap().ir
}

#[test]
fn run_mode() {
    let ir = translate_program(&checked(), &mut jit_module(), options()).unwrap().ir;
    insta::assert_snapshot!("run", snapshot_text(&ir));
}

#[test]
fn release_mode() {
    let ir = translate_program(&checked(), &mut object_module(), options())
        .unwrap()
        .ir;
    insta::assert_snapshot!("release", snapshot_text(&ir));
}

#[test]
fn hot_jit_mode() {
    let ir = hot_ir(&mut jit_module(), false);
    insta::assert_snapshot!("hot_jit", snapshot_text(&ir));
}

#[test]
fn hot_library_mode() {
    let ir = hot_ir(&mut object_module(), true);
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

struct EnumFile;

impl SourceLoader for EnumFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        match path.to_str() {
            Some("main.ln") => Ok(ENUM_PROGRAM.to_string()),
            _ => Err(LoadError::NotFound),
        }
    }
}

#[test]
fn enum_match_is_one_jump_table_in_run_mode() {
    let checked = lang_compiler::check_program(Path::new("main.ln"), &mut EnumFile).expect("the program loads");
    assert!(!checked.has_errors(), "the program has errors");
    let ir = translate_program(&checked, &mut jit_module(), options()).unwrap().ir;
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

struct ClosureFile;

impl SourceLoader for ClosureFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        match path.to_str() {
            Some("main.ln") => Ok(CLOSURE_PROGRAM.to_string()),
            _ => Err(LoadError::NotFound),
        }
    }
}

#[test]
fn closure_call_is_one_indirect_call_and_captures_are_loaded_from_the_closure() {
    let checked = lang_compiler::check_program(Path::new("main.ln"), &mut ClosureFile).expect("the program loads");
    assert!(!checked.has_errors(), "the program has errors");
    let ir = translate_program(&checked, &mut jit_module(), options()).unwrap().ir;
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
    let checked = lang_compiler::check_program(Path::new("main.ln"), &mut ClosureFile).expect("the program loads");
    let linker = FakeLinker::new(false);
    let target = HotTarget {
        module: ModuleId(0),
        linker: &linker,
        functions: None,
    };
    let ir = translate_hot_module(&checked, &mut jit_module(), options(), target)
        .unwrap()
        .ir;
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
    let handed_out = linker.handed_out.borrow();
    assert!(
        handed_out
            .keys()
            .any(|key| key.starts_with("slot main {closure #0 in fn main fn(), capturing (hits: int, step: int)}")),
        "{handed_out:?}"
    );
}
