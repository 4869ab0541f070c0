//! Code generation: checked programs to Cranelift IR, through one translator written against
//! `dyn cranelift_module::Module`, with thin drivers on top (the JIT in [`jit`]).
//!
//! The translator emits, for a whole program: one function per script function, one
//! initializer per module, struct-default helpers, wrappers for built-ins used as values, and
//! an entry point `lang_entry(ctx) -> status` that sets up literals, type descriptors and
//! module variables, runs the initializers in import order, and calls `main`. In hot mode it
//! translates one module version instead (see `hot`). How calls, module variables, field
//! accesses, struct descriptors, runtime functions and safe-point polls are reached or emitted
//! is asked of one `target::Target`, so the same translator serves every mode of DESIGN.md.
//!
//! Files, by concern (in the manner of rustc_codegen_cranelift): `program` (assembly, a short
//! list of passes), `function` (the per-function `Translator`, plumbing, locals), `errors`
//! (the status-return protocol), `statements`, `place` (every read and write of a place),
//! `variables`, `expressions`, `closures` (function expressions, captures and cells),
//! `operators`, `collections`, `structs`, `enums` (enum values),
//! `patterns` (pattern tests and bindings), `matching` (`match`, `if` values, `if let`, `let ... else`), `literals`, `calls`,
//! `builtins` with `intrinsics` (the built-ins that are a runtime call, as a table), `entry`,
//! `inline` (compiling bodies), `memory` (alias regions), `config` (ISA flags), `target`
//! (the mode seam) and `hot/` (everything emitted only under hot reload).

mod bounds;
mod builtins;
mod calls;
mod calls_infallible;
mod closures;
mod collections;
mod compile;
mod compile_set;
mod conditions;
pub mod config;
mod counter_loops;
mod entry;
mod enums;
mod errors;
mod expressions;
mod function;
mod hot;
pub mod image;
mod inline;
mod intrinsics;
pub mod jit;
mod layout;
pub mod library;
mod literals;
mod loop_idioms;
mod map_update;
mod matching;
mod memory;
mod methods;
mod methods_sort;
pub mod object;
mod operators;
mod patterns;
mod place;
mod program;
mod reachability;
pub mod runtime_abi;
mod statements;
mod structs;
mod tail_accumulation;
mod target;
mod variables;

use std::collections::HashMap;

use cranelift_codegen::ir::{AbiParam, Signature, types};
use cranelift_codegen::isa::CallConv;
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module, ModuleError};

use crate::sema::CheckedProgram;
use crate::sema::types::{FunctionId, StructId, Type};
pub use compile_set::{ProgramAnalysis, functions_that_can_run};
pub use layout::clif_type;
pub use reachability::drop_retired_references;
use target::Target;
pub use target::{HotLinker, HotTarget};

/// How a call to a script function is emitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallStrategy {
    /// A direct call to the function's symbol (`lang run`, release builds).
    Direct,
}

/// Codegen strategies (DESIGN.md, "codegen strategies as parameters"). Only the choices of
/// `lang run` and release builds exist so far; hot reload adds calls through slots, module
/// variables through runtime tables, indirect field access and safe-point polls.
#[derive(Clone, Copy, Debug)]
pub struct CodegenOptions {
    pub calls: CallStrategy,
    /// Keep each function's machine code as text (for `LANG_DUMP_ASM`).
    pub disassemble: bool,
    /// Inline small script functions into their callers. Under hot reload only callees of
    /// the same module version are inlined, behind a guard that their slot still holds it.
    pub inline: bool,
    /// Keep each function's Cranelift IR as text, as translated (before inlining and
    /// optimization), in [`TranslatedProgram::ir`]; for tests of the generated code.
    pub keep_ir: bool,
    /// Where compiled functions are looked up before compiling and stored after
    /// (`lang run`); `None` compiles everything.
    pub code_cache: Option<&'static crate::cache::CodeCache>,
    /// How many threads compile function bodies; 0 chooses by the machine and the program.
    /// 1 with no cache compiles inside the Cranelift module, as release builds do.
    pub compile_threads: usize,
    /// Compile every function, also those that can never run (`LANG_COMPILE_ALL=1`; see
    /// `compile_set`). By default `lang run` and release builds compile only those that can.
    pub compile_unreachable: bool,
    /// Hot modules: compile a function per field default of the module's structs and enum
    /// payloads. The runtime calls one only when code compiled for an older layout builds a
    /// struct whose declaring module a later version changed, and each version brings its
    /// own defaults; so the first version of a session, which no code older than it exists
    /// for, leaves them out (`false`): they were about two thirds of its functions.
    pub hot_field_defaults: bool,
}

impl CodegenOptions {
    /// Whether bodies are compiled to machine code apart from the module (on worker threads,
    /// or through the cache) and then defined in it as bytes.
    pub(crate) fn compiles_outside_the_module(&self) -> bool {
        self.code_cache.is_some() || self.compile_threads != 1
    }
}

impl Default for CodegenOptions {
    fn default() -> Self {
        CodegenOptions {
            calls: CallStrategy::Direct,
            disassemble: false,
            inline: true,
            keep_ir: false,
            code_cache: None,
            compile_threads: 1,
            compile_unreachable: false,
            hot_field_defaults: true,
        }
    }
}

/// Something the code generator could not do. A checked program never causes one; they exist
/// so that a bug or a Cranelift limit is reported instead of a panic.
#[derive(Debug)]
pub struct CodegenError(pub String);

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<ModuleError> for CodegenError {
    fn from(error: ModuleError) -> Self {
        CodegenError(format!("code generation failed: {error}"))
    }
}

/// What the translator produced: the entry point and every function, by name, with its
/// machine-code size (for perf maps).
#[derive(Debug)]
pub struct TranslatedProgram {
    /// `lang_entry` (whole-program modes) or the module's setup function (hot mode).
    pub entry: FuncId,
    pub functions: Vec<(FuncId, String, u32)>,
    /// Hot mode: the module's script functions by name, with their signature text.
    pub hot_functions: Vec<lang_abi::FunctionRecord<FuncId>>,
    /// Hot mode: one initializer per module variable.
    pub hot_variables: Vec<lang_abi::VariableRecord<FuncId>>,
    /// Hot mode: the module's structs and their layouts.
    pub hot_structs: Vec<lang_abi::StructRecord>,
    /// Hot mode: a `fn(ctx) -> (word, status)` per field default.
    pub hot_defaults: Vec<lang_abi::DefaultRecord<FuncId>>,
    /// Hot mode: the module's enums and their variant numbers.
    pub hot_enums: Vec<lang_abi::EnumRecord>,
    /// Hot mode: slots to point at these wrappers of built-ins.
    pub slot_patches: Vec<(u64, FuncId)>,
    /// Shared-library builds: the import table (declared, not yet defined).
    pub imports: Option<DataId>,
    /// The machine code of each function as text, when `CodegenOptions::disassemble` is set.
    pub disassembly: String,
    /// The Cranelift IR of each function as text, when `CodegenOptions::keep_ir` is set.
    pub ir: String,
}

/// Program-wide state shared by the translation of every function.
pub(crate) struct ProgramState<'a> {
    pub checked: &'a CheckedProgram,
    pub module: &'a mut dyn Module,
    pub call_conv: CallConv,
    pub options: CodegenOptions,
    pub functions: Vec<FuncId>,
    pub runtime: HashMap<&'static str, FuncId>,
    /// Per module: the data object of its variables (two words each: value, initialized).
    pub globals: Vec<DataId>,
    /// Per variable: its index within its module's block.
    pub variable_slots: Vec<usize>,
    pub literals: Vec<String>,
    pub literal_index: HashMap<String, usize>,
    pub literal_table: DataId,
    pub struct_descs: DataId,
    pub sites: HashMap<String, DataId>,
    pub function_slots: HashMap<FunctionId, DataId>,
    pub builtin_wrappers: HashMap<crate::sema::builtins::Builtin, (FuncId, DataId)>,
    pub default_helpers: HashMap<(StructId, usize), FuncId>,
    /// Helpers requested while translating, generated after the main pass.
    pub pending_defaults: Vec<(StructId, usize)>,
    pub pending_wrappers: Vec<crate::sema::builtins::Builtin>,
    /// Function expressions met while translating, whose bodies are translated after the
    /// main pass (see `closures`).
    pub pending_closures: Vec<closures::PendingClosure>,
    /// Each function expression's code, and its static object when it captures nothing.
    pub closure_functions: HashMap<crate::sema::results::NodeKey, closures::ClosureFunction>,
    pub line_starts: HashMap<crate::source::FileId, crate::source::LineTable>,
    pub translated: Vec<(FuncId, String, u32)>,
    pub names: HashMap<String, usize>,
    pub disassembly: String,
    /// The IR of each function as text (see `CodegenOptions::keep_ir`).
    pub ir: String,
    /// Per function: whether it may run while module initializers run (see `reachability`).
    pub runs_during_initialization: Vec<bool>,
    /// Per function: whether it is compiled as far as the compile set goes (see
    /// `compile_set`; the target may still leave it to another hot module).
    pub can_run: Vec<bool>,
    /// Per function: whether it provably cannot fail (see `calls_infallible`); in hot mode,
    /// whether it is a leaf of this module version that cannot fail (`leaves_that_cannot_fail`).
    pub cannot_fail: Vec<bool>,
    /// Hot mode: per function, whether it is one of `cannot_fail`'s leaves with no loop, so
    /// with no safe point at all: no entry poll (`hot/calls.rs`), and a proven loop may call
    /// its version of this module (`bounds.rs`).
    pub leaves_without_safe_points: Vec<bool>,
    /// Hot mode: per small function of this version, its body for inlining into a guarded
    /// direct call, without the entry poll and stack-depth check (`hot/inlining.rs`).
    pub inline_variants: HashMap<u32, cranelift_codegen::ir::Function>,
    /// Hot mode: the functions never inlined, recursions run as two nested loops
    /// (`hot/accumulation.rs`): inlined into their own loop's call they would nest two more,
    /// with the entry poll and stack-depth check inside them.
    pub never_inlined: std::collections::HashSet<u32>,
    /// Hot mode: per callee, the `preserve_all` trampoline that calls it through its slot on
    /// the cold path of a guarded call (`hot/calls.rs`), and those still to be translated.
    pub slot_call_trampolines: HashMap<FunctionId, FuncId>,
    pub pending_slot_call_trampolines: Vec<(FunctionId, FuncId, u64)>,
    /// Translated function bodies waiting to be compiled.
    pub bodies: Vec<(FuncId, String, cranelift_codegen::ir::Function)>,
    /// What kind of code is generated: every decision that differs between modes is asked
    /// of it (see `target`).
    pub target: Target<'a>,
    /// Hot mode: wrappers of built-ins used as values, to store into these slots.
    pub slot_patches: Vec<(u64, FuncId)>,
    /// Shared-library builds: the table of addresses the loader fills (see `library`).
    pub imports: Option<DataId>,
    /// Hot mode: the module's poll trampoline (see `Translator::poll`).
    pub poll_trampoline: Option<FuncId>,
}

impl ProgramState<'_> {
    /// The signature of script functions: the context, the parameters; the result (if any)
    /// and a status byte (0 = ok, 1 = a runtime error is propagating).
    pub fn script_signature(&self, params: &[Type], result: Option<&Type>) -> Signature {
        let mut signature = Signature::new(self.call_conv);
        signature.params.push(AbiParam::new(types::I64));
        for param in params {
            if let Some(ty) = clif_type(param) {
                signature.params.push(abi_param(ty));
            }
        }
        if let Some(ty) = result.and_then(clif_type) {
            signature.returns.push(abi_param(ty));
        }
        signature.returns.push(abi_param(types::I8));
        signature
    }

    /// Whether function `index` is compiled into this module: the target's module, and a
    /// function that can run (`can_run`).
    pub fn compiles_function(&self, index: usize) -> bool {
        let info = &self.checked.items.functions[index];
        self.can_run[index] && self.target.compiles_function(info.module, &info.name)
    }

    /// A symbol name not used before, based on `base`.
    pub fn unique_name(&mut self, base: String) -> String {
        let count = self.names.entry(base.clone()).or_insert(0);
        *count += 1;
        if *count == 1 { base } else { format!("{base}#{count}") }
    }

    /// The linkage of what a hot-reload module exposes (functions, initializers, defaults,
    /// setup): exported from a JIT module; hidden in a shared library, whose loader finds
    /// them through the library's function table rather than by symbol.
    pub fn hot_linkage(&self) -> Linkage {
        match self.imports {
            Some(_) => Linkage::Hidden,
            None => Linkage::Export,
        }
    }

    pub fn runtime_signature(&self, name: &str) -> Signature {
        let function = runtime_abi::runtime_function(name);
        let mut signature = Signature::new(self.call_conv);
        for param in function.params {
            signature.params.push(abi_param(layout::abi_type(*param)));
        }
        if let Some(result) = function.result {
            signature.returns.push(abi_param(layout::abi_type(result)));
        }
        signature
    }

    pub fn runtime_function(&mut self, name: &'static str) -> Result<FuncId, CodegenError> {
        if let Some(&id) = self.runtime.get(name) {
            return Ok(id);
        }
        let signature = self.runtime_signature(name);
        let id = self.module.declare_function(name, Linkage::Import, &signature)?;
        self.runtime.insert(name, id);
        Ok(id)
    }

    /// A NUL-terminated read-only text, deduplicated (error sites, names, descriptions).
    pub fn text_data(&mut self, text: &str) -> Result<DataId, CodegenError> {
        if let Some(&id) = self.sites.get(text) {
            return Ok(id);
        }
        let name = format!("lang.text.{}", self.sites.len());
        let id = self.module.declare_data(&name, Linkage::Local, false, false)?;
        let mut description = DataDescription::new();
        let mut bytes = text.as_bytes().to_vec();
        bytes.retain(|&byte| byte != 0);
        bytes.push(0);
        description.define(bytes.into_boxed_slice());
        self.module.define_data(id, &description)?;
        self.sites.insert(text.to_string(), id);
        Ok(id)
    }

    /// The index of a string literal in the program's literal table.
    pub fn literal(&mut self, text: &str) -> usize {
        if let Some(&index) = self.literal_index.get(text) {
            return index;
        }
        let index = self.literals.len();
        self.literals.push(text.to_string());
        self.literal_index.insert(text.to_string(), index);
        index
    }

    /// `file:line:col` of a byte offset.
    pub fn location(&mut self, file: crate::source::FileId, offset: u32) -> String {
        let source = self.checked.sources.get(file);
        let (line, column) = self.line_starts.entry(file).or_default().line_col(&source.text, offset);
        format!("{}:{line}:{column}", source.display_name)
    }
}

/// A parameter or result. Bytes (`bool`, status) are zero-extended: C compilers assume the
/// caller extends narrow arguments to 32 bits, and the runtime is compiled by one.
pub(crate) fn abi_param(ty: types::Type) -> AbiParam {
    if ty == types::I8 || ty == types::I32 {
        AbiParam::new(ty).uext()
    } else {
        AbiParam::new(ty)
    }
}

/// Translates a checked, error-free program into `module`.
pub fn translate_program(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
) -> Result<TranslatedProgram, CodegenError> {
    if checked.has_errors() {
        return Err(CodegenError("cannot generate code for a program with errors".into()));
    }
    program::translate_program(checked, module, options, Target::new(None), None)
}

/// Translates one module of a checked program for hot reload.
pub fn translate_hot_module(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
    target: HotTarget<'_>,
) -> Result<TranslatedProgram, CodegenError> {
    translate_hot_module_with(checked, module, options, target, None)
}

/// `translate_hot_module` with the program's analysis made by the caller, who shares it
/// among the modules of one version (`ProgramAnalysis`); `None` makes it here.
pub fn translate_hot_module_with(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
    target: HotTarget<'_>,
    analysis: Option<&ProgramAnalysis>,
) -> Result<TranslatedProgram, CodegenError> {
    if checked.has_errors() {
        return Err(CodegenError("cannot generate code for a program with errors".into()));
    }
    program::translate_program(checked, module, options, Target::new(Some(target)), analysis)
}

/// A hash of the tokens of `text`, ignoring comments, spacing and line breaks: two
/// declarations with the same hash are the same code (LANGUAGE.md section 7 item 2).
pub fn token_hash(text: &str) -> u64 {
    use std::hash::Hasher;
    let lexed = crate::syntax::lexer::lex(text, crate::source::FileId(0));
    // FNV-1a, not std's `DefaultHasher`: hashes are written into `lang build --hmr` libraries,
    // so they must not change with the Rust toolchain (nor do the tokens' bytes,
    // `Token::write_stable`). Each token is followed by a byte no UTF-8 text contains, so
    // token boundaries count.
    let mut hasher = lang_abi::StableHasher::new();
    let mut bytes = Vec::new();
    for (token, _) in &lexed.tokens {
        if *token != crate::syntax::token::Token::Newline {
            bytes.clear();
            token.write_stable(&mut bytes);
            hasher.write(&bytes);
            hasher.write_u8(0xff);
        }
    }
    hasher.finish()
}
