//! What the CLIF snapshot tests share: a program of one file, its check, the Cranelift
//! module of each mode, a fake hot-reload linker and the IR of chosen functions.

// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;
use cranelift_object::{ObjectBuilder, ObjectModule};
use lang_compiler::codegen::{CodegenOptions, HotLinker, HotTarget, config, translate_hot_module, translate_program};
use lang_compiler::sema::ModuleId;
use lang_compiler::{CheckedProgram, LoadError, SourceLoader};

/// A program of one file, `main.ln`.
pub struct OneFile(pub &'static str);

impl SourceLoader for OneFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        match path.to_str() {
            Some("main.ln") => Ok(self.0.to_string()),
            _ => Err(LoadError::NotFound),
        }
    }
}

/// `program` checked; it must have no errors.
pub fn checked(program: &'static str) -> CheckedProgram {
    let checked = lang_compiler::check_program(Path::new("main.ln"), &mut OneFile(program)).expect("the program loads");
    assert!(!checked.has_errors(), "the program has errors");
    checked
}

pub fn options() -> CodegenOptions {
    CodegenOptions {
        keep_ir: true,
        ..CodegenOptions::default()
    }
}

/// The module of `lang run` and of hot reload in the JIT.
pub fn jit_module() -> JITModule {
    let isa = cranelift_native::builder()
        .unwrap()
        .finish(config::flags(false).unwrap())
        .unwrap();
    JITModule::new(JITBuilder::with_isa(isa, cranelift_module::default_libcall_names()))
}

/// The module of release builds and of `lang build --hmr` libraries.
pub fn object_module() -> ObjectModule {
    let isa = cranelift_native::builder()
        .unwrap()
        .finish(config::flags(true).unwrap())
        .unwrap();
    ObjectModule::new(ObjectBuilder::new(isa, "clif_test", cranelift_module::default_libcall_names()).unwrap())
}

/// The IR of the whole program as `lang run` compiles it.
pub fn run_ir(checked: &CheckedProgram) -> String {
    translate_program(checked, &mut jit_module(), options()).unwrap().ir
}

/// The IR of the whole program as a release build compiles it.
pub fn release_ir(checked: &CheckedProgram) -> String {
    translate_program(checked, &mut object_module(), options()).unwrap().ir
}

/// A linker that hands out fixed fake addresses (or, for a library, import indices) in the
/// order things are asked for, so the test needs no runtime.
pub struct FakeLinker {
    import_table: bool,
    handed_out: RefCell<HashMap<String, u64>>,
}

impl FakeLinker {
    pub fn new(import_table: bool) -> Self {
        FakeLinker {
            import_table,
            handed_out: RefCell::new(HashMap::new()),
        }
    }

    /// What the translation asked for, as `slot MODULE NAME SIGNATURE`, `field ...` etc.
    pub fn handed_out(&self) -> Vec<String> {
        self.handed_out.borrow().keys().cloned().collect()
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

/// The IR of the program translated as one hot module into `module`: the JIT's with
/// `import_table` false, a `lang build --hmr` library's with it true.
pub fn hot_ir_in(checked: &CheckedProgram, module: &mut dyn Module, import_table: bool) -> String {
    hot_ir_and_linker(checked, module, import_table).0
}

/// `hot_ir_in`, with the linker, which tells what the translation asked it for.
pub fn hot_ir_and_linker(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    import_table: bool,
) -> (String, FakeLinker) {
    let linker = FakeLinker::new(import_table);
    let target = HotTarget {
        module: ModuleId(0),
        linker: &linker,
        functions: None,
    };
    let ir = translate_hot_module(checked, module, options(), target).unwrap().ir;
    (ir, linker)
}

/// The IR of the program translated as one hot module (the JIT's).
pub fn hot_ir(checked: &CheckedProgram) -> String {
    hot_ir_in(checked, &mut jit_module(), false)
}

/// The machine code of the whole program as a release build translates it.
pub fn release_disassembly(checked: &CheckedProgram) -> String {
    let options = CodegenOptions {
        disassemble: true,
        ..options()
    };
    translate_program(checked, &mut object_module(), options)
        .unwrap()
        .disassembly
}

/// The machine code of the program translated as one hot module.
pub fn hot_disassembly(checked: &CheckedProgram) -> String {
    let linker = FakeLinker::new(false);
    let target = HotTarget {
        module: ModuleId(0),
        linker: &linker,
        functions: None,
    };
    let options = CodegenOptions {
        disassemble: true,
        ..options()
    };
    translate_hot_module(checked, &mut jit_module(), options, target)
        .unwrap()
        .disassembly
}

/// The functions of `ir` whose names start with `prefix`.
pub fn functions_named(ir: &str, prefix: &str) -> String {
    ir.split("\n; ")
        .map(|function| function.trim_start_matches("; "))
        .filter(|function| function.starts_with(prefix))
        .collect::<Vec<_>>()
        .join("\n; ")
}
