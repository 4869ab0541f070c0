//! The one seam between the code of `lang run` and release builds and hot-reload code.
//!
//! Every decision of the translator that differs between modes is asked of [`Target`], which
//! answers with a small enum (as Mun's `should_use_dispatch_table`): how a callee, a module
//! variable, a field, a struct descriptor and a runtime function are reached, and whether
//! polls are emitted. The shared translator matches on the answer; the hot arms call into
//! `codegen/hot/`. Answers that name runtime storage carry what the [`HotLinker`] handed out:
//! an address, or in shared-library builds an index into the import table.

use cranelift_module::Linkage;

use crate::codegen::runtime_abi::HOT_FIELDS_OFFSET;
use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::ClosureInfo;
use crate::sema::types::{FunctionId, ModuleId, StructId, Type, VariableId};

/// What hot-reload code generation needs from the runtime: stable, runtime-owned memory for
/// every function slot, module variable and struct descriptor, keyed by name and type so that
/// a new version of a module finds the storage of the old one. Addresses are embedded in the
/// generated code, so they must never move. Implemented by `runtime/hot`.
pub trait HotLinker {
    /// An 8-byte slot holding the current code address of a function; `signature` is its type
    /// as users write it (`fn(int) -> float`).
    fn function_slot(&self, module: &str, name: &str, signature: &str) -> u64;
    /// Two words: the value and a state (0 not yet initialized, 1 initialized, 2 removed).
    fn variable_cell(&self, module: &str, name: &str, ty: &str) -> u64;
    /// One word holding the struct's runtime type descriptor (0 until the first setup).
    fn struct_desc_cell(&self, module: &str, name: &str, layout: &str) -> u64;
    /// One word holding a struct field's byte offset in the struct's payload, keyed by the
    /// field's name and type; `initial` is its offset in the layout being compiled, used if
    /// the cell is new. A reload sets it to -1 when the field is removed or retyped.
    fn field_cell(&self, module: &str, strukt: &str, field: &str, ty: &str, initial: i64) -> u64;
    /// Whether the values above are not addresses but indices into the module's import
    /// table, which the loader of a shared library fills with the addresses (see `library`).
    fn uses_import_table(&self) -> bool {
        false
    }
    /// With an import table: the index of the entry holding a runtime function's address.
    fn runtime_function(&self, _name: &str) -> u64 {
        0
    }
}

/// Hot-reload translation of one module of a program (DESIGN.md: one JIT module per source
/// file and version, calls through slots, variables in runtime storage, polls).
#[derive(Clone, Copy)]
pub struct HotTarget<'a> {
    pub module: ModuleId,
    pub linker: &'a dyn HotLinker,
    /// Compile only these functions of the module (the others keep their running code and
    /// are reached through their slots like any other); `None` compiles them all.
    pub functions: Option<&'a std::collections::HashSet<String>>,
}

impl std::fmt::Debug for HotTarget<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HotTarget").field("module", &self.module).finish()
    }
}

/// The kind of code being generated: a whole program (`lang run`, release builds), or one
/// module of a program for hot reload.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    hot: Option<HotTarget<'a>>,
}

/// What is translated, and what the entry function is.
#[derive(Clone, Copy)]
pub(crate) enum ProgramShape<'a> {
    /// Every module, one initializer per module, and `lang_entry`.
    WholeProgram,
    /// One module version: an initializer per variable, struct defaults as functions, and a
    /// setup function.
    HotModule(HotTarget<'a>),
}

/// Which of a program's functions are compiled (see `Target::function_selection`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FunctionSelection {
    /// Every function.
    Every,
    /// Only those reachable from `main` and module-level code (`compile_set`).
    ThoseThatCanRun,
    /// Those the hot-reload driver lists in `HotTarget::functions` (all when it lists none).
    Listed,
}

/// How a script function is called or taken as a value.
#[derive(Clone, Copy)]
pub(crate) enum Callee {
    /// A direct call to its symbol; as a value, a data word holding its address.
    Direct,
    /// Through the runtime-owned slot that holds its current code.
    Slot(u64),
}

/// Where a function value's code is (LANGUAGE.md section 10).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FunctionValueCode {
    /// At `FUNCTION_CODE_OFFSET` in the object the value points to.
    InObject,
    /// In the slot whose address is at `FUNCTION_CODE_OFFSET`: a function's or a closure's
    /// runtime-owned slot, which a reload points at the newest code.
    ThroughSlot,
}

/// How a function expression's code is reached.
#[derive(Clone, Copy)]
pub(crate) enum ClosureCode {
    /// Its own symbol, directly.
    Direct,
    /// The runtime-owned slot of its identity (hot reload).
    Slot(u64),
}

/// How a built-in used as a value is reached.
#[derive(Clone, Copy)]
pub(crate) enum BuiltinValue {
    /// A data word holding the address of its wrapper.
    Wrapper,
    /// A runtime-owned slot, patched to point at the wrapper.
    Slot(u64),
}

/// Where module variables live.
#[derive(Clone, Copy)]
pub(crate) enum ModuleVariable {
    /// In the program's data block of its module (value and initialized words).
    DataBlock,
    /// In a runtime-owned cell (value and state words).
    Cell(u64),
}

/// What a read of a module variable checks first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum VariableCheck {
    /// Nothing: every variable is initialized before this code runs.
    None,
    /// That the variable was initialized (code that may run during initialization).
    Initialized,
    /// The cell's state: initialized, not yet, or removed by a reload.
    CellState,
}

/// How a struct field is reached.
#[derive(Clone, Copy)]
pub(crate) enum FieldAccess {
    /// At a fixed offset in the struct object.
    FixedOffset,
    /// In the payload, at the offset a runtime-owned cell holds now.
    OffsetCell(u64),
}

/// The offset of field `position` in a hot struct's payload (or a variant's hidden struct's),
/// the value its offset cell holds while the layout compiled is the one in use: fields are
/// words in declaration order (as migration lays them out).
pub(crate) fn compiled_field_offset(position: usize) -> i64 {
    HOT_FIELDS_OFFSET as i64 + position as i64 * 8
}

/// Where a struct's runtime type descriptor is.
#[derive(Clone, Copy)]
pub(crate) enum StructDescriptor {
    /// In the program's descriptor table.
    Table,
    /// In a runtime-owned cell.
    Cell(u64),
}

/// How a struct, or the payload of an enum variant, is allocated (and so where its fields
/// and, for a variant, its descriptor are found).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StructAllocation {
    /// A plain struct object with its fields at fixed offsets.
    Plain,
    /// A handle with a payload, built for the layout it was compiled for.
    Hot,
}

/// How enum variants are numbered (`lang_abi::enums`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum VariantNumbering {
    /// Declaration indices: a `match` on an enum is one `br_table` on the tag.
    DeclarationIndex,
    /// Hot reload: a hash of the variant's module, enum and name, stable across versions, so
    /// a `match` searches the tag among its numbers and meets added or removed variants.
    NameHash,
}

/// Whether element accesses proven in range (`codegen/bounds.rs`) skip their bounds check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexProofs {
    /// Whole programs: nothing outside a loop body can run while it runs.
    Used,
    /// Hot reload: a swap at a loop's poll runs new initializers and `on_reload`, script
    /// code that may shrink an array the loop indexes (through an alias). So only innermost
    /// loops are proven, always versioned, and the proven copy's poll continues in the
    /// checked copy whenever it ran its slow path: a proof holds between two safe points.
    BetweenSafePoints,
}

/// How a function reads the runtime-owned cells of its loops (field offsets, module `let`s).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellReads {
    /// At every access (whole programs have no such cells: offsets are fixed, `let`s live in
    /// the data block or are folded).
    AtEachAccess,
    /// Hot reload: the cells read in a function's loops are loaded into SSA variables after
    /// its entry poll and again after every call (where a swap may happen), and read from
    /// those in between (`codegen/hot/cached_cells.rs`).
    BetweenSafePoints,
}

/// Whether loops of a known shape become one runtime call (`codegen/loop_idioms.rs`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum LoopIdioms {
    /// In every mode: the runtime call runs no script code and has no safe point, so under
    /// hot reload the loop is one step between two safe points (book/src/decisions.md,
    /// "Push loops under hot reload").
    Replaced,
}

/// Whether a doubly recursive function of a known shape (`return f(n - 1) + f(n - 2)`) runs
/// its second call as a loop with an accumulator (`codegen/tail_accumulation.rs`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum TailAccumulation {
    /// Whole programs: the body compiled is the one that runs until the program ends.
    Loop,
    /// Hot reload: the same loop, whose back edge (the second call) goes on only while the
    /// function's slot still holds this version's code, and otherwise finishes as
    /// `acc + f(...)` through the slot; its error exits record the frames its iterations
    /// stand for (`codegen/hot/accumulation.rs`).
    LoopCheckingTheSlot,
}

/// How a direct call of a script function reports failure (`codegen/calls_infallible.rs`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum CallProtocol {
    /// The callee checks the stack depth at entry and returns a status the caller tests.
    Checked,
    /// The callee provably cannot fail: it has no stack-depth check, and the caller ignores
    /// the status it returns (always 0; kept so that its function value has the common ABI).
    CannotFail,
}

/// How code that runs once per module version is compiled. A hot module version has a setup
/// function, one initializer per module variable, a poll trampoline and (from the first
/// reload on) a function per field default, which run at its start, at a reload or at a
/// migration only: at 100,000 lines in 50 modules they were 451 of the 456 functions of
/// `lang run --hmr`'s first compile (issue 20). A whole program has none apart (its
/// initialization is one function, `<init>`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunOnceCode {
    /// As every other function.
    Optimized,
    /// Without Cranelift's optimizer and with its single-pass register allocator
    /// (`config::quick_isa`).
    Quick,
}

/// How a runtime function is called.
#[derive(Clone, Copy)]
pub(crate) enum RuntimeFunction {
    /// Directly, by symbol.
    Symbol,
    /// Through an entry of the shared library's import table.
    ImportTable(u64),
}

impl<'a> Target<'a> {
    pub(crate) fn new(hot: Option<HotTarget<'a>>) -> Self {
        Target { hot }
    }

    pub(crate) fn shape(&self) -> ProgramShape<'a> {
        match self.hot {
            None => ProgramShape::WholeProgram,
            Some(target) => ProgramShape::HotModule(target),
        }
    }

    /// Whether slots, cells and runtime functions are reached through an import table (a
    /// shared library) rather than by address.
    pub(crate) fn uses_import_table(&self) -> bool {
        self.hot.is_some_and(|target| target.linker.uses_import_table())
    }

    /// Whether function `name` of `module` is compiled in this translation.
    pub(crate) fn compiles_function(&self, module: ModuleId, name: &str) -> bool {
        self.hot.is_none_or(|target| {
            target.module == module && target.functions.is_none_or(|functions| functions.contains(name))
        })
    }

    /// Which functions are compiled: of a whole program, those that can run (`compile_set`);
    /// of a hot module, those its driver lists (it asks `compile_set` itself, since what was
    /// compiled before matters across reloads) or all of them.
    pub(crate) fn function_selection(&self, options: crate::codegen::CodegenOptions) -> FunctionSelection {
        match self.hot {
            _ if options.compile_unreachable => FunctionSelection::Every,
            None => FunctionSelection::ThoseThatCanRun,
            Some(_) => FunctionSelection::Listed,
        }
    }

    /// The linkage of a script function: local in a whole program; a hot module exposes its
    /// functions with `exposed` (see `ProgramState::hot_linkage`).
    pub(crate) fn function_linkage(&self, exposed: Linkage) -> Linkage {
        match self.hot {
            None => Linkage::Local,
            Some(_) => exposed,
        }
    }

    /// How the code a module version runs once is compiled: its setup, its variable
    /// initializers, its poll trampoline and its field defaults (see [`RunOnceCode`]).
    pub(crate) fn run_once_code(&self) -> RunOnceCode {
        match self.hot {
            None => RunOnceCode::Optimized,
            Some(_) => RunOnceCode::Quick,
        }
    }

    /// Whether safe-point polls are emitted (function entries, loop headers, and `main`'s
    /// statements that may run other script code).
    pub(crate) fn emits_polls(&self) -> bool {
        self.hot.is_some()
    }

    /// Whether the function being translated is the program's `main` and polls after its
    /// statements (a changed `main` is entered again at its next statement boundary).
    pub(crate) fn polls_after_statements(&self, module: ModuleId, name: &str) -> bool {
        self.hot.is_some() && module == ModuleId(0) && name == "main"
    }

    /// How the cells of a function's loops are read (see [`CellReads`]).
    pub(crate) fn cell_reads(&self) -> CellReads {
        if self.hot.is_some() {
            CellReads::BetweenSafePoints
        } else {
            CellReads::AtEachAccess
        }
    }

    /// Whether bounds proofs are used (see [`IndexProofs`]).
    pub(crate) fn index_proofs(&self) -> IndexProofs {
        if self.hot.is_some() {
            IndexProofs::BetweenSafePoints
        } else {
            IndexProofs::Used
        }
    }

    /// Whether loops of a known shape become one runtime call (see [`LoopIdioms`]).
    pub(crate) fn loop_idioms(&self) -> LoopIdioms {
        LoopIdioms::Replaced
    }

    /// Whether doubly recursive functions become loops (see [`TailAccumulation`]).
    pub(crate) fn tail_accumulation(&self) -> TailAccumulation {
        if self.hot.is_some() {
            TailAccumulation::LoopCheckingTheSlot
        } else {
            TailAccumulation::Loop
        }
    }

    /// Whether a read of a `let` initialized by a literal may use the literal. Not under hot
    /// reload, where an edited `let` takes its new value.
    pub(crate) fn folds_constant_lets(&self) -> bool {
        self.hot.is_none()
    }

    pub(crate) fn function_value_code(&self) -> FunctionValueCode {
        match self.hot {
            Some(_) => FunctionValueCode::ThroughSlot,
            None => FunctionValueCode::InObject,
        }
    }

    /// The code of a function expression: under hot reload, the slot of its identity
    /// (`closures::closure_identity`), in the module being compiled.
    pub(crate) fn closure_code(&self, checked: &CheckedProgram, info: &ClosureInfo) -> ClosureCode {
        let Some(target) = self.hot else {
            return ClosureCode::Direct;
        };
        let module = &checked.program.module(target.module).name;
        let (name, signature) = checked.closure_identity(info);
        ClosureCode::Slot(target.linker.function_slot(module, &name, &signature))
    }

    pub(crate) fn callee(&self, checked: &CheckedProgram, id: FunctionId) -> Callee {
        let Some(target) = self.hot else {
            return Callee::Direct;
        };
        let info = checked.items.function(id);
        let module = &checked.program.module(info.module).name;
        let signature = checked.type_key(&info.ty());
        Callee::Slot(target.linker.function_slot(module, &info.name, &signature))
    }

    pub(crate) fn builtin_value(&self, checked: &CheckedProgram, builtin: Builtin) -> BuiltinValue {
        let (Some(target), Some((params, result))) = (self.hot, builtin.signature()) else {
            return BuiltinValue::Wrapper;
        };
        let signature = checked.items.display(&Type::Function(params, result.map(Box::new)));
        BuiltinValue::Slot(target.linker.function_slot("<builtin>", builtin.name(), &signature))
    }

    pub(crate) fn module_variable(&self, checked: &CheckedProgram, id: VariableId) -> ModuleVariable {
        let Some(target) = self.hot else {
            return ModuleVariable::DataBlock;
        };
        let info = checked.items.variable(id);
        let module = &checked.program.module(info.module).name;
        let ty = checked.type_key(info.ty.as_ref().unwrap_or(&Type::Error));
        ModuleVariable::Cell(target.linker.variable_cell(module, &info.name, &ty))
    }

    /// What a read of a module variable checks, in code that may (or may not) run while
    /// module initializers run.
    pub(crate) fn variable_check(&self, may_run_during_initialization: bool) -> VariableCheck {
        if self.hot.is_some() {
            VariableCheck::CellState
        } else if may_run_during_initialization {
            VariableCheck::Initialized
        } else {
            VariableCheck::None
        }
    }

    /// How field `field` of struct `id` is reached (-1 in its cell once a reload removed the
    /// field or changed its type).
    pub(crate) fn field(&self, checked: &CheckedProgram, id: StructId, field: &str) -> FieldAccess {
        let Some(target) = self.hot else {
            return FieldAccess::FixedOffset;
        };
        let info = checked.items.struct_info(id);
        let Some(position) = info.fields.iter().position(|known| known.name == field) else {
            return FieldAccess::FixedOffset;
        };
        let module = &checked.program.module(info.module).name;
        let ty = checked.type_key(&info.fields[position].ty);
        let initial = compiled_field_offset(position);
        FieldAccess::OffsetCell(target.linker.field_cell(module, &info.name, field, &ty, initial))
    }

    pub(crate) fn struct_descriptor(&self, checked: &CheckedProgram, id: StructId) -> StructDescriptor {
        let Some(target) = self.hot else {
            return StructDescriptor::Table;
        };
        let info = checked.items.struct_info(id);
        let module = &checked.program.module(info.module).name;
        StructDescriptor::Cell(target.linker.struct_desc_cell(module, &info.name, ""))
    }

    /// Where the descriptor of a payload variant is: in the program's descriptor table, or
    /// under hot reload in the runtime-owned cell of its hidden struct `Enum.Variant`, which a
    /// migration points at the new layout when the payload changes.
    /// (`hidden_struct` is the module and name of `codegen::enums::hot_variant_struct`.)
    pub(crate) fn variant_descriptor(&self, hidden_struct: &(String, String)) -> StructDescriptor {
        let Some(target) = self.hot else {
            return StructDescriptor::Table;
        };
        let (module, name) = hidden_struct;
        StructDescriptor::Cell(target.linker.struct_desc_cell(module, name, ""))
    }

    /// How payload field `position` of a variant is reached: at a fixed offset, or under hot
    /// reload through the offset cell of its hidden struct's field (keyed by name and type,
    /// -1 once a reload removed or retyped it), as struct fields are.
    /// (`field` is its record among `codegen::enums::hot_payload_fields`.)
    pub(crate) fn payload_field(
        &self,
        hidden_struct: &(String, String),
        field: &lang_abi::FieldRecord,
        position: usize,
    ) -> FieldAccess {
        let Some(target) = self.hot else {
            return FieldAccess::FixedOffset;
        };
        let (module, name) = hidden_struct;
        let initial = compiled_field_offset(position);
        FieldAccess::OffsetCell(target.linker.field_cell(module, name, &field.name, &field.ty, initial))
    }

    pub(crate) fn variant_numbering(&self) -> VariantNumbering {
        match self.hot {
            None => VariantNumbering::DeclarationIndex,
            Some(_) => VariantNumbering::NameHash,
        }
    }

    pub(crate) fn struct_allocation(&self) -> StructAllocation {
        match self.hot {
            None => StructAllocation::Plain,
            Some(_) => StructAllocation::Hot,
        }
    }

    /// The protocol of calls to a function of which `cannot_fail` says whether it provably
    /// cannot fail. Under hot reload every call is checked: a reload may replace the callee
    /// by a version that fails, and the calls already compiled would not see its errors.
    pub(crate) fn call_protocol(&self, cannot_fail: bool) -> CallProtocol {
        match self.hot {
            None if cannot_fail => CallProtocol::CannotFail,
            _ => CallProtocol::Checked,
        }
    }

    pub(crate) fn runtime_function(&self, name: &str) -> RuntimeFunction {
        match self.hot {
            Some(target) if target.linker.uses_import_table() => {
                RuntimeFunction::ImportTable(target.linker.runtime_function(name))
            }
            _ => RuntimeFunction::Symbol,
        }
    }
}
