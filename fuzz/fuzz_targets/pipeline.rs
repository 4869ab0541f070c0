//! Fuzz target: the whole pipeline on generated well-typed programs. The input picks the
//! program (its first 8 bytes are the generator's seed); the program is checked, compiled
//! by the JIT and run in-process. Compiled code must never crash the process: a program ends
//! normally or with a runtime error, both values.
#![no_main]

use std::path::Path;

use lang_compiler::codegen::CodegenOptions;
use lang_compiler::codegen::jit::JitProgram;
use lang_compiler::{LoadError, SourceLoader, check_program};
use lang_tests::generator;
use libfuzzer_sys::fuzz_target;

struct OneFile(String);

impl SourceLoader for OneFile {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        if path == Path::new("main.ln") {
            Ok(self.0.clone())
        } else {
            Err(LoadError::NotFound)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut seed_bytes = [0u8; 8];
    for (slot, byte) in seed_bytes.iter_mut().zip(data) {
        *slot = *byte;
    }
    let source = generator::program(u64::from_le_bytes(seed_bytes));
    let checked = check_program(Path::new("main.ln"), &mut OneFile(source.clone())).expect("in memory");
    assert!(!checked.has_errors(), "the generator made a program with errors:\n{source}");
    let program = JitProgram::compile(&checked, &lang_runtime_core::symbols(), CodegenOptions::default())
        .expect("a checked program compiles");
    // SAFETY: the entry point of a program compiled against this runtime.
    let entry: lang_runtime_core::context::EntryPoint = unsafe { std::mem::transmute(program.entry()) };
    let code = lang_runtime_core::context::run_program(entry, Vec::new());
    assert!(code == 0 || code == 101, "exit code {code}");
});
