//! Function plumbing: the per-function `Translator`, how one function is built and handed
//! to the module, references to functions, data and runtime functions, value conversions,
//! and locals and their scopes.

use std::collections::{HashMap, HashSet};

use cranelift_codegen::ir::{self, FuncRef, GlobalValue, InstBuilder, MemFlagsData, UserFuncName, Value, types};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{DataId, FuncId, Module};

use crate::codegen::hot::cached_cells::CachedCells;
use crate::codegen::hot::known_checks::KnownChecks;
use crate::codegen::layout::{clif_type, is_boxed_optional};
use crate::codegen::memory::{Region, trusted};
use crate::codegen::target::RuntimeFunction;
use crate::codegen::{CodegenError, ProgramState};
use crate::sema::types::{FunctionId, Type};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Expr};

/// Builds one function with a [`Translator`] and defines it in the module.
pub(crate) fn translate_function(
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
            in_rejoining_cold_path: false,
            lookup_slot: None,
            func_refs: HashMap::new(),
            data_refs: HashMap::new(),
            errors: Vec::new(),
            may_run_during_initialization: true,
            known_checks: KnownChecks::default(),
            cached_cells: CachedCells::default(),
            fixed_layout: None,
            calls_emitted: 0,
            program_main: false,
            main_blocks_open: 0,
            poll_follows_statement: false,
            cell_variables: HashSet::new(),
            proven_indices: Vec::new(),
            enclosing_function: None,
            inline_variant: false,
            same_version_callees: Vec::new(),
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

/// The translation state of one function.
pub(crate) struct Translator<'s, 'a, 'b> {
    pub(crate) state: &'s mut ProgramState<'a>,
    pub(crate) builder: FunctionBuilder<'b>,
    pub(crate) ctx: Value,
    /// The function's parameters after the context.
    pub(crate) params: Vec<Value>,
    /// The file whose typeck results apply to the expressions being translated.
    pub(crate) file: FileId,
    /// The function's name as stack traces show it.
    pub(crate) display_name: String,
    pub(crate) result: Option<Type>,
    /// Locals in scope, innermost block last.
    pub(crate) scopes: Vec<Vec<(String, Variable, Type)>>,
    /// (continue target, break target) of each enclosing loop.
    pub(crate) loops: Vec<(ir::Block, ir::Block)>,
    /// Records the frame (its parameter is the site) and returns status 1.
    pub(crate) error_exits: Vec<ir::Block>,
    /// Error paths sharing the last of `error_exits`.
    pub(crate) error_exit_uses: usize,
    /// Inside a cold path that rejoins the main one (`Translator::in_rejoining_cold_path`).
    pub(crate) in_rejoining_cold_path: bool,
    pub(crate) lookup_slot: Option<ir::StackSlot>,
    pub(crate) func_refs: HashMap<FuncId, FuncRef>,
    pub(crate) data_refs: HashMap<DataId, GlobalValue>,
    pub(crate) errors: Vec<String>,
    /// Hot mode: this is the copy of a small function made to be inlined into guarded direct
    /// calls (`hot/inlining.rs`), with no entry poll and no stack-depth check.
    pub(crate) inline_variant: bool,
    /// Whether this code may run before every module variable is initialized; only then do
    /// reads of module variables check that the variable was initialized.
    pub(crate) may_run_during_initialization: bool,
    pub(crate) known_checks: KnownChecks,
    /// Hot mode: the cells the function's loops read, kept in variables between calls.
    pub(crate) cached_cells: CachedCells,
    /// Hot mode: inside the first copy of a fixed-layout loop (`hot/fixed_layout.rs`).
    pub(crate) fixed_layout: Option<crate::codegen::hot::fixed_cells::FixedLayout>,
    /// Calls emitted so far (each forgets the known checks).
    pub(crate) calls_emitted: u64,
    /// Hot mode: this is the program's `main`, which polls after each statement that may
    /// run other script code, since a changed `main` is entered again at its next statement
    /// boundary (LANGUAGE.md section 7 item 6).
    pub(crate) program_main: bool,
    /// In `main`: how many blocks are open (its body is the first), so that the last
    /// statement of a nested block is known (see `poll_follows_statement`).
    pub(crate) main_blocks_open: usize,
    /// Set for the statement about to be translated when it is the last statement of a block
    /// nested in `main`'s body: from its end, control goes straight to another safe point
    /// (its loop's header poll, or the poll after the enclosing statement), with no
    /// statement in between, so a poll of its own would be a second one in a row (LANGUAGE.md
    /// section 7 item 6 asks for a statement boundary, which that next poll is).
    pub(crate) poll_follows_statement: bool,
    /// The locals that live in a cell (captured and assigned, see `closures.rs`): their
    /// variable holds the cell's address, and `place.rs` reads and writes through it.
    pub(crate) cell_variables: HashSet<usize>,
    /// The (array, index) locals of the enclosing `for` loops whose `array[index]` is proven
    /// in range (`bounds.rs`).
    pub(crate) proven_indices: Vec<crate::codegen::bounds::ProvenIndex>,
    /// In a closure's body: the name of the function it is written in, which names nested
    /// closures too (`closure in main (line 9)`).
    pub(crate) enclosing_function: Option<String>,
    /// Hot mode: callees compiled here whose slots are known to hold this version's code
    /// where the call is emitted (tested with no safe point since), so a call of them is
    /// direct, with no guard (`hot/calls.rs`).
    pub(crate) same_version_callees: Vec<FunctionId>,
}

impl Translator<'_, '_, '_> {
    pub(crate) fn bug(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    pub(crate) fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(&reference) = self.func_refs.get(&id) {
            return reference;
        }
        let reference = self.state.module.declare_func_in_func(id, self.builder.func);
        self.func_refs.insert(id, reference);
        reference
    }

    pub(crate) fn data_address(&mut self, id: DataId) -> Value {
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

    pub(crate) fn text_address(&mut self, text: &str) -> Value {
        match self.state.text_data(text) {
            Ok(id) => self.data_address(id),
            Err(error) => {
                self.bug(error.0);
                self.builder.ins().iconst(types::I64, 0)
            }
        }
    }

    pub(crate) fn runtime(&mut self, name: &'static str) -> FuncRef {
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
    pub(crate) fn call_runtime(&mut self, name: &'static str, args: &[Value]) -> Option<Value> {
        self.forget_checks();
        let result = match self.state.target.runtime_function(name) {
            RuntimeFunction::ImportTable(index) => self.call_runtime_through_import_table(name, index, args),
            RuntimeFunction::Symbol => {
                let function = self.runtime(name);
                let call = self.builder.ins().call(function, args);
                self.builder.inst_results(call).first().copied()
            }
        };
        // Raising an error swaps nothing, and its path leaves the function.
        if name != "lang_rt_raise" {
            self.reload_cached_cells();
        }
        result
    }

    pub(crate) fn iconst(&mut self, value: i64) -> Value {
        self.builder.ins().iconst(types::I64, value)
    }

    /// Flags for a trusted access to memory of `region`.
    pub(crate) fn flags(&mut self, region: Region) -> MemFlagsData {
        let region = self.builder.func.dfg.alias_regions.insert(ir::AliasRegionData {
            user_id: region.user_id(),
            description: std::borrow::Cow::Borrowed(region.description()),
        });
        trusted().with_alias_region(Some(region))
    }

    pub(crate) fn ty(&mut self, expr: &Expr) -> Type {
        match self.state.checked.results.expr_type(self.file, expr.span) {
            Some(ty) => ty.clone(),
            None => {
                self.bug(format!("no type recorded for an expression at {:?}", expr.span));
                Type::Error
            }
        }
    }

    /// A value as a 64-bit word, for memory and runtime calls.
    pub(crate) fn word_of(&mut self, value: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().bitcast(types::I64, MemFlagsData::new(), value),
            Type::Bool => self.builder.ins().uextend(types::I64, value),
            _ => value,
        }
    }

    pub(crate) fn value_of_word(&mut self, word: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().bitcast(types::F64, MemFlagsData::new(), word),
            Type::Bool => self.builder.ins().ireduce(types::I8, word),
            _ => word,
        }
    }

    /// Converts a value of type `from` where a `to` is expected: boxes a plain `int`,
    /// `float` or `bool` stored into an optional.
    pub(crate) fn coerce(&mut self, value: Value, from: &Type, to: &Type, span: Span) -> Value {
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

    pub(crate) fn expr_to(&mut self, expr: &Expr, to: &Type) -> Value {
        let from = self.ty(expr);
        let value = self.expr_value(expr);
        self.coerce(value, &from, to, expr.span)
    }

    /// Translates an expression that has a value.
    pub(crate) fn expr_value(&mut self, expr: &Expr) -> Value {
        match self.expr(expr) {
            Some(value) => value,
            None => {
                self.bug("an expression without a value was used as one");
                self.iconst(0)
            }
        }
    }

    pub(crate) fn function_body(&mut self, id: FunctionId, declaration: &ast::FunctionDecl) {
        let info = self.state.checked.items.function(id).clone();
        self.result = info.result.clone();
        // A body that cannot fail has no stack-depth check (`calls_infallible`); nor has a
        // copy made to be inlined (`hot/inlining.rs`): its frame is its caller's, which was
        // checked, and the poll its caller made before the guarded call is its safe point.
        let cannot_fail = self.state.cannot_fail.get(id.0 as usize).copied().unwrap_or(false);
        if !cannot_fail && !self.inline_variant {
            self.stack_check(declaration.name.span);
        }
        // Nor has a leaf with no loop under hot reload (`hot/calls.rs`): it runs in bounded
        // time and its callers' safe points are its own.
        let without_safe_points = self
            .state
            .leaves_without_safe_points
            .get(id.0 as usize)
            .copied()
            .unwrap_or(false);
        if !self.inline_variant && !without_safe_points {
            self.poll(declaration.name.span, Some(id));
        }
        let params = self.params.clone();
        for ((param, ty), value) in declaration.params.iter().zip(&info.params).zip(params) {
            self.declare_binding(&param.name, ty.clone(), value);
        }
        self.cache_loop_cells(&declaration.body);
        if !self.accumulated_body(id, declaration) {
            self.block(&declaration.body);
        }
        self.drop_cached_cells();
    }

    pub(crate) fn declare_local(&mut self, name: &str, ty: Type, value: Value) -> Variable {
        let clif = clif_type(&ty).unwrap_or(types::I64);
        let variable = self.builder.declare_var(clif);
        self.builder.def_var(variable, value);
        self.scopes
            .last_mut()
            .expect("a scope is open")
            .push((name.to_string(), variable, ty));
        variable
    }

    /// Whether `variable` holds the address of its local's cell.
    pub(crate) fn is_cell_variable(&self, variable: Variable) -> bool {
        self.cell_variables
            .contains(&cranelift_codegen::entity::EntityRef::index(variable))
    }

    pub(crate) fn mark_cell_variable(&mut self, variable: Variable) {
        self.cell_variables
            .insert(cranelift_codegen::entity::EntityRef::index(variable));
    }

    pub(crate) fn lookup_local(&self, name: &str) -> Option<(Variable, Type)> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(local, _, _)| local == name)
            .map(|(_, variable, ty)| (*variable, ty.clone()))
    }

    pub(crate) fn block(&mut self, block: &ast::Block) {
        self.scopes.push(Vec::new());
        self.main_blocks_open += usize::from(self.program_main);
        let nested = self.main_blocks_open > 1;
        for (position, statement) in block.statements.iter().enumerate() {
            if self.is_terminated() {
                self.start_unreachable_block();
            }
            self.poll_follows_statement = nested && position + 1 == block.statements.len();
            self.statement(statement);
        }
        self.main_blocks_open -= usize::from(self.program_main);
        self.scopes.pop();
    }
}
