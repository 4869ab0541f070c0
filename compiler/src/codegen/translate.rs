//! The translator: function bodies, module initializers and the entry point, from the AST
//! and the type checker's side tables to Cranelift IR.
//!
//! Runtime errors use status returns (ARCHITECTURE.md): every script function returns a
//! status byte after its result. A failed check branches to a cold block that records the
//! error and its site, then to the function's error exit, which returns status 1; each caller
//! tests the status after the call and adds its own site on the way out. No instruction that
//! can trap is ever reached: divisions, bounds, nil and the stack depth are checked first.

use std::collections::HashMap;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    self, AbiParam, BlockArg, FuncRef, GlobalValue, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName, Value, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{DataDescription, DataId, FuncId, Linkage, Module};

use super::layout::{clif_type, element_kind, element_size, is_boxed_optional, is_reference};
use super::runtime_abi::*;
use super::{CodegenError, CodegenOptions, HotTarget, ProgramState, TranslatedProgram};
use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::{FunctionId, ModuleId, StructId, Type, VariableId};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, BinaryOp, Expr, ExprKind, StatementKind, UnaryOp};

fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Error paths that share one error exit block (see `Translator::error_exit`).
const ERROR_EXIT_SHARING: usize = 32;

/// Entries of a map literal inserted by one runtime call.
const MAP_LITERAL_BATCH: usize = 64;

/// Hot mode: the placeholder id of a function this module version does not compile.
fn not_compiled_here() -> FuncId {
    FuncId::from_u32(u32::MAX - 1)
}

/// Disjoint kinds of memory, so that Cranelift's alias analysis can keep a value loaded from
/// one kind across stores to another (a store without a region counts as a store to all).
/// Every load and store of a location must name the same region.
#[derive(Clone, Copy)]
enum Region {
    /// Module variable cells (value and state words), and under hot reload the function
    /// slots and field-offset cells, which only the runtime writes, inside calls.
    Cells = 1,
    /// The fields of struct objects (under hot reload: of their payloads).
    Fields = 2,
    /// Hot reload: the payload pointer of a struct's handle, which only a migration (inside
    /// a runtime call) changes.
    Handles = 3,
}

pub(super) fn translate_program(
    checked: &CheckedProgram,
    module: &mut dyn Module,
    options: CodegenOptions,
    hot: Option<HotTarget<'_>>,
) -> Result<TranslatedProgram, CodegenError> {
    let call_conv = module.isa().default_call_conv();
    let literal_table = module.declare_data("lang.literals", Linkage::Local, true, false)?;
    let struct_descs = module.declare_data("lang.struct_descs", Linkage::Local, true, false)?;
    // A shared library's import table: declared now, defined by the library driver once the
    // linker knows how many entries the code uses.
    let imports = match hot {
        Some(target) if target.linker.uses_import_table() => {
            Some(module.declare_data(super::library::IMPORTS_SYMBOL, Linkage::Local, true, false)?)
        }
        _ => None,
    };
    let mut state = ProgramState {
        checked,
        module,
        call_conv,
        options,
        functions: Vec::new(),
        runtime: HashMap::new(),
        globals: Vec::new(),
        variable_slots: Vec::new(),
        literals: Vec::new(),
        literal_index: HashMap::new(),
        literal_table,
        struct_descs,
        sites: HashMap::new(),
        function_slots: HashMap::new(),
        builtin_wrappers: HashMap::new(),
        default_helpers: HashMap::new(),
        pending_defaults: Vec::new(),
        pending_wrappers: Vec::new(),
        line_starts: HashMap::new(),
        translated: Vec::new(),
        names: HashMap::new(),
        disassembly: String::new(),
        runs_during_initialization: super::reachability::reachable_from_initializers(checked),
        bodies: Vec::new(),
        hot,
        slot_patches: Vec::new(),
        imports,
        poll_trampoline: None,
    };
    if hot.is_some() {
        translate_poll_trampoline(&mut state)?;
    }
    let in_scope = |module: ModuleId, name: &str| {
        hot.is_none_or(|target| {
            target.module == module && target.functions.is_none_or(|functions| functions.contains(name))
        })
    };

    // Declare every script function first: bodies may call each other in any order. In hot
    // mode only the target module's functions are compiled (and exported, so the runtime can
    // point their slots at them); other modules are reached through slots.
    let mut hot_functions = Vec::new();
    for info in &checked.items.functions {
        if !in_scope(info.module, &info.name) {
            // Never called directly: other modules are reached through slots.
            state.functions.push(not_compiled_here());
            continue;
        }
        let signature = state.script_signature(&info.params, info.result.as_ref());
        let module_name = &checked.program.module(info.module).name;
        let name = state.unique_name(format!("{module_name}.{}", info.name));
        let linkage = if hot.is_some() {
            state.hot_linkage()
        } else {
            Linkage::Local
        };
        let id = state.module.declare_function(&name, linkage, &signature)?;
        state.functions.push(id);
        if hot.is_some() {
            hot_functions.push((info.name.clone(), checked.type_key(&info.ty()), id));
        }
    }

    // Module variables: one block of (value, initialized) word pairs per module.
    let mut counts = vec![0usize; checked.program.modules.len()];
    for info in &checked.items.variables {
        state.variable_slots.push(counts[info.module.0 as usize]);
        counts[info.module.0 as usize] += 1;
    }
    for (index, count) in counts.iter().enumerate() {
        if hot.is_some() {
            // Hot mode keeps module variables in runtime-owned cells.
            state.globals.push(literal_table);
            continue;
        }
        let name = format!("lang.globals.{}", checked.program.modules[index].name);
        let name = state.unique_name(name);
        let id = state.module.declare_data(&name, Linkage::Local, true, false)?;
        let mut description = DataDescription::new();
        description.define_zeroinit((count * 16).max(16));
        description.set_align(16);
        state.module.define_data(id, &description)?;
        state.globals.push(id);
    }

    // Function bodies.
    let declarations = checked.function_declarations();
    for (index, info) in checked.items.functions.iter().enumerate() {
        if !in_scope(info.module, &info.name) {
            continue;
        }
        let module_data = checked.program.module(info.module);
        let Some(declaration) = declarations[index] else {
            return Err(CodegenError(format!("no declaration for function `{}`", info.name)));
        };
        let id = state.functions[index];
        let display = function_display_name(checked, info.module, &info.name);
        let early = state.runs_during_initialization[index];
        let program_main = hot.is_some() && info.module == ModuleId(0) && info.name == "main";
        translate_function(&mut state, id, display, module_data.file, |translator| {
            translator.may_run_during_initialization = early;
            translator.program_main = program_main;
            translator.function_body(FunctionId(index as u32), declaration)
        })?;
    }

    // Module initializers: one per module, or in hot mode one per variable, so that a reload
    // can run exactly the ones it needs.
    let mut initializers = Vec::new();
    let mut hot_variables = Vec::new();
    if let Some(target) = hot {
        let module_data = checked.program.module(target.module);
        for (index, info) in checked.items.variables.iter().enumerate() {
            if info.module != target.module {
                continue;
            }
            let ast::Item::Variable(declaration) = &module_data.ast.items[info.item_index] else {
                continue;
            };
            let signature = state.script_signature(&[], None);
            let name = state.unique_name(format!("{}.<init {}>", module_data.name, info.name));
            let linkage = state.hot_linkage();
            let id = state.module.declare_function(&name, linkage, &signature)?;
            let display = format!("<initializer of {}>", module_data.name);
            let variable = VariableId(index as u32);
            translate_function(&mut state, id, display, module_data.file, |translator| {
                translator.variable_initializer(variable)
            })?;
            let text = &checked.sources.get(module_data.file).text;
            let hash = super::token_hash(&text[declaration.span.range()]);
            let ty = checked.type_key(info.ty.as_ref().unwrap_or(&Type::Error));
            hot_variables.push((info.name.clone(), ty, !info.mutable, hash, id));
        }
    }
    // Hot mode: each struct of the module, and a function per field default returning the
    // value as a word, for migrating live instances to a new layout.
    let mut hot_structs = Vec::new();
    let mut hot_defaults = Vec::new();
    if let Some(target) = hot {
        for (index, info) in checked.items.structs.iter().enumerate() {
            if info.module != target.module {
                continue;
            }
            let id = StructId(index as u32);
            let layout = struct_layout(checked, id);
            let fields: Vec<(String, String)> = info
                .fields
                .iter()
                .map(|field| (field.name.clone(), checked.type_key(&field.ty)))
                .collect();
            hot_structs.push((info.name.clone(), layout_hash(&layout), fields));
            for (position, field) in info.fields.iter().enumerate() {
                let Some(default) = struct_field_default(checked, id, position) else {
                    continue;
                };
                let signature = state.script_signature(&[], Some(&Type::Int));
                let name = state.unique_name(format!("{}.<default {}.{}>", info.name, info.name, field.name));
                let linkage = state.hot_linkage();
                let function = state.module.declare_function(&name, linkage, &signature)?;
                let display = format!("<default of {}.{}>", info.name, field.name);
                let ty = field.ty.clone();
                translate_function(&mut state, function, display, info.file, |translator| {
                    translator.stack_check(default.span);
                    let value = translator.expr_to(default, &ty);
                    if !translator.is_terminated() {
                        let word = translator.word_of(value, &ty);
                        translator.return_status(0, Some(word));
                    }
                })?;
                hot_defaults.push((info.name.clone(), field.name.clone(), function));
            }
        }
    }
    for (index, module_data) in checked.program.modules.iter().enumerate() {
        if hot.is_some() {
            break;
        }
        let signature = state.script_signature(&[], None);
        let name = state.unique_name(format!("{}.<init>", module_data.name));
        let id = state.module.declare_function(&name, Linkage::Local, &signature)?;
        let display = format!("<initializer of {}>", module_data.name);
        let module = ModuleId(index as u32);
        translate_function(&mut state, id, display, module_data.file, |translator| {
            translator.module_initializer(module)
        })?;
        initializers.push(id);
    }

    // Helpers requested along the way: struct defaults and wrappers of built-ins used as
    // values. Translating one may request more.
    loop {
        if let Some((struct_id, field)) = state.pending_defaults.pop() {
            translate_default_helper(&mut state, struct_id, field)?;
        } else if let Some(builtin) = state.pending_wrappers.pop() {
            translate_builtin_wrapper(&mut state, builtin)?;
        } else {
            break;
        }
    }

    let entry = match hot {
        None => translate_entry(&mut state, &initializers)?,
        Some(target) => translate_hot_setup(&mut state, target)?,
    };
    define_tables(&mut state)?;
    compile_bodies(&mut state)?;
    Ok(TranslatedProgram {
        entry,
        hot_functions,
        hot_variables,
        hot_structs,
        hot_defaults,
        slot_patches: std::mem::take(&mut state.slot_patches),
        imports: state.imports,
        functions: std::mem::take(&mut state.translated),
        disassembly: std::mem::take(&mut state.disassembly),
    })
}

/// Hot mode: the module's safe-point trampoline, `lang.poll(ctx)`, which calls the runtime's
/// `lang_hot_poll` and leaves its answer in the context.
///
/// Polls sit at every loop back-edge. A plain call there would clobber every caller-saved
/// register, so the register allocator would keep a loop's values in stack slots for the
/// whole loop, though the call almost never happens (mandelbrot's inner loop ran 1.8x slower
/// than under `lang run`). The trampoline uses Cranelift's `preserve_all` convention instead:
/// it saves every register it clobbers, so to the caller the call clobbers nothing. That
/// convention has no return values, hence the answer in `Context::poll_answer`.
fn translate_poll_trampoline(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let mut signature = Signature::new(cranelift_codegen::isa::CallConv::PreserveAll);
    signature.params.push(AbiParam::new(types::I64));
    let name = state.unique_name("lang.poll".to_string());
    let id = state.module.declare_function(&name, Linkage::Local, &signature)?;
    let file = state.checked.program.modules[0].file;
    translate_function(state, id, "<poll>".to_string(), file, |translator| {
        let ctx = translator.ctx;
        let answer = translator.call_runtime("lang_hot_poll", &[ctx]).unwrap_or(ctx);
        let answer = translator.builder.ins().uextend(types::I64, answer);
        translator
            .builder
            .ins()
            .store(trusted(), answer, ctx, CONTEXT_POLL_ANSWER_OFFSET);
        translator.builder.ins().return_(&[]);
    })?;
    state.poll_trampoline = Some(id);
    Ok(())
}

fn function_display_name(checked: &CheckedProgram, module: ModuleId, name: &str) -> String {
    if module.0 == 0 {
        name.to_string()
    } else {
        format!("{}.{name}", checked.program.module(module).name)
    }
}

/// Builds one function with a [`Translator`] and defines it in the module.
fn translate_function(
    state: &mut ProgramState<'_>,
    id: FuncId,
    display_name: String,
    file: FileId,
    body: impl FnOnce(&mut Translator<'_, '_, '_>),
) -> Result<(), CodegenError> {
    let declaration = state.module.declarations().get_function_decl(id);
    let signature = declaration.signature.clone();
    let symbol = declaration.name.clone().unwrap_or_default();
    let mut context = state.module.make_context();
    context.func.signature = signature;
    context.func.name = UserFuncName::user(0, id.as_u32());
    let mut builder_context = FunctionBuilderContext::new();
    let errors = {
        let mut builder = FunctionBuilder::new(&mut context.func, &mut builder_context);
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        builder.seal_block(entry);
        let params = builder.block_params(entry).to_vec();
        let ctx_value = params[0];
        let mut translator = Translator {
            state,
            builder,
            ctx: ctx_value,
            params: params[1..].to_vec(),
            file,
            display_name,
            result: None,
            scopes: vec![Vec::new()],
            loops: Vec::new(),
            error_exits: Vec::new(),
            error_exit_uses: 0,
            lookup_slot: None,
            func_refs: HashMap::new(),
            data_refs: HashMap::new(),
            errors: Vec::new(),
            may_run_during_initialization: true,
            known_checks: KnownChecks::default(),
            calls_emitted: 0,
            program_main: false,
        };
        body(&mut translator);
        translator.finish();
        let errors = std::mem::take(&mut translator.errors);
        let frontend_config = translator.state.module.isa().frontend_config();
        translator.builder.finalize(frontend_config);
        errors
    };
    if let Some(error) = errors.into_iter().next() {
        return Err(CodegenError(format!(
            "internal code generation error in `{symbol}`: {error}"
        )));
    }
    // Bodies are compiled once every function has been translated, so that small callees
    // can be inlined into their callers (see `compile_bodies`).
    state.bodies.push((id, symbol, context.func));
    Ok(())
}

/// A function is small enough to inline when it has at most this many instructions.
const INLINE_LIMIT: usize = 60;

/// Tells Cranelift which direct calls to inline: calls to small script functions, one level
/// deep (a recursive function is inlined into itself once).
struct Inliner<'a> {
    candidates: &'a HashMap<u32, ir::Function>,
}

impl cranelift_codegen::inline::Inline for Inliner<'_> {
    fn inline(
        &mut self,
        caller: &ir::Function,
        _call: ir::Inst,
        _opcode: ir::Opcode,
        callee: FuncRef,
        _args: &[Value],
    ) -> cranelift_codegen::inline::InlineCommand<'_> {
        use cranelift_codegen::inline::InlineCommand;
        let ir::ExternalName::User(reference) = &caller.dfg.ext_funcs[callee].name else {
            return InlineCommand::KeepCall;
        };
        let name = &caller.params.user_named_funcs()[*reference];
        match self.candidates.get(&name.index) {
            Some(body) if name.namespace == 0 => InlineCommand::Inline {
                callee: std::borrow::Cow::Owned(with_caller_symbol_names(caller, body)),
                visit_callee: false,
            },
            _ => InlineCommand::KeepCall,
        }
    }
}

/// A copy of `callee` whose symbol global values name their targets by the references they
/// will have in `caller` once inlined.
///
/// Cranelift's inliner (0.135) remaps the external names of the callee's function imports into
/// the caller's name table but copies symbol global values (our data references: literals,
/// sites, tables) unchanged, so their references would index the caller's table wrongly. The
/// inliner adds the callee's names to the caller's table in order, reusing names the caller
/// already has; this predicts that mapping and rewrites the symbols to match.
fn with_caller_symbol_names(caller: &ir::Function, callee: &ir::Function) -> ir::Function {
    use cranelift_codegen::entity::EntityRef;
    let mut body = callee.clone();
    let mut next = caller.params.user_named_funcs().len();
    let mut mapping = HashMap::new();
    for (callee_reference, name) in callee.params.user_named_funcs().iter() {
        let existing = caller
            .params
            .user_named_funcs()
            .iter()
            .find(|(_, known)| *known == name)
            .map(|(reference, _)| reference);
        let caller_reference = match existing {
            Some(reference) => reference,
            None => {
                let reference = ir::UserExternalNameRef::new(next);
                next += 1;
                reference
            }
        };
        mapping.insert(callee_reference, caller_reference);
    }
    for value in body.global_values.values_mut() {
        if let ir::GlobalValueData::Symbol {
            name: ir::ExternalName::User(reference),
            ..
        } = value
            && let Some(mapped) = mapping.get(reference)
        {
            *reference = *mapped;
        }
    }
    body
}

/// Compiles every translated body into the module, inlining small callees when enabled.
fn compile_bodies(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let bodies = std::mem::take(&mut state.bodies);
    let script_functions: std::collections::HashSet<FuncId> = state.functions.iter().copied().collect();
    let candidates: HashMap<u32, ir::Function> = if state.options.inline {
        bodies
            .iter()
            .filter(|(id, _, function)| {
                // Cold blocks (hot reload's safe-point polls) are not counted.
                script_functions.contains(id)
                    && function
                        .layout
                        .blocks()
                        .filter(|block| !function.layout.is_cold(*block))
                        .flat_map(|block| function.layout.block_insts(block))
                        .count()
                        <= INLINE_LIMIT
            })
            .map(|(id, _, function)| (id.as_u32(), function.clone()))
            .collect()
    } else {
        HashMap::new()
    };
    for (id, symbol, function) in bodies {
        let mut context = state.module.make_context();
        context.func = function;
        if !candidates.is_empty() {
            context
                .inline(Inliner {
                    candidates: &candidates,
                })
                .map_err(|error| CodegenError(format!("cannot inline into `{symbol}`: {error:?}")))?;
        }
        context.set_disasm(state.options.disassemble);
        state
            .module
            .define_function(id, &mut context)
            .map_err(|error| CodegenError(format!("cannot compile `{symbol}`: {error:?}")))?;
        let size = context.compiled_code().map_or(0, |code| code.code_info().total_size);
        if let Some(text) = context.compiled_code().and_then(|code| code.vcode.clone()) {
            state.disassembly.push_str(&format!("; {symbol}\n{text}\n"));
        }
        state.translated.push((id, symbol, size));
    }
    Ok(())
}

/// Hot mode: the checks already made on the straight-line path that leads to the current
/// block (through the continuations of error checks), since the last call. Only a swap changes
/// a field's offset or a variable's state, and a swap happens only inside a call (a safe
/// point or a runtime function), so until the next call each check needs making only once:
/// without this, a loop body like particles' tested the same cells a dozen times per step.
#[derive(Clone, Default)]
struct KnownChecks {
    block: Option<ir::Block>,
    /// Field-offset cells known to hold an offset (not -1), with the offset loaded.
    offsets: HashMap<i64, Value>,
    /// Module-variable cells known to be initialized.
    variables: std::collections::HashSet<i64>,
}

/// The translation state of one function.
struct Translator<'s, 'a, 'b> {
    state: &'s mut ProgramState<'a>,
    builder: FunctionBuilder<'b>,
    ctx: Value,
    /// The function's parameters after the context.
    params: Vec<Value>,
    /// The file whose typeck results apply to the expressions being translated.
    file: FileId,
    /// The function's name as stack traces show it.
    display_name: String,
    result: Option<Type>,
    /// Locals in scope, innermost block last.
    scopes: Vec<Vec<(String, Variable, Type)>>,
    /// (continue target, break target) of each enclosing loop.
    loops: Vec<(ir::Block, ir::Block)>,
    /// Records the frame (its parameter is the site) and returns status 1.
    error_exits: Vec<ir::Block>,
    /// Error paths sharing the last of `error_exits`.
    error_exit_uses: usize,
    lookup_slot: Option<ir::StackSlot>,
    func_refs: HashMap<FuncId, FuncRef>,
    data_refs: HashMap<DataId, GlobalValue>,
    errors: Vec<String>,
    /// Whether this code may run before every module variable is initialized; only then do
    /// reads of module variables check that the variable was initialized.
    may_run_during_initialization: bool,
    known_checks: KnownChecks,
    /// Calls emitted so far (each forgets the known checks).
    calls_emitted: u64,
    /// Hot mode: this is the program's `main`, which polls after each statement that may
    /// run other script code, since a changed `main` is entered again at its next statement
    /// boundary (LANGUAGE.md section 7 item 6).
    program_main: bool,
}

impl Translator<'_, '_, '_> {
    // ------------------------------------------------------------- plumbing

    fn bug(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(&reference) = self.func_refs.get(&id) {
            return reference;
        }
        let reference = self.state.module.declare_func_in_func(id, self.builder.func);
        self.func_refs.insert(id, reference);
        reference
    }

    fn data_address(&mut self, id: DataId) -> Value {
        let global = match self.data_refs.get(&id) {
            Some(&global) => global,
            None => {
                let global = self.state.module.declare_data_in_func(id, self.builder.func);
                self.data_refs.insert(id, global);
                global
            }
        };
        self.builder.ins().symbol_value(types::I64, global)
    }

    fn text_address(&mut self, text: &str) -> Value {
        match self.state.text_data(text) {
            Ok(id) => self.data_address(id),
            Err(error) => {
                self.bug(error.0);
                self.builder.ins().iconst(types::I64, 0)
            }
        }
    }

    fn runtime(&mut self, name: &'static str) -> FuncRef {
        match self.state.runtime_function(name) {
            Ok(id) => self.func_ref(id),
            Err(error) => {
                self.bug(error.0);
                let id = self.state.functions.first().copied().unwrap_or(FuncId::from_u32(0));
                self.func_ref(id)
            }
        }
    }

    /// Calls a runtime function without testing the error flag.
    fn call_runtime(&mut self, name: &'static str, args: &[Value]) -> Option<Value> {
        self.forget_checks();
        if let Some(target) = self.state.hot
            && target.linker.uses_import_table()
        {
            // A shared library reaches the runtime only through its import table, which the
            // loader fills: never by dynamic symbol lookup into the host.
            let index = target.linker.runtime_function(name);
            let address = self.hot_reference(index as i64);
            let signature = self.state.runtime_signature(name);
            let signature = self.builder.import_signature(signature);
            let call = self.builder.ins().call_indirect(signature, address, args);
            return self.builder.inst_results(call).first().copied();
        }
        let function = self.runtime(name);
        let call = self.builder.ins().call(function, args);
        self.builder.inst_results(call).first().copied()
    }

    /// In hot mode, what the linker gave for a slot or cell as a value: its address, or (for
    /// a shared library) the address the loader wrote into entry `reference` of the import
    /// table.
    fn hot_reference(&mut self, reference: i64) -> Value {
        let Some(table) = self.state.imports else {
            return self.iconst(reference);
        };
        let base = self.data_address(table);
        // The table is filled before any code of the library runs, and never changes after.
        let flags = trusted().with_readonly();
        self.builder.ins().load(types::I64, flags, base, (reference * 8) as i32)
    }

    /// Calls a runtime function and, if it can fail, propagates its error from `span`.
    fn call_runtime_at(&mut self, name: &'static str, args: &[Value], span: Span) -> Option<Value> {
        let result = self.call_runtime(name, args);
        if runtime_function(name).fallible {
            let flag = self
                .builder
                .ins()
                .load(types::I64, trusted(), self.ctx, CONTEXT_ERROR_FLAG_OFFSET);
            self.error_if(flag, span, None);
        }
        result
    }

    fn iconst(&mut self, value: i64) -> Value {
        self.builder.ins().iconst(types::I64, value)
    }

    /// The checks known to hold here (see [`KnownChecks`]).
    fn known_checks(&mut self) -> &mut KnownChecks {
        let current = self.builder.current_block();
        if self.known_checks.block != current {
            self.known_checks = KnownChecks {
                block: current,
                ..KnownChecks::default()
            };
        }
        &mut self.known_checks
    }

    /// Forgets every known check: a call follows, which may swap in new code.
    fn forget_checks(&mut self) {
        self.known_checks = KnownChecks::default();
        self.calls_emitted += 1;
    }

    /// Flags for a trusted access to memory of `region`.
    fn flags(&mut self, region: Region) -> MemFlagsData {
        let description = match region {
            Region::Cells => "cells",
            Region::Fields => "fields",
            Region::Handles => "handles",
        };
        let region = self.builder.func.dfg.alias_regions.insert(ir::AliasRegionData {
            user_id: region as u32,
            description: std::borrow::Cow::Borrowed(description),
        });
        trusted().with_alias_region(Some(region))
    }

    /// Copies every literal into runtime memory and fills the literal table (run once, before
    /// any code that uses the literals).
    fn intern_literals(&mut self, blob: DataId, literals: &[String]) {
        let ctx = self.ctx;
        let blob_address = self.data_address(blob);
        let table_id = self.state.literal_table;
        let table = self.data_address(table_id);
        let mut offset = 0i64;
        for (index, literal) in literals.iter().enumerate() {
            let address = self.builder.ins().iadd_imm_s(blob_address, offset);
            let len = self.iconst(literal.len() as i64);
            let string = self
                .call_runtime("lang_rt_str_literal", &[ctx, address, len])
                .unwrap_or(len);
            self.builder.ins().store(trusted(), string, table, (index * 8) as i32);
            offset += literal.len() as i64;
        }
    }

    /// The site text of `span` in the current function: `name\tfile:line:col`.
    fn site(&mut self, span: Span) -> Value {
        let location = self.state.location(self.file, span.start);
        let text = format!("{}\t{location}", self.display_name);
        self.text_address(&text)
    }

    /// The block that records a frame's site and returns status 1. One is shared by at most
    /// `ERROR_EXIT_SHARING` error paths: a block with tens of thousands of predecessors (a
    /// long literal or chain of `+`) made computing dominators take quadratic time.
    fn error_exit(&mut self) -> ir::Block {
        if let Some(&block) = self.error_exits.last()
            && self.error_exit_uses < ERROR_EXIT_SHARING
        {
            self.error_exit_uses += 1;
            return block;
        }
        let block = self.builder.create_block();
        self.builder.append_block_param(block, types::I64);
        self.builder.set_cold_block(block);
        self.error_exits.push(block);
        self.error_exit_uses = 1;
        block
    }

    /// Branches to the error path when `condition` is non-zero: raises `raise` (kind and two
    /// arguments) if given, records the site of `span`, and returns status 1.
    fn error_if(&mut self, condition: Value, span: Span, raise: Option<(i64, Value, Value)>) {
        let error_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        let known = self.take_known_checks();
        self.builder
            .ins()
            .brif(condition, error_block, &[], continue_block, &[]);
        self.builder.set_cold_block(error_block);
        self.builder.switch_to_block(error_block);
        self.builder.seal_block(error_block);
        self.raise_and_exit(span, raise);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        self.keep_known_checks(known, continue_block);
    }

    /// The checks known before an error check's branch (the error path is emitted in
    /// between, and its calls must not make the continuation forget them).
    fn take_known_checks(&mut self) -> KnownChecks {
        let current = self.builder.current_block();
        let known = std::mem::take(&mut self.known_checks);
        if known.block == current {
            known
        } else {
            KnownChecks::default()
        }
    }

    /// The continuation of an error check is reached only from the block before it.
    fn keep_known_checks(&mut self, known: KnownChecks, continuation: ir::Block) {
        self.known_checks = KnownChecks {
            block: Some(continuation),
            ..known
        };
    }

    /// Like `error_if` with a raise kind computed at run time.
    fn error_if_dynamic(&mut self, condition: Value, span: Span, kind: Value, a: Value) {
        let error_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        let known = self.take_known_checks();
        self.builder
            .ins()
            .brif(condition, error_block, &[], continue_block, &[]);
        self.builder.set_cold_block(error_block);
        self.builder.switch_to_block(error_block);
        self.builder.seal_block(error_block);
        let kind = self.builder.ins().ireduce(types::I32, kind);
        let zero = self.iconst(0);
        let ctx = self.ctx;
        self.call_runtime("lang_rt_raise", &[ctx, kind, a, zero]);
        self.raise_and_exit(span, None);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        self.keep_known_checks(known, continue_block);
    }

    /// In the current block: raise (if given), record the site, leave through the error exit.
    fn raise_and_exit(&mut self, span: Span, raise: Option<(i64, Value, Value)>) {
        if let Some((kind, a, b)) = raise {
            let kind = self.builder.ins().iconst(types::I32, kind);
            let ctx = self.ctx;
            self.call_runtime("lang_rt_raise", &[ctx, kind, a, b]);
        }
        let site = self.site(span);
        let exit = self.error_exit();
        self.builder.ins().jump(exit, &[BlockArg::Value(site)]);
    }

    /// Starts a fresh block after a terminator, for code that cannot be reached.
    fn start_unreachable_block(&mut self) {
        let block = self.builder.create_block();
        self.builder.switch_to_block(block);
        self.builder.seal_block(block);
    }

    fn is_terminated(&self) -> bool {
        match self.builder.current_block() {
            Some(block) => self
                .builder
                .func
                .layout
                .last_inst(block)
                .is_some_and(|inst| self.builder.func.dfg.insts[inst].opcode().is_terminator()),
            None => true,
        }
    }

    /// Returns from the function with the given status and a zero result.
    fn return_status(&mut self, status: i64, value: Option<Value>) {
        let mut values = Vec::new();
        let returns = self.builder.func.signature.returns.clone();
        if returns.len() == 2 {
            let value = match value {
                Some(value) => value,
                None => self.zero(returns[0].value_type),
            };
            values.push(value);
        }
        let status = self.builder.ins().iconst(types::I8, status);
        values.push(status);
        self.builder.ins().return_(&values);
    }

    fn zero(&mut self, ty: types::Type) -> Value {
        if ty == types::F64 {
            self.builder.ins().f64const(0.0)
        } else {
            self.builder.ins().iconst(ty, 0)
        }
    }

    /// Closes the function: a fall-through return and the shared error exit.
    fn finish(&mut self) {
        if !self.is_terminated() {
            self.return_status(0, None);
        }
        for block in std::mem::take(&mut self.error_exits) {
            self.builder.switch_to_block(block);
            let site = self.builder.block_params(block)[0];
            let ctx = self.ctx;
            self.call_runtime("lang_rt_trace", &[ctx, site]);
            self.return_status(1, None);
        }
        self.builder.seal_all_blocks();
    }

    fn ty(&mut self, expr: &Expr) -> Type {
        match self.state.checked.results.expr_type(self.file, expr.span) {
            Some(ty) => ty.clone(),
            None => {
                self.bug(format!("no type recorded for an expression at {:?}", expr.span));
                Type::Error
            }
        }
    }

    /// Checks the stack depth at function entry (status-return, no guard-page trap).
    fn stack_check(&mut self, span: Span) {
        let sp = self.builder.ins().get_stack_pointer(types::I64);
        let limit = self
            .builder
            .ins()
            .load(types::I64, trusted(), self.ctx, CONTEXT_STACK_LIMIT_OFFSET);
        let overflow = self.builder.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        let zero = self.iconst(0);
        self.error_if(overflow, span, Some((RAISE_STACK_OVERFLOW, zero, zero)));
    }

    // ------------------------------------------------------------- values

    /// A value as a 64-bit word, for memory and runtime calls.
    fn word_of(&mut self, value: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().bitcast(types::I64, MemFlagsData::new(), value),
            Type::Bool => self.builder.ins().uextend(types::I64, value),
            _ => value,
        }
    }

    fn value_of_word(&mut self, word: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().bitcast(types::F64, MemFlagsData::new(), word),
            Type::Bool => self.builder.ins().ireduce(types::I8, word),
            _ => word,
        }
    }

    /// Converts a value of type `from` where a `to` is expected: boxes a plain `int`,
    /// `float` or `bool` stored into an optional.
    fn coerce(&mut self, value: Value, from: &Type, to: &Type, span: Span) -> Value {
        if let Type::Optional(inner) = to
            && !matches!(from, Type::Optional(_) | Type::Nil | Type::Error)
            && is_boxed_optional(inner)
        {
            let word = self.word_of(value, inner);
            let ctx = self.ctx;
            return self.call_runtime_at("lang_rt_box", &[ctx, word], span).unwrap_or(word);
        }
        value
    }

    fn expr_to(&mut self, expr: &Expr, to: &Type) -> Value {
        let from = self.ty(expr);
        let value = self.expr_value(expr);
        self.coerce(value, &from, to, expr.span)
    }

    /// Translates an expression that has a value.
    fn expr_value(&mut self, expr: &Expr) -> Value {
        match self.expr(expr) {
            Some(value) => value,
            None => {
                self.bug("an expression without a value was used as one");
                self.iconst(0)
            }
        }
    }

    // ------------------------------------------------------------- functions

    fn function_body(&mut self, id: FunctionId, declaration: &ast::FunctionDecl) {
        let info = self.state.checked.items.function(id).clone();
        self.result = info.result.clone();
        self.stack_check(declaration.name.span);
        self.poll(declaration.name.span, Some(id));
        let params = self.params.clone();
        for ((param, ty), value) in declaration.params.iter().zip(&info.params).zip(params) {
            self.declare_local(&param.name.text, ty.clone(), value);
        }
        self.block(&declaration.body);
    }

    fn module_initializer(&mut self, module: ModuleId) {
        let checked = self.state.checked;
        let module_data = checked.program.module(module);
        for (index, info) in checked.items.variables.iter().enumerate() {
            if info.module != module {
                continue;
            }
            let ast::Item::Variable(declaration) = &module_data.ast.items[info.item_index] else {
                continue;
            };
            let ty = info.ty.clone().unwrap_or(Type::Error);
            let value = self.expr_to(&declaration.init, &ty);
            if self.is_terminated() {
                self.start_unreachable_block();
            }
            let word = self.word_of(value, &ty);
            let address = self.variable_address(VariableId(index as u32));
            let cells = self.flags(Region::Cells);
            self.builder.ins().store(cells, word, address, 0);
            let one = self.iconst(1);
            self.builder.ins().store(cells, one, address, 8);
        }
    }

    /// Hot mode: evaluates one module variable's initializer into its cell.
    fn variable_initializer(&mut self, id: VariableId) {
        let checked = self.state.checked;
        let info = checked.items.variable(id);
        let ast::Item::Variable(declaration) = &checked.program.module(info.module).ast.items[info.item_index] else {
            return;
        };
        let ty = info.ty.clone().unwrap_or(Type::Error);
        let value = self.expr_to(&declaration.init, &ty);
        if self.is_terminated() {
            return;
        }
        let word = self.word_of(value, &ty);
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        self.builder.ins().store(cells, word, address, 0);
        let one = self.iconst(1);
        self.builder.ins().store(cells, one, address, 8);
    }

    /// The slot of a script function, in hot mode.
    fn hot_slot(&mut self, id: FunctionId) -> Option<i64> {
        let target = self.state.hot?;
        let checked = self.state.checked;
        let info = checked.items.function(id);
        let module = &checked.program.module(info.module).name;
        let signature = checked.type_key(&info.ty());
        Some(target.linker.function_slot(module, &info.name, &signature) as i64)
    }

    fn variable_address(&mut self, id: VariableId) -> Value {
        if let Some(target) = self.state.hot {
            let checked = self.state.checked;
            let info = checked.items.variable(id);
            let module = &checked.program.module(info.module).name;
            let ty = checked.type_key(info.ty.as_ref().unwrap_or(&Type::Error));
            let cell = target.linker.variable_cell(module, &info.name, &ty);
            return self.hot_reference(cell as i64);
        }
        let info = self.state.checked.items.variable(id);
        let data = self.state.globals[info.module.0 as usize];
        let slot = self.state.variable_slots[id.0 as usize];
        let base = self.data_address(data);
        self.builder.ins().iadd_imm_s(base, (slot * 16) as i64)
    }

    fn read_variable(&mut self, id: VariableId, span: Span) -> Value {
        let info = self.state.checked.items.variable(id).clone();
        // After initialization, a module constant initialized by a literal needs no load
        // (not under hot reload, where an edited `let` takes its new value).
        let hot = self.state.hot.is_some();
        if !hot
            && !self.may_run_during_initialization
            && !info.mutable
            && let ast::Item::Variable(declaration) =
                &self.state.checked.program.module(info.module).ast.items[info.item_index]
        {
            let literal = match (&declaration.init.kind, &info.ty) {
                (ExprKind::Int(value), Some(Type::Int)) => Some(self.iconst(*value)),
                (ExprKind::Float(value), Some(Type::Float)) => Some(self.builder.ins().f64const(*value)),
                (ExprKind::Bool(value), Some(Type::Bool)) => Some(self.builder.ins().iconst(types::I8, *value as i64)),
                (ExprKind::Str(text), Some(Type::Str)) => Some(self.string_literal(text)),
                (
                    ExprKind::Unary {
                        op: UnaryOp::Negate,
                        operand,
                    },
                    Some(ty),
                ) => match (&operand.kind, ty) {
                    (ExprKind::Int(value), Type::Int) => Some(self.iconst(value.wrapping_neg())),
                    (ExprKind::Float(value), Type::Float) => Some(self.builder.ins().f64const(-*value)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(literal) = literal {
                return literal;
            }
        }
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        if hot {
            if !self.known_checks().variables.contains(&(id.0 as i64)) {
                // 1 is initialized; 0 not yet, 2 removed or retyped by a reload.
                let state = self.builder.ins().load(types::I64, cells, address, 8);
                let bad = self.builder.ins().icmp_imm_s(IntCC::NotEqual, state, 1);
                let removed = self.builder.ins().icmp_imm_s(IntCC::Equal, state, 2);
                let gone = self.iconst(RAISE_VARIABLE_GONE);
                let uninitialized = self.iconst(RAISE_UNINITIALIZED);
                let kind = self.builder.ins().select(removed, gone, uninitialized);
                let name = self.text_address(&info.name);
                self.error_if_dynamic(bad, span, kind, name);
                self.known_checks().variables.insert(id.0 as i64);
            }
        } else if self.may_run_during_initialization {
            let initialized = self.builder.ins().load(types::I64, cells, address, 8);
            let missing = self.builder.ins().icmp_imm_s(IntCC::Equal, initialized, 0);
            let name = self.text_address(&info.name);
            let zero = self.iconst(0);
            self.error_if(missing, span, Some((RAISE_UNINITIALIZED, name, zero)));
        }
        let word = self.builder.ins().load(types::I64, cells, address, 0);
        let ty = info.ty.unwrap_or(Type::Error);
        self.value_of_word(word, &ty)
    }

    fn write_variable(&mut self, id: VariableId, value: Value) {
        let ty = self.state.checked.items.variable(id).ty.clone().unwrap_or(Type::Error);
        let word = self.word_of(value, &ty);
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        self.builder.ins().store(cells, word, address, 0);
    }

    // ------------------------------------------------------------- locals and blocks

    fn declare_local(&mut self, name: &str, ty: Type, value: Value) -> Variable {
        let clif = clif_type(&ty).unwrap_or(types::I64);
        let variable = self.builder.declare_var(clif);
        self.builder.def_var(variable, value);
        self.scopes
            .last_mut()
            .expect("a scope is open")
            .push((name.to_string(), variable, ty));
        variable
    }

    fn lookup_local(&self, name: &str) -> Option<(Variable, Type)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local, _, _)| local == name)
            .map(|(_, variable, ty)| (*variable, ty.clone()))
    }

    fn block(&mut self, block: &ast::Block) {
        self.scopes.push(Vec::new());
        for statement in &block.statements {
            if self.is_terminated() {
                self.start_unreachable_block();
            }
            self.statement(statement);
        }
        self.scopes.pop();
    }

    // ------------------------------------------------------------- statements

    fn statement(&mut self, statement: &ast::Statement) {
        self.statement_kind(statement);
        // A statement of `main` that ran other script code may have reached a safe point
        // where a reload changed `main`: its end is where the new `main` is entered.
        if self.program_main
            && !self.is_terminated()
            && super::reachability::statement_may_run_script_code(self.state.checked, self.file, statement)
        {
            self.poll(statement.span, None);
        }
    }

    fn statement_kind(&mut self, statement: &ast::Statement) {
        match &statement.kind {
            StatementKind::Let { name, init, .. } => {
                let ty = match self.state.checked.results.local(self.file, name.span) {
                    Some(ty) => ty.clone(),
                    None => {
                        self.bug("no type recorded for a local");
                        Type::Error
                    }
                };
                let value = self.expr_to(init, &ty);
                self.declare_local(&name.text, ty, value);
            }
            StatementKind::Assign { target, op, value } => self.assignment(target, *op, value),
            StatementKind::Expr(expr) => {
                self.expr(expr);
            }
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => {
                let condition = self.expr_value(condition);
                let then_label = self.builder.create_block();
                let else_label = self.builder.create_block();
                let merge = self.builder.create_block();
                // Checks made before the `if` hold in both branches, and after it if neither
                // branch called anything.
                let known = self.take_known_checks();
                let calls_before = self.calls_emitted;
                self.builder.ins().brif(condition, then_label, &[], else_label, &[]);
                self.builder.switch_to_block(then_label);
                self.builder.seal_block(then_label);
                self.keep_known_checks(known.clone(), then_label);
                self.block(then_block);
                self.jump_if_open(merge);
                self.builder.switch_to_block(else_label);
                self.builder.seal_block(else_label);
                self.keep_known_checks(known.clone(), else_label);
                self.else_branch(else_branch);
                self.jump_if_open(merge);
                self.builder.switch_to_block(merge);
                self.builder.seal_block(merge);
                if self.calls_emitted == calls_before {
                    self.keep_known_checks(known, merge);
                }
            }
            StatementKind::IfLet {
                name,
                value,
                then_block,
                else_branch,
            } => {
                let optional_type = self.ty(value);
                let optional = self.expr_value(value);
                let inner = match &optional_type {
                    Type::Optional(inner) => (**inner).clone(),
                    _ => Type::Error,
                };
                let then_label = self.builder.create_block();
                let else_label = self.builder.create_block();
                let merge = self.builder.create_block();
                self.builder.ins().brif(optional, then_label, &[], else_label, &[]);
                self.builder.switch_to_block(then_label);
                self.builder.seal_block(then_label);
                let unwrapped = self.unbox(optional, &inner);
                self.scopes.push(Vec::new());
                self.declare_local(&name.text, inner, unwrapped);
                self.block(then_block);
                self.scopes.pop();
                self.jump_if_open(merge);
                self.builder.switch_to_block(else_label);
                self.builder.seal_block(else_label);
                self.else_branch(else_branch);
                self.jump_if_open(merge);
                self.builder.switch_to_block(merge);
                self.builder.seal_block(merge);
            }
            StatementKind::While { condition, body } => {
                let header = self.builder.create_block();
                let body_label = self.builder.create_block();
                let exit = self.builder.create_block();
                self.builder.ins().jump(header, &[]);
                self.builder.switch_to_block(header);
                self.poll(statement.span, None);
                let condition = self.expr_value(condition);
                self.builder.ins().brif(condition, body_label, &[], exit, &[]);
                self.builder.switch_to_block(body_label);
                self.builder.seal_block(body_label);
                self.loops.push((header, exit));
                self.block(body);
                self.loops.pop();
                self.jump_if_open(header);
                self.builder.seal_block(header);
                self.builder.switch_to_block(exit);
                self.builder.seal_block(exit);
            }
            StatementKind::ForRange {
                variable,
                start,
                end,
                inclusive,
                body,
            } => self.for_range(variable, start, end, *inclusive, body, statement.span),
            StatementKind::ForEach {
                first,
                second,
                iterable,
                body,
            } => self.for_each(first, second.as_ref(), iterable, body, statement.span),
            StatementKind::Break => {
                if let Some(&(_, exit)) = self.loops.last() {
                    self.builder.ins().jump(exit, &[]);
                }
            }
            StatementKind::Continue => {
                if let Some(&(next, _)) = self.loops.last() {
                    self.builder.ins().jump(next, &[]);
                }
            }
            StatementKind::Return(value) => {
                let value = match (value, self.result.clone()) {
                    (Some(value), Some(result)) => Some(self.expr_to(value, &result)),
                    (Some(value), None) => {
                        self.expr(value);
                        None
                    }
                    _ => None,
                };
                if !self.is_terminated() {
                    self.return_status(0, value);
                }
            }
            StatementKind::Error => self.bug("an erroneous statement reached code generation"),
        }
    }

    fn jump_if_open(&mut self, target: ir::Block) {
        if !self.is_terminated() {
            self.builder.ins().jump(target, &[]);
        }
    }

    fn else_branch(&mut self, else_branch: &Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => {
                self.scopes.push(Vec::new());
                self.statement(statement);
                self.scopes.pop();
            }
            None => {}
        }
    }

    fn for_range(
        &mut self,
        variable: &ast::Name,
        start: &Expr,
        end: &Expr,
        inclusive: bool,
        body: &ast::Block,
        span: Span,
    ) {
        let start = self.expr_value(start);
        let end = self.expr_value(end);
        let counter = self.builder.declare_var(types::I64);
        self.builder.def_var(counter, start);
        let header = self.builder.create_block();
        let body_label = self.builder.create_block();
        let next = self.builder.create_block();
        let exit = self.builder.create_block();
        // An inclusive range must not step past `end` (which may be the largest int).
        let condition = if inclusive {
            IntCC::SignedLessThanOrEqual
        } else {
            IntCC::SignedLessThan
        };
        let enter = self.builder.ins().icmp(condition, start, end);
        self.builder.ins().brif(enter, body_label, &[], exit, &[]);
        self.builder.switch_to_block(body_label);
        let current = self.builder.use_var(counter);
        self.scopes.push(Vec::new());
        self.declare_local(&variable.text, Type::Int, current);
        self.loops.push((next, exit));
        self.block(body);
        self.loops.pop();
        self.scopes.pop();
        self.jump_if_open(next);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        let current = self.builder.use_var(counter);
        if inclusive {
            let at_end = self.builder.ins().icmp(IntCC::Equal, current, end);
            let stepped = self.builder.ins().iadd_imm_s(current, 1);
            self.builder.def_var(counter, stepped);
            self.builder.ins().brif(at_end, exit, &[], header, &[]);
        } else {
            let stepped = self.builder.ins().iadd_imm_s(current, 1);
            self.builder.def_var(counter, stepped);
            self.builder.ins().jump(header, &[]);
        }
        self.builder.switch_to_block(header);
        self.poll(span, None);
        let current = self.builder.use_var(counter);
        let more = self.builder.ins().icmp(condition, current, end);
        self.builder.ins().brif(more, body_label, &[], exit, &[]);
        self.builder.seal_block(header);
        self.builder.seal_block(body_label);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    fn for_each(
        &mut self,
        first: &ast::Name,
        second: Option<&ast::Name>,
        iterable: &Expr,
        body: &ast::Block,
        span: Span,
    ) {
        let iterable_type = self.ty(iterable);
        let collection = self.expr_value(iterable);
        let (sequence, element, map) = match &iterable_type {
            Type::Array(element) => (collection, (**element).clone(), None),
            Type::Map(key, value) => {
                // Iterate over a snapshot of the keys: keys inserted during the loop are not
                // visited (nor one removed and inserted again), removed ones are skipped,
                // values are read fresh.
                let ctx = self.ctx;
                let insertions = self
                    .call_runtime("lang_rt_map_insertions", &[ctx, collection])
                    .unwrap_or(collection);
                let keys = self
                    .call_runtime_at("lang_rt_map_keys", &[ctx, collection], iterable.span)
                    .unwrap_or(collection);
                (
                    keys,
                    (**key).clone(),
                    Some(((**key).clone(), (**value).clone(), insertions)),
                )
            }
            _ => {
                self.bug("iteration over a value that is not an array or a map");
                return;
            }
        };
        let index = self.builder.declare_var(types::I64);
        let zero = self.iconst(0);
        self.builder.def_var(index, zero);
        let header = self.builder.create_block();
        let body_label = self.builder.create_block();
        let next = self.builder.create_block();
        let exit = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        self.poll(span, None);
        let current = self.builder.use_var(index);
        let len = self
            .builder
            .ins()
            .load(types::I64, trusted(), sequence, ARRAY_LEN_OFFSET);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, current, len);
        self.builder.ins().brif(more, body_label, &[], exit, &[]);
        self.builder.switch_to_block(body_label);
        self.builder.seal_block(body_label);
        let item = self.load_element(sequence, current, &element);
        self.scopes.push(Vec::new());
        match map {
            None => {
                self.declare_local(&first.text, element, item);
            }
            Some((key_type, value_type, insertions)) => {
                let slot = self.lookup_slot();
                let out = self.builder.ins().stack_addr(types::I64, slot, 0);
                let ctx = self.ctx;
                let key_word = self.word_of(item, &key_type);
                let found = self
                    .call_runtime(
                        "lang_rt_map_lookup_before",
                        &[ctx, collection, key_word, out, insertions],
                    )
                    .unwrap_or(zero);
                let present = self.builder.create_block();
                self.builder.ins().brif(found, present, &[], next, &[]);
                self.builder.switch_to_block(present);
                self.builder.seal_block(present);
                self.declare_local(&first.text, key_type, item);
                if let Some(second) = second {
                    let word = self.builder.ins().stack_load(types::I64, types::I64, slot, 0);
                    let value = self.value_of_word(word, &value_type);
                    self.declare_local(&second.text, value_type, value);
                }
            }
        }
        self.loops.push((next, exit));
        self.block(body);
        self.loops.pop();
        self.scopes.pop();
        self.jump_if_open(next);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
        let current = self.builder.use_var(index);
        let stepped = self.builder.ins().iadd_imm_s(current, 1);
        self.builder.def_var(index, stepped);
        self.builder.ins().jump(header, &[]);
        self.builder.seal_block(header);
        self.builder.switch_to_block(exit);
        self.builder.seal_block(exit);
    }

    fn lookup_slot(&mut self) -> ir::StackSlot {
        if let Some(slot) = self.lookup_slot {
            return slot;
        }
        let slot = self
            .builder
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3));
        self.lookup_slot = Some(slot);
        slot
    }

    fn assignment(&mut self, target: &Expr, op: Option<BinaryOp>, value: &Expr) {
        let target_type = self.ty(target);
        match &target.kind {
            ExprKind::Paren(inner) => self.assignment(inner, op, value),
            ExprKind::Name(name) => {
                let reference = self.state.checked.results.name(self.file, name.span);
                let current = op.map(|_| self.expr_value(target));
                let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                match reference {
                    Some(NameRef::Variable(id)) => self.write_variable(id, new_value),
                    _ => match self.lookup_local(&name.text) {
                        Some((variable, _)) => self.builder.def_var(variable, new_value),
                        None => self.bug(format!("assignment to unknown `{}`", name.text)),
                    },
                }
            }
            ExprKind::Field { object, field } => {
                if let Some(NameRef::Variable(id)) = self.state.checked.results.name(self.file, field.span) {
                    let current = op.map(|_| self.read_variable(id, target.span));
                    let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                    self.write_variable(id, new_value);
                    return;
                }
                let object_type = self.ty(object);
                let object_value = self.expr_value(object);
                let current = match op {
                    Some(_) => {
                        let (base, offset) = self.field_address(&object_type, object_value, &field.text, target.span);
                        let fields = self.flags(Region::Fields);
                        let word = self.builder.ins().load(types::I64, fields, base, offset);
                        Some(self.value_of_word(word, &target_type))
                    }
                    None => None,
                };
                let new_value = self.assigned_value(current, &target_type, op, value, target.span);
                let word = self.word_of(new_value, &target_type);
                // The address is taken after the value is computed: a reload during that
                // computation may have migrated the object.
                let (base, offset) = self.field_address(&object_type, object_value, &field.text, target.span);
                let fields = self.flags(Region::Fields);
                self.builder.ins().store(fields, word, base, offset);
            }
            ExprKind::Index { object, index } => {
                let object_type = self.ty(object);
                let collection = self.expr_value(object);
                match &object_type {
                    Type::Array(element) => {
                        let element = (**element).clone();
                        let index_value = self.expr_value(index);
                        let current = op.map(|_| self.array_get(collection, index_value, &element, target.span));
                        let new_value = self.assigned_value(current, &element, op, value, target.span);
                        self.array_set(collection, index_value, new_value, &element, target.span);
                    }
                    Type::Map(key, map_value) => {
                        let (key, map_value) = ((**key).clone(), (**map_value).clone());
                        let key_value = self.expr_value(index);
                        let key_word = self.word_of(key_value, &key);
                        let ctx = self.ctx;
                        let current = match op {
                            Some(_) => {
                                let word = self
                                    .call_runtime_at("lang_rt_map_get", &[ctx, collection, key_word], target.span)
                                    .unwrap_or(key_word);
                                Some(self.value_of_word(word, &map_value))
                            }
                            None => None,
                        };
                        let new_value = self.assigned_value(current, &map_value, op, value, target.span);
                        let word = self.word_of(new_value, &map_value);
                        self.call_runtime_at("lang_rt_map_set", &[ctx, collection, key_word, word], target.span);
                    }
                    _ => self.bug("indexed assignment into a value that is not an array or a map"),
                }
            }
            _ => self.bug("assignment to an expression that is not a place"),
        }
    }

    /// The value to store: `value` itself, or `current op value` for compound assignment.
    fn assigned_value(
        &mut self,
        current: Option<Value>,
        target_type: &Type,
        op: Option<BinaryOp>,
        value: &Expr,
        span: Span,
    ) -> Value {
        match (op, current) {
            (Some(op), Some(current)) => {
                let value_type = self.ty(value);
                let rhs = self.expr_value(value);
                let span = span.to(value.span);
                self.binary_values(op, current, target_type, rhs, &value_type, span)
            }
            _ => self.expr_to(value, target_type),
        }
    }

    // ------------------------------------------------------------- expressions

    fn expr(&mut self, expr: &Expr) -> Option<Value> {
        let value = match &expr.kind {
            ExprKind::Int(value) => self.iconst(*value),
            ExprKind::Float(value) => self.builder.ins().f64const(*value),
            ExprKind::Bool(value) => self.builder.ins().iconst(types::I8, *value as i64),
            ExprKind::Nil => self.iconst(0),
            ExprKind::Str(text) => self.string_literal(text),
            ExprKind::Interpolated(parts) => self.interpolation(parts, expr.span),
            ExprKind::Name(name) => self.name(name, expr.span),
            ExprKind::Array(elements) => self.array_literal(expr, elements),
            ExprKind::Map(entries) => self.map_literal(expr, entries),
            ExprKind::StructLiteral { fields, .. } => self.struct_literal(expr, fields),
            ExprKind::Unary { op, operand } => self.unary(*op, operand),
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, expr.span),
            ExprKind::Call { callee, args } => return self.call(expr, callee, args),
            ExprKind::Field { object, field } => self.field(object, field, expr.span),
            ExprKind::Index { object, index } => self.index(object, index, expr.span),
            ExprKind::Unwrap(inner) => {
                let inner_type = self.ty(inner);
                let optional = self.expr_value(inner);
                let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, optional, 0);
                let zero = self.iconst(0);
                self.error_if(is_nil, expr.span, Some((RAISE_UNWRAP_NIL, zero, zero)));
                let inner = match inner_type {
                    Type::Optional(inner) => *inner,
                    _ => Type::Error,
                };
                self.unbox(optional, &inner)
            }
            ExprKind::Paren(inner) => return self.expr(inner),
            ExprKind::Error => {
                self.bug("an erroneous expression reached code generation");
                self.iconst(0)
            }
        };
        Some(value)
    }

    /// The value inside a non-nil optional.
    fn unbox(&mut self, optional: Value, inner: &Type) -> Value {
        if is_boxed_optional(inner) {
            let word = self
                .builder
                .ins()
                .load(types::I64, trusted(), optional, BOX_VALUE_OFFSET);
            self.value_of_word(word, inner)
        } else {
            optional
        }
    }

    fn string_literal(&mut self, text: &str) -> Value {
        let index = self.state.literal(text);
        let table = self.state.literal_table;
        let base = self.data_address(table);
        self.builder.ins().load(types::I64, trusted(), base, (index * 8) as i32)
    }

    fn interpolation(&mut self, parts: &[ast::StringPart], span: Span) -> Value {
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (parts.len().max(1) * 8) as u32,
            3,
        ));
        for (index, part) in parts.iter().enumerate() {
            let string = match part {
                ast::StringPart::Text(text) => self.string_literal(text),
                ast::StringPart::Expr(inner) => {
                    let ty = self.ty(inner);
                    let value = self.expr_value(inner);
                    self.string_of(value, &ty, inner.span)
                }
            };
            self.builder
                .ins()
                .stack_store(types::I64, string, slot, (index * 8) as i32);
        }
        let address = self.builder.ins().stack_addr(types::I64, slot, 0);
        let count = self.iconst(parts.len() as i64);
        let ctx = self.ctx;
        self.call_runtime_at("lang_rt_str_concat_n", &[ctx, address, count], span)
            .unwrap_or(address)
    }

    fn string_of(&mut self, value: Value, ty: &Type, span: Span) -> Value {
        let ctx = self.ctx;
        let name = match ty {
            Type::Int => "lang_rt_int_to_str",
            Type::Float => "lang_rt_float_to_str",
            Type::Bool => "lang_rt_bool_to_str",
            _ => return value,
        };
        self.call_runtime_at(name, &[ctx, value], span).unwrap_or(value)
    }

    fn name(&mut self, name: &ast::Name, span: Span) -> Value {
        match self.state.checked.results.name(self.file, name.span) {
            Some(NameRef::Local) | None => match self.lookup_local(&name.text) {
                Some((variable, _)) => self.builder.use_var(variable),
                None => {
                    self.bug(format!("unknown local `{}`", name.text));
                    self.iconst(0)
                }
            },
            Some(NameRef::Variable(id)) => self.read_variable(id, span),
            Some(NameRef::Function(id)) => self.function_value(id),
            Some(NameRef::Builtin(builtin)) => self.builtin_value(builtin),
        }
    }

    /// A function value: the address of a word holding the function's address.
    fn function_value(&mut self, id: FunctionId) -> Value {
        if let Some(slot) = self.hot_slot(id) {
            return self.hot_reference(slot);
        }
        let slot = match self.state.function_slots.get(&id) {
            Some(&slot) => slot,
            None => match self.define_function_slot(self.state.functions[id.0 as usize]) {
                Ok(slot) => {
                    self.state.function_slots.insert(id, slot);
                    slot
                }
                Err(error) => {
                    self.bug(error.0);
                    return self.iconst(0);
                }
            },
        };
        self.data_address(slot)
    }

    fn define_function_slot(&mut self, function: FuncId) -> Result<DataId, CodegenError> {
        let name = self.state.unique_name(format!("lang.slot.{}", function.as_u32()));
        let slot = self.state.module.declare_data(&name, Linkage::Local, false, false)?;
        let mut description = DataDescription::new();
        // Initialized data, not zero-initialized: a relocation cannot apply to `.bss`.
        description.define(vec![0u8; 8].into_boxed_slice());
        description.set_align(8);
        let reference = self.state.module.declare_func_in_data(function, &mut description);
        description.write_function_addr(0, reference);
        self.state.module.define_data(slot, &description)?;
        Ok(slot)
    }

    fn builtin_value(&mut self, builtin: Builtin) -> Value {
        if let (Some(target), Some((params, result))) = (self.state.hot, builtin.signature()) {
            let signature = self
                .state
                .checked
                .items
                .display(&Type::Function(params, result.map(Box::new)));
            let slot = target.linker.function_slot("<builtin>", builtin.name(), &signature);
            if !self.state.builtin_wrappers.contains_key(&builtin) {
                self.builtin_value_wrapper(builtin);
            }
            if let Some(&(function, _)) = self.state.builtin_wrappers.get(&builtin) {
                self.state.slot_patches.push((slot, function));
            }
            return self.hot_reference(slot as i64);
        }
        self.builtin_value_wrapper(builtin)
    }

    fn builtin_value_wrapper(&mut self, builtin: Builtin) -> Value {
        let slot = match self.state.builtin_wrappers.get(&builtin) {
            Some(&(_, slot)) => slot,
            None => {
                let Some((params, result)) = builtin.signature() else {
                    self.bug("a generic built-in used as a value");
                    return self.iconst(0);
                };
                let signature = self.state.script_signature(&params, result.as_ref());
                let name = self.state.unique_name(format!("lang.builtin.{}", builtin.name()));
                let created = self
                    .state
                    .module
                    .declare_function(&name, Linkage::Local, &signature)
                    .map_err(CodegenError::from)
                    .and_then(|function| Ok((function, self.define_function_slot(function)?)));
                match created {
                    Ok((function, slot)) => {
                        self.state.builtin_wrappers.insert(builtin, (function, slot));
                        self.state.pending_wrappers.push(builtin);
                        slot
                    }
                    Err(error) => {
                        self.bug(error.0);
                        return self.iconst(0);
                    }
                }
            }
        };
        self.data_address(slot)
    }

    fn array_literal(&mut self, expr: &Expr, elements: &[Expr]) -> Value {
        let Type::Array(element) = self.ty(expr) else {
            self.bug("an array literal without an array type");
            return self.iconst(0);
        };
        // The array is made first and each element stored as soon as it is evaluated (left to
        // right): holding every element in a register until the end made the register
        // allocator's work grow with the square of a long literal's length.
        let kind = self.builder.ins().iconst(types::I32, element_kind(&element));
        let len = self.iconst(elements.len() as i64);
        let ctx = self.ctx;
        let array = self
            .call_runtime_at("lang_rt_array_new", &[ctx, kind, len], expr.span)
            .unwrap_or(len);
        for (index, item) in elements.iter().enumerate() {
            let value = self.expr_to(item, &element);
            // Loaded again after each element: evaluating one may have run any code.
            let data = self.builder.ins().load(types::I64, trusted(), array, ARRAY_DATA_OFFSET);
            self.store_element_at(data, index as i64 * element_size(&element), value, &element);
        }
        array
    }

    fn map_literal(&mut self, expr: &Expr, entries: &[(Expr, Expr)]) -> Value {
        let Type::Map(key, value) = self.ty(expr) else {
            self.bug("a map literal without a map type");
            return self.iconst(0);
        };
        let mut kind = 0;
        if *key == Type::Str {
            kind |= MAP_STRING_KEYS;
        }
        if is_reference(&value) {
            kind |= MAP_REFERENCE_VALUES;
        }
        let kind = self.builder.ins().iconst(types::I32, kind);
        let capacity = self.iconst(entries.len() as i64);
        let ctx = self.ctx;
        // As for arrays: the map is made first, and entries are stored in a stack buffer as
        // they are evaluated and inserted a batch at a time, in order. A long literal keeps no
        // more values alive than a short one, and needs one call per batch, not per entry:
        // both made the register allocator's work grow with the square of its length. (The
        // collector scans the stack, so the buffered keys and values stay alive.)
        let map = self
            .call_runtime_at("lang_rt_map_new", &[ctx, kind, capacity], expr.span)
            .unwrap_or(capacity);
        let batch = entries.len().min(MAP_LITERAL_BATCH);
        if batch == 0 {
            return map;
        }
        let buffer = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            (batch * 16) as u32,
            3,
        ));
        for chunk in entries.chunks(MAP_LITERAL_BATCH) {
            for (index, (entry_key, entry_value)) in chunk.iter().enumerate() {
                let key_value = self.expr_to(entry_key, &key);
                let key_word = self.word_of(key_value, &key);
                self.builder
                    .ins()
                    .stack_store(types::I64, key_word, buffer, (index * 16) as i32);
                let value_value = self.expr_to(entry_value, &value);
                let value_word = self.word_of(value_value, &value);
                self.builder
                    .ins()
                    .stack_store(types::I64, value_word, buffer, (index * 16 + 8) as i32);
            }
            let address = self.builder.ins().stack_addr(types::I64, buffer, 0);
            let count = self.iconst(chunk.len() as i64);
            self.call_runtime_at("lang_rt_map_set_many", &[ctx, map, address, count], expr.span);
        }
        map
    }

    fn struct_literal(&mut self, expr: &Expr, fields: &[ast::FieldInit]) -> Value {
        let Type::Struct(id) = self.ty(expr) else {
            self.bug("a struct literal without a struct type");
            return self.iconst(0);
        };
        let info = self.state.checked.items.struct_info(id).clone();
        // Evaluate the given fields in source order, then the defaults in declaration order.
        let mut values: Vec<Option<Value>> = vec![None; info.fields.len()];
        for field in fields {
            if let Some(position) = info.fields.iter().position(|known| known.name == field.name.text) {
                let value = self.expr_to(&field.value, &info.fields[position].ty);
                values[position] = Some(self.word_of(value, &info.fields[position].ty));
            }
        }
        for (position, field) in info.fields.iter().enumerate() {
            if values[position].is_none() {
                let value = self.field_default(id, position, expr.span);
                values[position] = Some(self.word_of(value, &field.ty));
            }
        }
        let desc = match self.state.hot {
            Some(target) => {
                let cell = target.linker.struct_desc_cell(
                    &self.state.checked.program.module(info.module).name,
                    &info.name,
                    "",
                );
                let cell = self.hot_reference(cell as i64);
                self.builder.ins().load(types::I64, trusted(), cell, 0)
            }
            None => {
                let table = self.state.struct_descs;
                let base = self.data_address(table);
                self.builder.ins().load(types::I64, trusted(), base, (id.0 * 8) as i32)
            }
        };
        let ctx = self.ctx;
        if self.state.hot.is_some() {
            let hash = self.iconst(layout_hash(&struct_layout(self.state.checked, id)) as i64);
            let object = self
                .call_runtime_at("lang_rt_alloc_hot_struct", &[ctx, desc, hash], expr.span)
                .unwrap_or(desc);
            let handles = self.flags(Region::Handles);
            let payload = self
                .builder
                .ins()
                .load(types::I64, handles, object, HANDLE_PAYLOAD_OFFSET);
            let cells = self.flags(Region::Cells);
            let fields = self.flags(Region::Fields);
            for (position, value) in values.into_iter().enumerate() {
                let (Some(value), Some(cell)) = (value, self.hot_field_cell(id, &info.fields[position].name)) else {
                    continue;
                };
                // Old code building a struct whose layout changed skips fields that are gone.
                let cell = self.hot_reference(cell);
                let offset = self.builder.ins().load(types::I64, cells, cell, 0);
                let present = self
                    .builder
                    .ins()
                    .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, offset, 0);
                let store = self.builder.create_block();
                let next = self.builder.create_block();
                self.builder.ins().brif(present, store, &[], next, &[]);
                self.builder.switch_to_block(store);
                self.builder.seal_block(store);
                let address = self.builder.ins().iadd(payload, offset);
                self.builder.ins().store(fields, value, address, 0);
                self.builder.ins().jump(next, &[]);
                self.builder.switch_to_block(next);
                self.builder.seal_block(next);
            }
            return object;
        }
        let object = self
            .call_runtime_at("lang_rt_alloc_struct", &[ctx, desc], expr.span)
            .unwrap_or(desc);
        let fields = self.flags(Region::Fields);
        for (position, value) in values.into_iter().enumerate() {
            if let Some(value) = value {
                self.builder
                    .ins()
                    .store(fields, value, object, STRUCT_FIELDS_OFFSET + position as i32 * 8);
            }
        }
        object
    }

    /// The default of a field: constants inline, anything else through a helper function
    /// evaluated afresh for each construction.
    fn field_default(&mut self, id: StructId, position: usize, span: Span) -> Value {
        let checked = self.state.checked;
        let info = checked.items.struct_info(id);
        let ty = info.fields[position].ty.clone();
        if let Some(default) = struct_field_default(checked, id, position) {
            match &default.kind {
                ExprKind::Int(value) => return self.iconst(*value),
                ExprKind::Float(value) => return self.builder.ins().f64const(*value),
                ExprKind::Bool(value) => return self.builder.ins().iconst(types::I8, *value as i64),
                ExprKind::Nil => return self.iconst(0),
                ExprKind::Str(text) => return self.string_literal(text),
                _ => {}
            }
        }
        let helper = match self.state.default_helpers.get(&(id, position)) {
            Some(&helper) => helper,
            None => {
                let signature = self.state.script_signature(&[], Some(&ty));
                let name = self
                    .state
                    .unique_name(format!("lang.default.{}.{}", info.name, info.fields[position].name));
                match self.state.module.declare_function(&name, Linkage::Local, &signature) {
                    Ok(helper) => {
                        self.state.default_helpers.insert((id, position), helper);
                        self.state.pending_defaults.push((id, position));
                        helper
                    }
                    Err(error) => {
                        self.bug(error.to_string());
                        return self.iconst(0);
                    }
                }
            }
        };
        let reference = self.func_ref(helper);
        let ctx = self.ctx;
        self.forget_checks();
        let call = self.builder.ins().call(reference, &[ctx]);
        let results = self.builder.inst_results(call).to_vec();
        self.check_status(results[1], span);
        results[0]
    }

    fn check_status(&mut self, status: Value, span: Span) {
        self.error_if(status, span, None);
    }

    fn unary(&mut self, op: UnaryOp, operand: &Expr) -> Value {
        let ty = self.ty(operand);
        let value = self.expr_value(operand);
        match (op, ty) {
            (UnaryOp::Negate, Type::Float) => self.builder.ins().fneg(value),
            (UnaryOp::Negate, _) => self.builder.ins().ineg(value),
            (UnaryOp::BitNot, _) => self.builder.ins().bnot(value),
            (UnaryOp::Not, _) => self.builder.ins().bxor_imm_s(value, 1),
        }
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Value {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let left = self.expr_value(lhs);
            let right_label = self.builder.create_block();
            let merge = self.builder.create_block();
            let result = self.builder.append_block_param(merge, types::I8);
            if op == BinaryOp::And {
                self.builder
                    .ins()
                    .brif(left, right_label, &[], merge, &[BlockArg::Value(left)]);
            } else {
                self.builder
                    .ins()
                    .brif(left, merge, &[BlockArg::Value(left)], right_label, &[]);
            }
            self.builder.switch_to_block(right_label);
            self.builder.seal_block(right_label);
            let right = self.expr_value(rhs);
            self.builder.ins().jump(merge, &[BlockArg::Value(right)]);
            self.builder.switch_to_block(merge);
            self.builder.seal_block(merge);
            return result;
        }
        let lhs_type = self.ty(lhs);
        let rhs_type = self.ty(rhs);
        let left = self.expr_value(lhs);
        // Division by a constant other than 0 and -1 can neither fail nor overflow: no checks,
        // and Cranelift turns it into multiplications and shifts.
        if let (BinaryOp::Divide | BinaryOp::Remainder, Type::Int, ExprKind::Int(divisor)) =
            (op, &lhs_type, &strip_parens(rhs).kind)
            && *divisor != 0
            && *divisor != -1
        {
            let right = self.iconst(*divisor);
            return if op == BinaryOp::Divide {
                self.builder.ins().sdiv(left, right)
            } else {
                self.builder.ins().srem(left, right)
            };
        }
        let right = self.expr_value(rhs);
        self.binary_values(op, left, &lhs_type, right, &rhs_type, span)
    }

    fn binary_values(
        &mut self,
        op: BinaryOp,
        left: Value,
        lhs_type: &Type,
        right: Value,
        rhs_type: &Type,
        span: Span,
    ) -> Value {
        use BinaryOp::*;
        match op {
            Equal => return self.equal(left, lhs_type, right, rhs_type),
            NotEqual => {
                let equal = self.equal(left, lhs_type, right, rhs_type);
                return self.builder.ins().bxor_imm_s(equal, 1);
            }
            _ => {}
        }
        match lhs_type {
            Type::Float => {
                let ins = self.builder.ins();
                match op {
                    Add => ins.fadd(left, right),
                    Subtract => ins.fsub(left, right),
                    Multiply => ins.fmul(left, right),
                    Divide => ins.fdiv(left, right),
                    Remainder => self.call_runtime("lang_rt_fmod", &[left, right]).unwrap_or(left),
                    Less => ins.fcmp(FloatCC::LessThan, left, right),
                    LessEqual => ins.fcmp(FloatCC::LessThanOrEqual, left, right),
                    Greater => ins.fcmp(FloatCC::GreaterThan, left, right),
                    GreaterEqual => ins.fcmp(FloatCC::GreaterThanOrEqual, left, right),
                    _ => {
                        self.bug("an operator that floats do not have");
                        left
                    }
                }
            }
            Type::Str => match op {
                Add => {
                    let ctx = self.ctx;
                    self.call_runtime_at("lang_rt_str_concat", &[ctx, left, right], span)
                        .unwrap_or(left)
                }
                Less | LessEqual | Greater | GreaterEqual => {
                    let order = self.call_runtime("lang_rt_str_cmp", &[left, right]).unwrap_or(left);
                    let condition = match op {
                        Less => IntCC::SignedLessThan,
                        LessEqual => IntCC::SignedLessThanOrEqual,
                        Greater => IntCC::SignedGreaterThan,
                        _ => IntCC::SignedGreaterThanOrEqual,
                    };
                    self.builder.ins().icmp_imm_s(condition, order, 0)
                }
                _ => {
                    self.bug("an operator that strings do not have");
                    left
                }
            },
            _ => match op {
                Add => self.builder.ins().iadd(left, right),
                Subtract => self.builder.ins().isub(left, right),
                Multiply => self.builder.ins().imul(left, right),
                Divide | Remainder => self.integer_division(op, left, right, span),
                BitAnd => self.builder.ins().band(left, right),
                BitOr => self.builder.ins().bor(left, right),
                BitXor => self.builder.ins().bxor(left, right),
                ShiftLeft => self.builder.ins().ishl(left, right),
                ShiftRight => self.builder.ins().sshr(left, right),
                Less => self.builder.ins().icmp(IntCC::SignedLessThan, left, right),
                LessEqual => self.builder.ins().icmp(IntCC::SignedLessThanOrEqual, left, right),
                Greater => self.builder.ins().icmp(IntCC::SignedGreaterThan, left, right),
                GreaterEqual => self.builder.ins().icmp(IntCC::SignedGreaterThanOrEqual, left, right),
                _ => {
                    self.bug("an unexpected integer operator");
                    left
                }
            },
        }
    }

    /// `/` and `%` on ints: division by zero is an error; `MIN / -1` wraps and `MIN % -1` is
    /// 0. The divisor is replaced by 1 when it is -1, so the machine division never traps.
    fn integer_division(&mut self, op: BinaryOp, left: Value, right: Value, span: Span) -> Value {
        let is_zero = self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0);
        let kind = if op == BinaryOp::Divide {
            RAISE_DIVISION_BY_ZERO
        } else {
            RAISE_REMAINDER_BY_ZERO
        };
        let zero = self.iconst(0);
        self.error_if(is_zero, span, Some((kind, zero, zero)));
        let is_minus_one = self.builder.ins().icmp_imm_s(IntCC::Equal, right, -1);
        let one = self.iconst(1);
        let divisor = self.builder.ins().select(is_minus_one, one, right);
        if op == BinaryOp::Divide {
            let quotient = self.builder.ins().sdiv(left, divisor);
            let negated = self.builder.ins().ineg(left);
            self.builder.ins().select(is_minus_one, negated, quotient)
        } else {
            self.builder.ins().srem(left, divisor)
        }
    }

    /// `==` for every comparable pair of types (LANGUAGE.md section 4).
    fn equal(&mut self, left: Value, lhs_type: &Type, right: Value, rhs_type: &Type) -> Value {
        match (lhs_type, rhs_type) {
            (Type::Nil, Type::Nil) => self.builder.ins().iconst(types::I8, 1),
            (Type::Nil, _) => self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0),
            (_, Type::Nil) => self.builder.ins().icmp_imm_s(IntCC::Equal, left, 0),
            (Type::Optional(inner), Type::Optional(_)) => {
                if is_boxed_optional(inner) || **inner == Type::Str {
                    // Equal when both are nil, or both present with equal values.
                    let inner = (**inner).clone();
                    let left_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, left, 0);
                    let right_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0);
                    let any_nil = self.builder.ins().bor(left_nil, right_nil);
                    let both_nil = self.builder.ins().band(left_nil, right_nil);
                    let compare = self.builder.create_block();
                    let merge = self.builder.create_block();
                    let result = self.builder.append_block_param(merge, types::I8);
                    self.builder
                        .ins()
                        .brif(any_nil, merge, &[BlockArg::Value(both_nil)], compare, &[]);
                    self.builder.switch_to_block(compare);
                    self.builder.seal_block(compare);
                    let a = self.unbox(left, &inner);
                    let b = self.unbox(right, &inner);
                    let equal = self.equal_plain(a, b, &inner);
                    self.builder.ins().jump(merge, &[BlockArg::Value(equal)]);
                    self.builder.switch_to_block(merge);
                    self.builder.seal_block(merge);
                    result
                } else {
                    self.builder.ins().icmp(IntCC::Equal, left, right)
                }
            }
            (Type::Optional(inner), _) => self.optional_equals_plain(left, inner, right),
            (_, Type::Optional(inner)) => self.optional_equals_plain(right, inner, left),
            _ => self.equal_plain(left, right, lhs_type),
        }
    }

    fn optional_equals_plain(&mut self, optional: Value, inner: &Type, plain: Value) -> Value {
        let inner = inner.clone();
        let compare = self.builder.create_block();
        let merge = self.builder.create_block();
        let result = self.builder.append_block_param(merge, types::I8);
        let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, optional, 0);
        let false_value = self.builder.ins().iconst(types::I8, 0);
        self.builder
            .ins()
            .brif(is_nil, merge, &[BlockArg::Value(false_value)], compare, &[]);
        self.builder.switch_to_block(compare);
        self.builder.seal_block(compare);
        let value = self.unbox(optional, &inner);
        let equal = self.equal_plain(value, plain, &inner);
        self.builder.ins().jump(merge, &[BlockArg::Value(equal)]);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        result
    }

    fn equal_plain(&mut self, left: Value, right: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().fcmp(FloatCC::Equal, left, right),
            Type::Str => self.call_runtime("lang_rt_str_eq", &[left, right]).unwrap_or(left),
            _ => self.builder.ins().icmp(IntCC::Equal, left, right),
        }
    }

    fn field_offset(&mut self, object_type: &Type, field: &str) -> i32 {
        let Type::Struct(id) = object_type else {
            self.bug("a field of a value that is not a struct");
            return STRUCT_FIELDS_OFFSET;
        };
        let info = self.state.checked.items.struct_info(*id);
        match info.fields.iter().position(|known| known.name == field) {
            Some(position) => STRUCT_FIELDS_OFFSET + position as i32 * 8,
            None => {
                self.bug(format!("no field `{field}`"));
                STRUCT_FIELDS_OFFSET
            }
        }
    }

    fn field(&mut self, object: &Expr, field: &ast::Name, span: Span) -> Value {
        match self.state.checked.results.name(self.file, field.span) {
            Some(NameRef::Variable(id)) => return self.read_variable(id, span),
            Some(NameRef::Function(id)) => return self.function_value(id),
            _ => {}
        }
        let object_type = self.ty(object);
        let object_value = self.expr_value(object);
        let Type::Struct(id) = object_type else {
            return object_value;
        };
        let (base, offset) = self.field_address(&object_type, object_value, &field.text, span);
        let ty = self
            .state
            .checked
            .items
            .struct_info(id)
            .fields
            .iter()
            .find(|known| known.name == field.text)
            .map_or(Type::Error, |known| known.ty.clone());
        let fields = self.flags(Region::Fields);
        let word = self.builder.ins().load(types::I64, fields, base, offset);
        self.value_of_word(word, &ty)
    }

    /// The cell holding a hot-reload struct field's offset in its payload (-1 once a reload
    /// removed the field or changed its type).
    fn hot_field_cell(&mut self, id: StructId, field: &str) -> Option<i64> {
        let target = self.state.hot?;
        let checked = self.state.checked;
        let info = checked.items.struct_info(id);
        let position = info.fields.iter().position(|known| known.name == field)?;
        let module = &checked.program.module(info.module).name;
        let ty = checked.type_key(&info.fields[position].ty);
        let initial = HOT_FIELDS_OFFSET as i64 + position as i64 * 8;
        Some(target.linker.field_cell(module, &info.name, field, &ty, initial) as i64)
    }

    /// Where a field lives: the object and a fixed offset, or under hot reload the payload
    /// plus the offset its cell holds now (a removed field is a runtime error at `span`).
    fn field_address(&mut self, object_type: &Type, object: Value, field: &str, span: Span) -> (Value, i32) {
        if let Type::Struct(id) = object_type
            && let Some(cell) = self.hot_field_cell(*id, field)
        {
            let offset = match self.known_checks().offsets.get(&cell) {
                Some(&offset) => offset,
                None => {
                    let address = self.hot_reference(cell);
                    let cells = self.flags(Region::Cells);
                    let offset = self.builder.ins().load(types::I64, cells, address, 0);
                    let gone = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, offset, 0);
                    let name = self.text_address(field);
                    let zero = self.iconst(0);
                    self.error_if(gone, span, Some((RAISE_FIELD_GONE, name, zero)));
                    self.known_checks().offsets.insert(cell, offset);
                    offset
                }
            };
            let handles = self.flags(Region::Handles);
            let payload = self
                .builder
                .ins()
                .load(types::I64, handles, object, HANDLE_PAYLOAD_OFFSET);
            return (self.builder.ins().iadd(payload, offset), 0);
        }
        (object, self.field_offset(object_type, field))
    }

    fn index(&mut self, object: &Expr, index: &Expr, span: Span) -> Value {
        let object_type = self.ty(object);
        let collection = self.expr_value(object);
        match object_type {
            Type::Array(element) => {
                let index_value = self.expr_value(index);
                self.array_get(collection, index_value, &element, span)
            }
            Type::Map(key, value) => {
                let key_value = self.expr_value(index);
                let key_word = self.word_of(key_value, &key);
                let ctx = self.ctx;
                let word = self
                    .call_runtime_at("lang_rt_map_get", &[ctx, collection, key_word], span)
                    .unwrap_or(key_word);
                self.value_of_word(word, &value)
            }
            _ => {
                self.bug("indexing a value that is not an array or a map");
                collection
            }
        }
    }

    fn bounds_check(&mut self, array: Value, index: Value, span: Span) {
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        // One unsigned comparison also rejects negative indices.
        let outside = self.builder.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.error_if(outside, span, Some((RAISE_INDEX_OUT_OF_BOUNDS, index, len)));
    }

    fn element_address(&mut self, array: Value, index: Value, element: &Type) -> Value {
        let data = self.builder.ins().load(types::I64, trusted(), array, ARRAY_DATA_OFFSET);
        let offset = if element_size(element) == 1 {
            index
        } else {
            self.builder.ins().ishl_imm_s(index, 3)
        };
        self.builder.ins().iadd(data, offset)
    }

    fn array_get(&mut self, array: Value, index: Value, element: &Type, span: Span) -> Value {
        self.bounds_check(array, index, span);
        self.load_element(array, index, element)
    }

    /// Loads element `index` (already known to be in bounds).
    fn load_element(&mut self, array: Value, index: Value, element: &Type) -> Value {
        let address = self.element_address(array, index, element);
        if element_size(element) == 1 {
            self.builder.ins().load(types::I8, trusted(), address, 0)
        } else {
            let word = self.builder.ins().load(types::I64, trusted(), address, 0);
            self.value_of_word(word, element)
        }
    }

    fn array_set(&mut self, array: Value, index: Value, value: Value, element: &Type, span: Span) {
        self.bounds_check(array, index, span);
        let address = self.element_address(array, index, element);
        self.store_element_at(address, 0, value, element);
    }

    /// `push`: stores in place while there is capacity, calls the runtime to grow otherwise.
    fn push(&mut self, array: Value, value: Value, element: &Type, span: Span) {
        let len = self.builder.ins().load(types::I64, trusted(), array, ARRAY_LEN_OFFSET);
        let capacity = self
            .builder
            .ins()
            .load(types::I64, trusted(), array, ARRAY_CAPACITY_OFFSET);
        let has_room = self.builder.ins().icmp(IntCC::SignedLessThan, len, capacity);
        let fast = self.builder.create_block();
        let slow = self.builder.create_block();
        let merge = self.builder.create_block();
        self.builder.ins().brif(has_room, fast, &[], slow, &[]);
        self.builder.switch_to_block(fast);
        self.builder.seal_block(fast);
        let address = self.element_address(array, len, element);
        self.store_element_at(address, 0, value, element);
        let new_len = self.builder.ins().iadd_imm_s(len, 1);
        self.builder.ins().store(trusted(), new_len, array, ARRAY_LEN_OFFSET);
        self.builder.ins().jump(merge, &[]);
        self.builder.switch_to_block(slow);
        self.builder.seal_block(slow);
        self.builder.set_cold_block(slow);
        let word = self.word_of(value, element);
        let ctx = self.ctx;
        self.call_runtime_at("lang_rt_array_push", &[ctx, array, word], span);
        self.builder.ins().jump(merge, &[]);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
    }

    fn store_element_at(&mut self, address: Value, offset: i64, value: Value, element: &Type) {
        if element_size(element) == 1 {
            self.builder.ins().store(trusted(), value, address, offset as i32);
        } else {
            let word = self.word_of(value, element);
            self.builder.ins().store(trusted(), word, address, offset as i32);
        }
    }

    // ------------------------------------------------------------- calls

    fn call(&mut self, expr: &Expr, callee: &Expr, args: &[Expr]) -> Option<Value> {
        let Some(info) = self.state.checked.results.call(self.file, expr.span) else {
            self.bug("no call target recorded");
            return Some(self.iconst(0));
        };
        // The receiver of method syntax is the first argument.
        let mut arguments: Vec<&Expr> = Vec::with_capacity(args.len() + 1);
        if info.receiver_is_first_argument
            && let ExprKind::Field { object, .. } = &callee.kind
        {
            arguments.push(object);
        }
        arguments.extend(args.iter());
        match info.target {
            CallTarget::Function(id) => {
                let function = self.state.checked.items.function(id).clone();
                let values: Vec<Value> = arguments
                    .iter()
                    .zip(&function.params)
                    .map(|(arg, param)| self.expr_to(arg, param))
                    .collect();
                let mut call_args = vec![self.ctx];
                call_args.extend(values);
                let results = self.call_function(id, &call_args);
                self.finish_call(results, expr.span)
            }
            CallTarget::Value => {
                let callee_type = self.ty(callee);
                let Type::Function(params, result) = callee_type else {
                    self.bug("a call of a value that is not a function");
                    return Some(self.iconst(0));
                };
                let function = self.expr_value(callee);
                let values: Vec<Value> = arguments
                    .iter()
                    .zip(&params)
                    .map(|(arg, param)| self.expr_to(arg, param))
                    .collect();
                let signature = self.state.script_signature(&params, result.as_deref());
                let signature = self.builder.import_signature(signature);
                let code = self.builder.ins().load(types::I64, trusted(), function, 0);
                let mut call_args = vec![self.ctx];
                call_args.extend(values);
                self.forget_checks();
                let call = self.builder.ins().call_indirect(signature, code, &call_args);
                let results = self.builder.inst_results(call).to_vec();
                self.finish_call(results, expr.span)
            }
            CallTarget::Builtin(builtin) => self.builtin_call(builtin, expr, &arguments),
        }
    }

    /// Calls a script function: directly, or in hot mode through its slot.
    fn call_function(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, true)
    }

    /// Jumps to `block`, passing the results of `call` as its arguments.
    fn jump_with_results(&mut self, call: ir::Inst, block: ir::Block) {
        let values: Vec<BlockArg> = self
            .builder
            .inst_results(call)
            .iter()
            .map(|value| BlockArg::Value(*value))
            .collect();
        self.builder.ins().jump(block, &values);
    }

    /// Hot mode: a call through the function's slot, never a direct one.
    fn call_through_slot(&mut self, id: FunctionId, call_args: &[Value]) -> Vec<Value> {
        self.call_function_with(id, call_args, false)
    }

    fn call_function_with(&mut self, id: FunctionId, call_args: &[Value], guarded: bool) -> Vec<Value> {
        self.forget_checks();
        if let Some(slot) = self.hot_slot(id) {
            let info = self.state.checked.items.function(id).clone();
            let signature = self.state.script_signature(&info.params, info.result.as_ref());
            let signature = self.builder.import_signature(signature);
            let slot = self.hot_reference(slot);
            let cells = self.flags(Region::Cells);
            let code = self.builder.ins().load(types::I64, cells, slot, 0);
            let local = self.state.functions[id.0 as usize];
            if !self.state.options.inline || local == not_compiled_here() || !guarded {
                let call = self.builder.ins().call_indirect(signature, code, call_args);
                return self.builder.inst_results(call).to_vec();
            }
            // The callee is compiled in this same module version: while its slot still holds
            // this version, call it directly, so that a small callee can be inlined. The
            // guard keeps the semantics of a call through the slot: once a reload has patched
            // the slot, the call goes to the new version.
            let reference = self.func_ref(local);
            let expected = self.builder.ins().func_addr(types::I64, reference);
            let same = self.builder.ins().icmp(IntCC::Equal, code, expected);
            let direct = self.builder.create_block();
            let indirect = self.builder.create_block();
            let join = self.builder.create_block();
            let result_types: Vec<ir::Type> = self.builder.func.dfg.signatures[signature]
                .returns
                .iter()
                .map(|param| param.value_type)
                .collect();
            let results: Vec<Value> = result_types
                .iter()
                .map(|ty| self.builder.append_block_param(join, *ty))
                .collect();
            self.builder.ins().brif(same, direct, &[], indirect, &[]);
            self.builder.set_cold_block(indirect);
            self.builder.switch_to_block(direct);
            self.builder.seal_block(direct);
            let call = self.builder.ins().call(reference, call_args);
            self.jump_with_results(call, join);
            self.builder.switch_to_block(indirect);
            self.builder.seal_block(indirect);
            let call = self.builder.ins().call_indirect(signature, code, call_args);
            self.jump_with_results(call, join);
            self.builder.switch_to_block(join);
            self.builder.seal_block(join);
            return results;
        }
        let reference = self.func_ref(self.state.functions[id.0 as usize]);
        let call = self.builder.ins().call(reference, call_args);
        self.builder.inst_results(call).to_vec()
    }

    /// Hot mode: a safe point. When a reload is ready (or Ctrl-C came) the runtime sets the
    /// interrupt flag and applies the swap inside `lang_hot_poll`, which answers 0 to go on,
    /// 1 to unwind (a runtime error, Ctrl-C or a changed `main`), 2 after a swap. At a
    /// function entry (`redispatch`), a swap calls the function again through its slot, so
    /// the caller gets the new body.
    fn poll(&mut self, span: Span, redispatch: Option<FunctionId>) {
        if self.state.hot.is_none() {
            return;
        }
        let flag = self
            .builder
            .ins()
            .load(types::I64, trusted(), self.ctx, CONTEXT_INTERRUPT_FLAG_OFFSET);
        let poll_block = self.builder.create_block();
        let continue_block = self.builder.create_block();
        self.builder.ins().brif(flag, poll_block, &[], continue_block, &[]);
        self.builder.set_cold_block(poll_block);
        self.builder.switch_to_block(poll_block);
        self.builder.seal_block(poll_block);
        let ctx = self.ctx;
        if self.program_main {
            let marker = self.iconst(POLL_AT_MAIN_STATEMENT);
            self.builder
                .ins()
                .store(trusted(), marker, ctx, CONTEXT_POLL_ANSWER_OFFSET);
        }
        let answer = match self.state.poll_trampoline {
            Some(trampoline) => {
                let trampoline = self.func_ref(trampoline);
                self.forget_checks();
                self.builder.ins().call(trampoline, &[ctx]);
                self.builder
                    .ins()
                    .load(types::I64, trusted(), ctx, CONTEXT_POLL_ANSWER_OFFSET)
            }
            None => self.call_runtime("lang_hot_poll", &[ctx]).unwrap_or(ctx),
        };
        let unwind = self.builder.ins().icmp_imm_s(IntCC::Equal, answer, 1);
        let unwind_block = self.builder.create_block();
        let not_unwinding = self.builder.create_block();
        self.builder.ins().brif(unwind, unwind_block, &[], not_unwinding, &[]);
        self.builder.set_cold_block(unwind_block);
        self.builder.set_cold_block(not_unwinding);
        self.builder.switch_to_block(unwind_block);
        self.builder.seal_block(unwind_block);
        self.raise_and_exit(span, None);
        self.builder.switch_to_block(not_unwinding);
        self.builder.seal_block(not_unwinding);
        if let Some(id) = redispatch {
            let swapped = self.builder.ins().icmp_imm_s(IntCC::Equal, answer, 2);
            let again = self.builder.create_block();
            let body = self.builder.create_block();
            self.builder.ins().brif(swapped, again, &[], body, &[]);
            self.builder.set_cold_block(again);
            self.builder.set_cold_block(body);
            self.builder.switch_to_block(again);
            self.builder.seal_block(again);
            let mut args = vec![self.ctx];
            args.extend(self.params.clone());
            // Through the slot: it now holds the new version.
            let results = self.call_through_slot(id, &args);
            self.builder.ins().return_(&results);
            self.builder.switch_to_block(body);
            self.builder.seal_block(body);
        }
        self.builder.ins().jump(continue_block, &[]);
        self.builder.switch_to_block(continue_block);
        self.builder.seal_block(continue_block);
        // A marker that counts as a fence for alias analysis and emits no code. Cranelift's
        // last-store analysis (0.135) gives every block after a merge of a path with a call
        // (the poll) and one without its own "last store", so no load after a poll could be
        // reused in a later block (the same cell was loaded again at every field access).
        // After this marker every path agrees on the last fence.
        self.builder.ins().sequence_point();
    }

    /// Tests the status of a script call; returns its result, if any.
    fn finish_call(&mut self, results: Vec<Value>, span: Span) -> Option<Value> {
        let status = *results.last().expect("script functions return a status");
        self.check_status(status, span);
        if results.len() == 2 { Some(results[0]) } else { None }
    }

    fn builtin_call(&mut self, builtin: Builtin, expr: &Expr, args: &[&Expr]) -> Option<Value> {
        let span = expr.span;
        let ctx = self.ctx;
        let arg_types: Vec<Type> = args.iter().map(|arg| self.ty(arg)).collect();
        // Built-ins with a fixed signature convert their arguments like any call.
        let values: Vec<Value> = match builtin.signature() {
            Some((params, _)) => args
                .iter()
                .zip(&params)
                .map(|(arg, param)| self.expr_to(arg, param))
                .collect(),
            None => match builtin {
                Builtin::Push | Builtin::Insert | Builtin::Fill => Vec::new(),
                _ => args.iter().map(|arg| self.expr_value(arg)).collect(),
            },
        };
        let first_type = arg_types.first().cloned().unwrap_or(Type::Error);
        let value = match builtin {
            Builtin::Print | Builtin::Write => {
                let newline = self.builder.ins().iconst(types::I8, (builtin == Builtin::Print) as i64);
                let name = match first_type {
                    Type::Int => "lang_rt_print_int",
                    Type::Float => "lang_rt_print_float",
                    Type::Bool => "lang_rt_print_bool",
                    _ => "lang_rt_print_str",
                };
                self.call_runtime(name, &[ctx, values[0], newline]);
                return None;
            }
            Builtin::Str => self.string_of(values[0], &first_type, span),
            Builtin::Int => match first_type {
                Type::Float => self.builder.ins().fcvt_to_sint_sat(types::I64, values[0]),
                Type::Str => self
                    .call_runtime_at("lang_rt_str_to_int", &[ctx, values[0]], span)
                    .unwrap_or(values[0]),
                _ => values[0],
            },
            Builtin::Float => match first_type {
                Type::Int => self.builder.ins().fcvt_from_sint(types::F64, values[0]),
                Type::Str => self
                    .call_runtime_at("lang_rt_str_to_float", &[ctx, values[0]], span)
                    .unwrap_or(values[0]),
                _ => values[0],
            },
            Builtin::Len => match first_type {
                Type::Str => self
                    .builder
                    .ins()
                    .load(types::I64, trusted(), values[0], STR_LEN_OFFSET),
                Type::Map(..) => self.call_runtime("lang_rt_map_len", &[values[0]]).unwrap_or(values[0]),
                _ => self
                    .builder
                    .ins()
                    .load(types::I64, trusted(), values[0], ARRAY_LEN_OFFSET),
            },
            Builtin::Push => {
                let Type::Array(element) = &first_type else {
                    self.bug("push onto a value that is not an array");
                    return None;
                };
                let element = (**element).clone();
                let array = self.expr_value(args[0]);
                let value = self.expr_to(args[1], &element);
                self.push(array, value, &element, span);
                return None;
            }
            Builtin::Pop => {
                let Type::Array(element) = &first_type else {
                    self.bug("pop from a value that is not an array");
                    return None;
                };
                let word = self
                    .call_runtime_at("lang_rt_array_pop", &[ctx, values[0]], span)
                    .unwrap_or(values[0]);
                self.value_of_word(word, element)
            }
            Builtin::Fill => {
                let Type::Array(element) = self.ty(expr) else {
                    self.bug("fill without an array type");
                    return None;
                };
                let count = self.expr_value(args[0]);
                let value = self.expr_to(args[1], &element);
                let word = self.word_of(value, &element);
                let kind = self.builder.ins().iconst(types::I32, element_kind(&element));
                self.call_runtime_at("lang_rt_fill", &[ctx, kind, count, word], span)?
            }
            Builtin::Insert => {
                let Type::Map(key, value_type) = &first_type else {
                    self.bug("insert into a value that is not a map");
                    return None;
                };
                let map = self.expr_value(args[0]);
                let key_value = self.expr_to(args[1], key);
                let key_word = self.word_of(key_value, key);
                let value = self.expr_to(args[2], value_type);
                let word = self.word_of(value, value_type);
                self.call_runtime_at("lang_rt_map_set", &[ctx, map, key_word, word], span);
                return None;
            }
            Builtin::Has | Builtin::Remove => {
                let Type::Map(key, _) = &first_type else {
                    self.bug("a map operation on a value that is not a map");
                    return None;
                };
                let key_word = self.word_of(values[1], key);
                if builtin == Builtin::Has {
                    self.call_runtime("lang_rt_map_has", &[ctx, values[0], key_word])?
                } else {
                    self.call_runtime("lang_rt_map_remove", &[ctx, values[0], key_word]);
                    return None;
                }
            }
            Builtin::Keys => self.call_runtime_at("lang_rt_map_keys", &[ctx, values[0]], span)?,
            Builtin::Fixed => self.call_runtime_at("lang_rt_fixed", &[ctx, values[0], values[1]], span)?,
            Builtin::Sqrt => self.builder.ins().sqrt(values[0]),
            Builtin::Floor => self.builder.ins().floor(values[0]),
            Builtin::Ceil => self.builder.ins().ceil(values[0]),
            Builtin::Sin => self.call_runtime("lang_rt_sin", &[values[0]])?,
            Builtin::Cos => self.call_runtime("lang_rt_cos", &[values[0]])?,
            Builtin::Tan => self.call_runtime("lang_rt_tan", &[values[0]])?,
            Builtin::Exp => self.call_runtime("lang_rt_exp", &[values[0]])?,
            Builtin::Log => self.call_runtime("lang_rt_log", &[values[0]])?,
            Builtin::Atan2 => self.call_runtime("lang_rt_atan2", &[values[0], values[1]])?,
            Builtin::Pow => self.call_runtime("lang_rt_pow", &[values[0], values[1]])?,
            Builtin::Abs => match first_type {
                Type::Float => self.builder.ins().fabs(values[0]),
                _ => {
                    let negative = self.builder.ins().icmp_imm_s(IntCC::SignedLessThan, values[0], 0);
                    let negated = self.builder.ins().ineg(values[0]);
                    self.builder.ins().select(negative, negated, values[0])
                }
            },
            Builtin::Min | Builtin::Max => {
                let (a, b) = (values[0], values[1]);
                match first_type {
                    Type::Float => {
                        // Like Rust's f64::min/max and C's fmin/fmax: a NaN argument is ignored.
                        let condition = if builtin == Builtin::Min {
                            FloatCC::LessThan
                        } else {
                            FloatCC::GreaterThan
                        };
                        let first_wins = self.builder.ins().fcmp(condition, a, b);
                        // Equal values: `-0.0` is the smaller zero, as in Rust and C
                        // (`min(0.0, -0.0)` is `-0.0`). For zeros the bits' OR is the
                        // negative one and the AND the positive one; other equal values
                        // have equal bits.
                        let flags = MemFlagsData::new();
                        let a_bits = self.builder.ins().bitcast(types::I64, flags, a);
                        let b_bits = self.builder.ins().bitcast(types::I64, flags, b);
                        let combined = if builtin == Builtin::Min {
                            self.builder.ins().bor(a_bits, b_bits)
                        } else {
                            self.builder.ins().band(a_bits, b_bits)
                        };
                        let combined = self.builder.ins().bitcast(types::F64, flags, combined);
                        let equal = self.builder.ins().fcmp(FloatCC::Equal, a, b);
                        let second = self.builder.ins().select(equal, combined, b);
                        let picked = self.builder.ins().select(first_wins, a, second);
                        let b_is_nan = self.builder.ins().fcmp(FloatCC::Unordered, b, b);
                        self.builder.ins().select(b_is_nan, a, picked)
                    }
                    _ => {
                        let condition = if builtin == Builtin::Min {
                            IntCC::SignedLessThanOrEqual
                        } else {
                            IntCC::SignedGreaterThanOrEqual
                        };
                        let first_wins = self.builder.ins().icmp(condition, a, b);
                        self.builder.ins().select(first_wins, a, b)
                    }
                }
            }
            Builtin::Clock => self.call_runtime("lang_rt_clock", &[ctx])?,
            Builtin::Random => self.call_runtime("lang_rt_random", &[ctx])?,
            Builtin::Sleep => {
                self.call_runtime("lang_rt_sleep", &[ctx, values[0]]);
                return None;
            }
            Builtin::Args => self.call_runtime_at("lang_rt_args", &[ctx], span)?,
            Builtin::Exit => {
                self.call_runtime("lang_rt_exit", &[ctx, values[0]]);
                return None;
            }
            Builtin::Assert => {
                let failed = self.builder.ins().icmp_imm_s(IntCC::Equal, values[0], 0);
                let zero = self.iconst(0);
                self.error_if(failed, span, Some((RAISE_ASSERTION, values[1], zero)));
                return None;
            }
            Builtin::Panic => {
                let zero = self.iconst(0);
                self.raise_and_exit(span, Some((RAISE_PANIC, values[0], zero)));
                self.start_unreachable_block();
                return None;
            }
            Builtin::StrSplit => self.call_runtime_at("lang_rt_str_split", &[ctx, values[0], values[1]], span)?,
            Builtin::StrTrim => self.call_runtime_at("lang_rt_str_trim", &[ctx, values[0]], span)?,
            Builtin::StrFind => self.call_runtime("lang_rt_str_find", &[values[0], values[1]])?,
            Builtin::StrReplace => {
                self.call_runtime_at("lang_rt_str_replace", &[ctx, values[0], values[1], values[2]], span)?
            }
            Builtin::StrStartsWith => self.call_runtime("lang_rt_str_starts_with", &[values[0], values[1]])?,
            Builtin::StrEndsWith => self.call_runtime("lang_rt_str_ends_with", &[values[0], values[1]])?,
            Builtin::StrToUpper => self.call_runtime_at("lang_rt_str_to_upper", &[ctx, values[0]], span)?,
            Builtin::StrToLower => self.call_runtime_at("lang_rt_str_to_lower", &[ctx, values[0]], span)?,
            Builtin::StrByteAt => self.call_runtime_at("lang_rt_str_byte_at", &[ctx, values[0], values[1]], span)?,
            Builtin::StrFromBytes => self.call_runtime_at("lang_rt_str_from_bytes", &[ctx, values[0]], span)?,
            Builtin::StrSlice => {
                self.call_runtime_at("lang_rt_str_slice", &[ctx, values[0], values[1], values[2]], span)?
            }
            Builtin::StrCharCount => self.call_runtime("lang_rt_str_char_count", &[values[0]])?,
            Builtin::StrParseInt => self.call_runtime_at("lang_rt_str_parse_int", &[ctx, values[0]], span)?,
            Builtin::StrParseFloat => self.call_runtime_at("lang_rt_str_parse_float", &[ctx, values[0]], span)?,
            Builtin::IoReadFile => self.call_runtime_at("lang_rt_io_read_file", &[ctx, values[0]], span)?,
            Builtin::IoWriteFile => {
                self.call_runtime_at("lang_rt_io_write_file", &[ctx, values[0], values[1], values[2]], span)?
            }
            Builtin::IoReadLine => self.call_runtime_at("lang_rt_io_read_line", &[ctx], span)?,
            Builtin::IoError => self.call_runtime_at("lang_rt_io_error", &[ctx], span)?,
            Builtin::TermControl => self.call_runtime_at("lang_rt_term_control", &[ctx, values[0], values[1]], span)?,
            Builtin::Sort => {
                // Matches SORT_INT, SORT_FLOAT and SORT_STR of runtime/core/src/system.rs.
                let kind = match &first_type {
                    Type::Array(element) if **element == Type::Float => 1,
                    Type::Array(element) if **element == Type::Str => 2,
                    _ => 0,
                };
                let kind = self.iconst(kind);
                self.call_runtime_at("lang_rt_sort", &[ctx, values[0], kind], span);
                return None;
            }
            Builtin::SortBy => {
                // How the comparator takes its arguments: COMPARE_WORDS, COMPARE_FLOATS or
                // COMPARE_BYTES of runtime/core/src/system.rs.
                let kind = match &first_type {
                    Type::Array(element) if **element == Type::Float => 1,
                    Type::Array(element) if **element == Type::Bool => 2,
                    _ => 0,
                };
                let kind = self.iconst(kind);
                self.call_runtime_at("lang_rt_sort_by", &[ctx, values[0], values[1], kind], span);
                return None;
            }
        };
        Some(value)
    }
}

fn strip_parens(mut expr: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &expr.kind {
        expr = inner;
    }
    expr
}

/// A struct's fields as text (`x:float,y:float`): its layout, part of the key of its
/// descriptor under hot reload.
/// A stable hash of a layout text (FNV-1a), shared by code and descriptors.
pub(super) fn layout_hash(layout: &str) -> u64 {
    layout.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ byte as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

pub(super) fn struct_layout(checked: &CheckedProgram, id: StructId) -> String {
    let info = checked.items.struct_info(id);
    info.fields
        .iter()
        .map(|field| format!("{}:{}", field.name, checked.type_key(&field.ty)))
        .collect::<Vec<_>>()
        .join(",")
}

/// Hot mode: the module's setup function, run once when a version is loaded: it copies the
/// module's string literals into runtime memory and creates the descriptors of the structs
/// it uses (each created once, in its runtime-owned cell).
fn translate_hot_setup(state: &mut ProgramState<'_>, target: HotTarget<'_>) -> Result<FuncId, CodegenError> {
    let checked = state.checked;
    let mut signature = Signature::new(state.call_conv);
    signature.params.push(AbiParam::new(types::I64));
    signature.returns.push(super::abi_param(types::I8));
    let module_name = checked.program.module(target.module).name.clone();
    let name = state.unique_name(format!("{module_name}.<setup>"));
    let linkage = state.hot_linkage();
    let setup = state.module.declare_function(&name, linkage, &signature)?;
    let literals = state.literals.clone();
    let blob = define_literal_bytes(state)?;
    let structs: Vec<(u64, String)> = (0..checked.items.structs.len())
        .map(|index| {
            let id = StructId(index as u32);
            let info = checked.items.struct_info(id);
            let cell = target
                .linker
                .struct_desc_cell(&checked.program.module(info.module).name, &info.name, "");
            let mut text = format!("hot:{}:{}", layout_hash(&struct_layout(checked, id)), info.name);
            for field in &info.fields {
                let kind = if is_reference(&field.ty) { "r" } else { "w" };
                text.push_str(&format!(";{}:{kind}|{}", field.name, checked.type_key(&field.ty)));
            }
            (cell, text)
        })
        .collect();
    let file = checked.program.module(target.module).file;
    translate_function(state, setup, "<setup>".into(), file, |translator| {
        let ctx = translator.ctx;
        translator.intern_literals(blob, &literals);
        for (cell, text) in &structs {
            let cell = translator.hot_reference(*cell as i64);
            let existing = translator.builder.ins().load(types::I64, trusted(), cell, 0);
            let create = translator.builder.create_block();
            let done = translator.builder.create_block();
            translator.builder.ins().brif(existing, done, &[], create, &[]);
            translator.builder.switch_to_block(create);
            translator.builder.seal_block(create);
            let text = translator.text_address(text);
            let desc = translator
                .call_runtime("lang_rt_struct_desc", &[ctx, text])
                .unwrap_or(text);
            translator.builder.ins().store(trusted(), desc, cell, 0);
            translator.builder.ins().jump(done, &[]);
            translator.builder.switch_to_block(done);
            translator.builder.seal_block(done);
        }
        let zero = translator.builder.ins().iconst(types::I8, 0);
        translator.builder.ins().return_(&[zero]);
    })?;
    Ok(setup)
}

/// The default expression of a struct's field, from its declaration.
fn struct_field_default(checked: &CheckedProgram, id: StructId, position: usize) -> Option<&Expr> {
    let info = checked.items.struct_info(id);
    let module = checked.program.module(info.module);
    module.ast.items.iter().find_map(|item| match item {
        ast::Item::Struct(declaration) if declaration.name.span == info.span => declaration
            .fields
            .iter()
            .find(|field| field.name.span == info.fields[position].span)
            .and_then(|field| field.default.as_ref()),
        _ => None,
    })
}

fn translate_default_helper(state: &mut ProgramState<'_>, id: StructId, position: usize) -> Result<(), CodegenError> {
    let checked = state.checked;
    let helper = state.default_helpers[&(id, position)];
    let info = checked.items.struct_info(id);
    let ty = info.fields[position].ty.clone();
    let display = format!("<default of {}.{}>", info.name, info.fields[position].name);
    let Some(default) = struct_field_default(checked, id, position) else {
        return Err(CodegenError(format!("no default for `{}`", display)));
    };
    translate_function(state, helper, display, info.file, |translator| {
        // A default may build its own struct (`next: ?P = P {}`), recursing without end:
        // like any call, it must end in a stack-overflow error, not a crash.
        translator.stack_check(default.span);
        let value = translator.expr_to(default, &ty);
        if !translator.is_terminated() {
            translator.return_status(0, Some(value));
        }
    })
}

/// A function with the script ABI that calls a built-in, so it can be used as a value.
fn translate_builtin_wrapper(state: &mut ProgramState<'_>, builtin: Builtin) -> Result<(), CodegenError> {
    let (function, _) = state.builtin_wrappers[&builtin];
    let Some((params, _)) = builtin.signature() else {
        return Err(CodegenError("a generic built-in used as a value".into()));
    };
    let display = builtin.name().to_string();
    let file = state.checked.program.modules[0].file;
    translate_function(state, function, display, file, |translator| {
        let values = translator.params.clone();
        let ctx = translator.ctx;
        let span = Span { start: 0, end: 0 };
        let result = match builtin {
            Builtin::Fixed => translator.call_runtime_at("lang_rt_fixed", &[ctx, values[0], values[1]], span),
            Builtin::Sqrt => Some(translator.builder.ins().sqrt(values[0])),
            Builtin::Floor => Some(translator.builder.ins().floor(values[0])),
            Builtin::Ceil => Some(translator.builder.ins().ceil(values[0])),
            Builtin::Sin => translator.call_runtime("lang_rt_sin", &[values[0]]),
            Builtin::Cos => translator.call_runtime("lang_rt_cos", &[values[0]]),
            Builtin::Tan => translator.call_runtime("lang_rt_tan", &[values[0]]),
            Builtin::Exp => translator.call_runtime("lang_rt_exp", &[values[0]]),
            Builtin::Log => translator.call_runtime("lang_rt_log", &[values[0]]),
            Builtin::Atan2 => translator.call_runtime("lang_rt_atan2", &[values[0], values[1]]),
            Builtin::Pow => translator.call_runtime("lang_rt_pow", &[values[0], values[1]]),
            Builtin::Clock => translator.call_runtime("lang_rt_clock", &[ctx]),
            Builtin::Random => translator.call_runtime("lang_rt_random", &[ctx]),
            Builtin::Sleep => translator.call_runtime("lang_rt_sleep", &[ctx, values[0]]),
            Builtin::Args => translator.call_runtime_at("lang_rt_args", &[ctx], span),
            Builtin::Exit => translator.call_runtime("lang_rt_exit", &[ctx, values[0]]),
            Builtin::Assert => {
                let failed = translator.builder.ins().icmp_imm_s(IntCC::Equal, values[0], 0);
                let zero = translator.iconst(0);
                translator.error_if(failed, span, Some((RAISE_ASSERTION, values[1], zero)));
                None
            }
            Builtin::Panic => {
                let zero = translator.iconst(0);
                translator.raise_and_exit(span, Some((RAISE_PANIC, values[0], zero)));
                translator.start_unreachable_block();
                None
            }
            _ => {
                translator.bug(format!("no wrapper for `{}`", builtin.name()));
                None
            }
        };
        let _ = params;
        if !translator.is_terminated() {
            translator.return_status(0, result);
        }
    })
}

/// `lang_entry(ctx) -> status`: literals, descriptors and variable roots, then the module
/// initializers in import order, then `main`.
fn translate_entry(state: &mut ProgramState<'_>, initializers: &[FuncId]) -> Result<FuncId, CodegenError> {
    let mut signature = Signature::new(state.call_conv);
    signature.params.push(AbiParam::new(types::I64));
    signature.returns.push(AbiParam::new(types::I8));
    let entry = state
        .module
        .declare_function("lang_entry", Linkage::Export, &signature)?;
    let checked = state.checked;
    let main = checked
        .items
        .functions
        .iter()
        .position(|info| info.module == ModuleId(0) && info.name == "main")
        .map(|index| state.functions[index]);
    let file = checked.program.modules[0].file;
    // Literals must be interned before any code runs; the table is filled after every other
    // function was translated, so all literals are known.
    let literals = state.literals.clone();
    let blob = define_literal_bytes(state)?;
    let struct_descriptions: Vec<String> = checked
        .items
        .structs
        .iter()
        .map(|info| {
            let mut text = info.name.clone();
            for field in &info.fields {
                let kind = if is_reference(&field.ty) { "r" } else { "w" };
                text.push_str(&format!(";{}:{kind}", field.name));
            }
            text
        })
        .collect();
    let globals = state.globals.clone();
    let counts: Vec<usize> = (0..checked.program.modules.len())
        .map(|module| {
            checked
                .items
                .variables
                .iter()
                .filter(|info| info.module.0 as usize == module)
                .count()
        })
        .collect();
    let order = checked.program.initialization_order();
    translate_function(state, entry, "<entry>".into(), file, |translator| {
        let ctx = translator.ctx;
        // The stack budget counts from here, so the depth at which recursion overflows depends
        // only on compiled frames, and is the same under `lang run` and in a release build.
        let sp = translator.builder.ins().get_stack_pointer(types::I64);
        let limit = translator.builder.ins().iadd_imm_s(sp, -SCRIPT_STACK_BUDGET);
        translator
            .builder
            .ins()
            .store(trusted(), limit, ctx, CONTEXT_STACK_LIMIT_OFFSET);
        for (module, data) in globals.iter().enumerate() {
            let address = translator.data_address(*data);
            let words = translator.iconst((counts[module] * 2) as i64);
            translator.call_runtime("lang_rt_register_globals", &[ctx, address, words]);
        }
        translator.intern_literals(blob, &literals);
        let descs_id = translator.state.struct_descs;
        let descs = translator.data_address(descs_id);
        for (index, description) in struct_descriptions.iter().enumerate() {
            let text = translator.text_address(description);
            let desc = translator
                .call_runtime("lang_rt_struct_desc", &[ctx, text])
                .unwrap_or(text);
            translator
                .builder
                .ins()
                .store(trusted(), desc, descs, (index * 8) as i32);
        }
        let mut steps: Vec<FuncId> = order.iter().map(|module| initializers[module.0 as usize]).collect();
        steps.extend(main);
        for function in steps {
            let reference = translator.func_ref(function);
            let call = translator.builder.ins().call(reference, &[ctx]);
            let status = translator.builder.inst_results(call)[0];
            let failed = translator.builder.create_block();
            let next = translator.builder.create_block();
            translator.builder.ins().brif(status, failed, &[], next, &[]);
            translator.builder.switch_to_block(failed);
            translator.builder.seal_block(failed);
            let one = translator.builder.ins().iconst(types::I8, 1);
            translator.builder.ins().return_(&[one]);
            translator.builder.switch_to_block(next);
            translator.builder.seal_block(next);
        }
        let zero = translator.builder.ins().iconst(types::I8, 0);
        translator.builder.ins().return_(&[zero]);
    })?;
    Ok(entry)
}

/// All string literals' bytes, one after the other, as read-only data.
fn define_literal_bytes(state: &mut ProgramState<'_>) -> Result<DataId, CodegenError> {
    let name = state.unique_name("lang.literal_bytes".into());
    let blob = state.module.declare_data(&name, Linkage::Local, false, false)?;
    let mut description = DataDescription::new();
    let mut bytes = state.literals.concat().into_bytes();
    bytes.push(0);
    description.define(bytes.into_boxed_slice());
    state.module.define_data(blob, &description)?;
    Ok(blob)
}

/// Defines the literal table and the struct descriptor table, now that their sizes are known.
fn define_tables(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let mut description = DataDescription::new();
    description.define_zeroinit((state.literals.len() * 8).max(8));
    description.set_align(8);
    state.module.define_data(state.literal_table, &description)?;
    let mut description = DataDescription::new();
    description.define_zeroinit((state.checked.items.structs.len() * 8).max(8));
    description.set_align(8);
    state.module.define_data(state.struct_descs, &description)?;
    Ok(())
}
