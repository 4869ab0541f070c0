//! What a reload swaps in, whoever compiled it: a module's code (from the JIT, or from a
//! shared library built by `lang build --hmr`) described as plain addresses, and a new
//! version of the program made of such modules.

use std::time::Instant;

use lang_abi::records::{DefaultRecord, EnumRecord, FunctionRecord, StructRecord, VariableRecord};

/// Whatever keeps a module's machine code alive (a JIT module, a loaded library).
pub trait CodeOwner: Send {
    /// Frees the code.
    ///
    /// # Safety
    /// No slot may point into the code, and no frame may return into it.
    unsafe fn free(self: Box<Self>);
}

/// One module's compiled code, as addresses the session patches in.
pub struct CodeModule {
    /// The setup function: `fn(ctx) -> status` (literals, struct descriptors).
    pub setup: usize,
    /// Each script function and its address.
    pub functions: Vec<FunctionRecord<usize>>,
    /// Each module variable and its initializer `fn(ctx) -> status`.
    pub variables: Vec<VariableRecord<usize>>,
    /// Slots (by address) to point at these wrappers of built-ins.
    pub slot_patches: Vec<(u64, usize)>,
    /// The module's structs.
    pub structs: Vec<StructRecord>,
    /// Field defaults as `fn(ctx) -> (word, status)`.
    pub defaults: Vec<DefaultRecord<usize>>,
    /// The module's enums and their variant numbers.
    pub enums: Vec<EnumRecord>,
    /// The lowest and highest code addresses, to tell whether a frame returns into it.
    pub code_range: (usize, usize),
    pub owner: Box<dyn CodeOwner>,
}

impl CodeModule {
    /// Frees the code.
    ///
    /// # Safety
    /// As [`CodeOwner::free`].
    pub unsafe fn free(self) {
        // SAFETY: the caller's promise.
        unsafe { self.owner.free() }
    }
}

/// One module of a new version.
pub struct ModuleUpdate {
    pub name: String,
    pub display_name: String,
    pub hot: CodeModule,
    /// Functions whose tokens changed, or that are new.
    pub changed_functions: Vec<String>,
    /// Functions of the running version that the new one no longer has.
    pub removed_functions: Vec<String>,
    /// Every function of the new version: name and signature (compiled or not).
    pub all_functions: Vec<(String, String)>,
    /// Whether the tokens of the module's own source file changed: `on_reload` runs only
    /// then, not when the module was only compiled again because a module it imports changed
    /// (LANGUAGE.md section 7 item 5).
    pub source_changed: bool,
    /// Compiled only because functions of it that had never been compiled can now run (a
    /// new call or function value reaches them): nothing of it changed, so no reload line
    /// reports it and its version number stays (`jit/plan.rs`).
    pub adds_code_only: bool,
    /// The shared library the code came from, for the reload line (`lang build --hmr`).
    pub library: Option<String>,
}

/// A new version of the program, compiled and ready to be swapped in.
pub struct Ready {
    pub modules: Vec<ModuleUpdate>,
    /// Module names in initialization order.
    pub order: Vec<String>,
    /// The main module's name.
    pub main_module: String,
    pub main_changed: bool,
    /// When the first event of the change arrived.
    pub started: Instant,
    /// Room for the list of new payloads of a struct migration, allocated and touched by the
    /// producing thread so the script thread's pause does not take the page faults.
    pub migration_scratch: Vec<usize>,
}
