//! The names in scope while checking: each module's items (its environment, as Gleam calls
//! it) and the local variables of the code being checked. A leaf: it imports no checker file.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use super::results::NodeKeyHasher;
use super::types::{EnumId, FunctionId, ModuleId, StructId, Type, VariableId};
use crate::source::{FileId, Span};

/// What a name at module level refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleItem {
    Function(FunctionId),
    Struct(StructId),
    Enum(EnumId),
    Variable(VariableId),
    Import(ModuleId),
}

/// The names a module defines or imports.
#[derive(Clone, Debug, Default)]
pub struct ModuleScope {
    /// Hashed with `NodeKeyHasher` rather than SipHash: every name a body uses that is not a
    /// local is looked up here, and SipHash made each lookup cost about 170 instructions
    /// (2% of checking a 100,000-line program). Names are the program author's, not an
    /// attacker's keys.
    pub items: HashMap<String, ModuleItem, BuildHasherDefault<NodeKeyHasher>>,
    /// Item names in declaration order, for deterministic interfaces and hints.
    pub order: Vec<String>,
}

/// A local variable in scope.
#[derive(Clone, Debug)]
pub(super) struct Local {
    pub(super) name: String,
    pub(super) ty: Type,
    pub(super) mutable: bool,
    pub(super) span: Span,
}

/// The context of the code being checked: a function body or a module-level initializer.
pub(super) struct Context {
    pub(super) module: ModuleId,
    pub(super) file: FileId,
    pub(super) is_stdlib: bool,
    /// `Some(None)` in a function without a result; `None` outside functions.
    pub(super) result: Option<Option<Type>>,
    pub(super) locals: Vec<Local>,
    /// Start index in `locals` of each open block.
    pub(super) scopes: Vec<usize>,
    pub(super) loop_depth: usize,
    /// The function expressions being checked, outermost first (see `closures.rs`).
    pub(super) closure_frames: Vec<ClosureFrame>,
    /// What the function expressions checked in this context belong to, for their hot-reload
    /// identity: `fn NAME SIGNATURE`, `var NAME`, `struct NAME` or `enum NAME`.
    pub(super) closure_owner: String,
}

/// A function expression being checked: where its locals start in `Context::locals`, and
/// what it captured so far (name, type, the declaration's key), in first-use order.
#[derive(Clone, Debug, Default)]
pub(super) struct ClosureFrame {
    pub(super) start: usize,
    pub(super) captures: Vec<(String, Type, super::results::NodeKey)>,
}

impl Context {
    pub(super) fn lookup(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|local| local.name == name)
    }
}
