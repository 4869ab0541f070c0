//! What the type checker learned about each expression, kept for code generation.
//!
//! Like rustc's `TypeckResults`, these are side tables keyed by the source position of a
//! syntax node rather than a separate typed tree: the AST already has every node code
//! generation needs, and the checker records only what the AST cannot say — the type of each
//! expression, what each name refers to, and what each call calls.

use std::collections::{HashMap, HashSet};

use super::builtins::Builtin;
use super::types::{EnumId, FunctionId, Type, VariableId};
use crate::source::{FileId, Span};

/// Identifies one syntax node: its file and span. No two expressions of a valid program share
/// a span (every wrapper node — parentheses, unwrap, calls — is wider than what it wraps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NodeKey {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl NodeKey {
    pub fn new(file: FileId, span: Span) -> NodeKey {
        NodeKey {
            file,
            start: span.start,
            end: span.end,
        }
    }
}

/// What a name (a bare identifier, or the item of `module.item`) refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRef {
    Local,
    Variable(VariableId),
    Function(FunctionId),
    Builtin(Builtin),
}

/// What a call expression calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallTarget {
    Function(FunctionId),
    Builtin(Builtin),
    /// A function value: the callee expression (or, for `x.f(a)` with a field `f`, the field)
    /// is evaluated and called.
    Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallInfo {
    pub target: CallTarget,
    /// Method syntax `x.f(a)` calling `f(x, a)`: the receiver is the first argument.
    pub receiver_is_first_argument: bool,
}

/// The variant an enum value expression builds or a variant pattern tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VariantRef {
    pub enum_id: EnumId,
    /// Index in the enum's declaration order (`EnumInfo::variants`).
    pub variant: usize,
}

/// A function expression: its type and what it captures (LANGUAGE.md section 10).
#[derive(Clone, Debug, PartialEq)]
pub struct ClosureInfo {
    /// The item the closure is written in (`fn main fn()`, `var handlers`...) and its
    /// ordinal among that item's function expressions: with its type and captures, its
    /// identity under hot reload (LANGUAGE.md section 10).
    pub owner: String,
    pub ordinal: u32,
    pub params: Vec<Type>,
    pub result: Option<Type>,
    /// In the order of first use in the body; this is the order of the environment.
    pub captures: Vec<CaptureInfo>,
}

/// A local of an enclosing function that a closure uses.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptureInfo {
    pub name: String,
    pub ty: Type,
    /// The key of the local's declared name (as in `TypeckResults::locals`).
    pub declaration: NodeKey,
    /// Whether the local lives in a cell (it is captured and assigned after its declaration);
    /// otherwise its value is copied into the closure.
    pub in_cell: bool,
}

#[derive(Clone, Debug, Default)]
pub struct TypeckResults {
    /// The type of every checked expression, keyed by the expression's span.
    pub expr_types: HashMap<NodeKey, Type>,
    /// What each name refers to, keyed by the name's own span.
    pub names: HashMap<NodeKey, NameRef>,
    /// Each call, keyed by the call expression's span.
    pub calls: HashMap<NodeKey, CallInfo>,
    /// The type of each local binding (`let`, parameter, loop variable, `if let`), keyed by
    /// the span of the bound name.
    pub locals: HashMap<NodeKey, Type>,
    /// The variant of each enum value (`E.V`, `E.V(...)`, `m.E.V(...)`, `.V`, `.V(...)`, keyed
    /// by the span of the whole value expression, the call's for a payload) and of each variant
    /// pattern (keyed by the pattern's span).
    pub variants: HashMap<NodeKey, VariantRef>,
    /// The type of the value each pattern is matched against, keyed by the pattern's span: the
    /// scrutinee's type for an arm's pattern, a payload field's type for a sub-pattern. At an
    /// optional position it is the `?T` (a pattern other than `nil` and `_` then tests non-nil
    /// first and matches the `T` inside, which is what a name binds: see `locals`).
    pub pattern_types: HashMap<NodeKey, Type>,
    /// Each function expression, keyed by its span.
    pub closures: HashMap<NodeKey, ClosureInfo>,
    /// The locals (keyed by their declared name) that live in a heap cell: captured by a
    /// closure and assigned after their declaration.
    pub cells: HashSet<NodeKey>,
    /// Locals some closure captures, and locals assigned somewhere: `cells` is both.
    pub captured_locals: HashSet<NodeKey>,
    pub assigned_locals: HashSet<NodeKey>,
    /// For each use of a local (a name recorded as `NameRef::Local`), the span of the name
    /// that bound it, in the same file: what go-to-definition and rename in the editor follow.
    pub local_definitions: HashMap<NodeKey, Span>,
    /// The enum expected where an implicit member `.Name` is written, keyed by the span of
    /// `Name`, also when no variant has that name: what completion after `.` offers.
    pub implicit_member_enums: HashMap<NodeKey, EnumId>,
}

impl TypeckResults {
    pub fn expr_type(&self, file: FileId, span: Span) -> Option<&Type> {
        self.expr_types.get(&NodeKey::new(file, span))
    }

    pub fn name(&self, file: FileId, span: Span) -> Option<NameRef> {
        self.names.get(&NodeKey::new(file, span)).copied()
    }

    pub fn call(&self, file: FileId, span: Span) -> Option<CallInfo> {
        self.calls.get(&NodeKey::new(file, span)).copied()
    }

    pub fn local(&self, file: FileId, span: Span) -> Option<&Type> {
        self.locals.get(&NodeKey::new(file, span))
    }

    pub fn variant(&self, file: FileId, span: Span) -> Option<VariantRef> {
        self.variants.get(&NodeKey::new(file, span)).copied()
    }

    pub fn closure(&self, file: FileId, span: Span) -> Option<&ClosureInfo> {
        self.closures.get(&NodeKey::new(file, span))
    }

    pub fn is_cell(&self, file: FileId, name: Span) -> bool {
        self.cells.contains(&NodeKey::new(file, name))
    }

    pub fn local_definition(&self, file: FileId, span: Span) -> Option<Span> {
        self.local_definitions.get(&NodeKey::new(file, span)).copied()
    }

    pub fn pattern_type(&self, file: FileId, span: Span) -> Option<&Type> {
        self.pattern_types.get(&NodeKey::new(file, span))
    }
}
