//! What the type checker learned about each expression, kept for code generation.
//!
//! Like rustc's `TypeckResults`, these are side tables keyed by the source position of a
//! syntax node rather than a separate typed tree: the AST already has every node code
//! generation needs, and the checker records only what the AST cannot say — the type of each
//! expression, what each name refers to, and what each call calls.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

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

/// Hashes node keys for the side tables, and the names of module scopes. A check inserts a
/// few entries per expression, and the standard SipHash (built to resist chosen keys, which
/// spans and names written by the program's author are not) was a tenth of the time of
/// checking a large program; this is the multiply-rotate hash of rustc's `FxHasher`, on the
/// key's words.
#[derive(Clone, Copy, Debug, Default)]
pub struct NodeKeyHasher {
    hash: u64,
}

impl NodeKeyHasher {
    const SEED: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.hash = self.hash.wrapping_add(word).wrapping_mul(Self::SEED);
    }
}

impl Hasher for NodeKeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weakest; hash tables index with them.
        self.hash.rotate_left(26)
    }
}

/// A side table keyed by syntax node (a `HashMap` with [`NodeKeyHasher`]).
pub type NodeMap<V> = HashMap<NodeKey, V, BuildHasherDefault<NodeKeyHasher>>;
/// A set of syntax nodes (a `HashSet` with [`NodeKeyHasher`]).
pub type NodeSet = HashSet<NodeKey, BuildHasherDefault<NodeKeyHasher>>;

/// A side table from syntax node to type, which holds each distinct type once.
///
/// A check records the type of every expression, and a module uses a few dozen distinct
/// types: an entry is the node and the number of its type (16 bytes) instead of the node and
/// a `Type` (48 bytes with padding, and a heap allocation for each `[T]` or `?T`). At 100,000
/// lines these tables were a third of the compiler's peak memory (issue 20).
#[derive(Clone, Debug, Default)]
pub struct TypeTable {
    entries: NodeMap<u32>,
    /// The distinct types, by number.
    types: Vec<Type>,
    /// Each type's number; the hash of `NodeKeyHasher` serves for the few short keys. The
    /// types without parts are numbered in `simple` instead.
    numbers: HashMap<Type, u32, BuildHasherDefault<NodeKeyHasher>>,
    /// The number of `int`, `float`, `bool`, `str`, `nil`, the void type and the error type
    /// (by `simple_position`), plus one; 0 while the table has none. Most expressions have one
    /// of these: hashing and comparing each expression's `Type` to find its number was a
    /// quarter of `insert`, 3% of `lang check`'s instructions at 100,000 lines.
    simple: [u32; 7],
}

/// Where a type without parts is numbered in `TypeTable::simple`.
fn simple_position(ty: &Type) -> Option<usize> {
    Some(match ty {
        Type::Int => 0,
        Type::Float => 1,
        Type::Bool => 2,
        Type::Str => 3,
        Type::Nil => 4,
        Type::Void => 5,
        Type::Error => 6,
        _ => return None,
    })
}

impl TypeTable {
    /// Records `ty` for `key` (replacing what was recorded there).
    pub fn insert(&mut self, key: NodeKey, ty: &Type) {
        let number = match simple_position(ty) {
            Some(position) => match self.simple[position] {
                0 => {
                    let number = self.types.len() as u32;
                    self.types.push(ty.clone());
                    self.simple[position] = number + 1;
                    number
                }
                known => known - 1,
            },
            None => match self.numbers.get(ty) {
                Some(number) => *number,
                None => {
                    let number = self.types.len() as u32;
                    self.types.push(ty.clone());
                    self.numbers.insert(ty.clone(), number);
                    number
                }
            },
        };
        self.entries.insert(key, number);
    }

    /// Makes room for `additional` more nodes.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    pub fn get(&self, key: &NodeKey) -> Option<&Type> {
        self.entries.get(key).map(|number| &self.types[*number as usize])
    }

    pub fn iter(&self) -> impl Iterator<Item = (&NodeKey, &Type)> {
        self.entries
            .iter()
            .map(|(key, number)| (key, &self.types[*number as usize]))
    }

    pub fn keys(&self) -> impl Iterator<Item = &NodeKey> {
        self.entries.keys()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Two tables are equal when they give the same types to the same nodes, whatever the
/// numbering.
impl PartialEq for TypeTable {
    fn eq(&self, other: &TypeTable) -> bool {
        self.len() == other.len() && self.iter().all(|(key, ty)| other.get(key) == Some(ty))
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

/// The side tables filled by one part of a check (a module's bodies, or what the passes over
/// the whole program record).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultTables {
    /// The type of every checked expression, keyed by the expression's span.
    pub expr_types: TypeTable,
    /// What each name refers to, keyed by the name's own span.
    pub names: NodeMap<NameRef>,
    /// Each call, keyed by the call expression's span.
    pub calls: NodeMap<CallInfo>,
    /// The type of each local binding (`let`, parameter, loop variable, `if let`), keyed by
    /// the span of the bound name.
    pub locals: TypeTable,
    /// The variant of each enum value (`E.V`, `E.V(...)`, `m.E.V(...)`, `.V`, `.V(...)`, keyed
    /// by the span of the whole value expression, the call's for a payload) and of each variant
    /// pattern (keyed by the pattern's span).
    pub variants: NodeMap<VariantRef>,
    /// The type of the value each pattern is matched against, keyed by the pattern's span: the
    /// scrutinee's type for an arm's pattern, a payload field's type for a sub-pattern. At an
    /// optional position it is the `?T` (a pattern other than `nil` and `_` then tests non-nil
    /// first and matches the `T` inside, which is what a name binds: see `locals`).
    pub pattern_types: TypeTable,
    /// Each function expression, keyed by its span.
    pub closures: NodeMap<ClosureInfo>,
    /// The locals (keyed by their declared name) that live in a heap cell: captured by a
    /// closure and assigned after their declaration.
    pub cells: NodeSet,
    /// Locals some closure captures, and locals assigned somewhere: `cells` is both.
    pub captured_locals: NodeSet,
    pub assigned_locals: NodeSet,
    /// For each use of a local (a name recorded as `NameRef::Local`), the span of the name
    /// that bound it, in the same file: what go-to-definition and rename in the editor follow.
    pub local_definitions: NodeMap<Span>,
    /// The enum expected where an implicit member `.Name` is written, keyed by the span of
    /// `Name`, also when no variant has that name: what completion after `.` offers.
    pub implicit_member_enums: NodeMap<EnumId>,
}

/// Every side table of a check: the tables being filled (reached through `Deref`), and the
/// finished parts, each shared with the incremental check's cache (`sema::incremental`), so
/// a module whose check is reused costs one reference count, not a copy of its tables.
#[derive(Clone, Debug, Default)]
pub struct TypeckResults {
    current: ResultTables,
    finished: Vec<Arc<ResultTables>>,
    /// For each file, the finished parts that hold nodes of it (usually one).
    parts_of_file: HashMap<FileId, Vec<usize>>,
    /// For each module's file, its part (`module_part`).
    module_parts: HashMap<FileId, usize>,
}

impl std::ops::Deref for TypeckResults {
    type Target = ResultTables;
    fn deref(&self) -> &ResultTables {
        &self.current
    }
}

impl std::ops::DerefMut for TypeckResults {
    fn deref_mut(&mut self) -> &mut ResultTables {
        &mut self.current
    }
}

impl ResultTables {
    /// Makes room in the busiest tables for the nodes of function bodies of `bytes` bytes of
    /// source, before they are checked. Grown one insert at a time, the tables were copied
    /// into a table twice as large a dozen times each: 5% of the instructions of checking a
    /// 100,000-line program (issue 20). The ratios are those measured on the generated
    /// programs of `bench/scale.sh` (denser code, the examples, has more nodes a byte and
    /// grows its tables once or twice): an expression per 10 bytes, a name per 26, a local's
    /// use per 28, a call per 80, a local per 70. Not rounded up: a table's room is rounded
    /// up to a power of two anyway, and room to spare is memory touched for nothing (an
    /// entry can land anywhere in a table).
    pub(super) fn reserve_for_bodies(&mut self, bytes: usize) {
        self.expr_types.reserve(bytes / 10);
        self.names.reserve(bytes / 26);
        self.local_definitions.reserve(bytes / 28);
        self.calls.reserve(bytes / 80);
        self.locals.reserve(bytes / 70);
    }

    /// The files whose nodes these tables hold.
    pub(super) fn files(&self) -> std::collections::HashSet<FileId> {
        let mut files = std::collections::HashSet::new();
        // Nearly every key of a part is of one file: a set insert only when the file changes.
        let mut add = |keys: &mut dyn Iterator<Item = &NodeKey>| {
            let mut last = None;
            for key in keys {
                if last != Some(key.file) {
                    last = Some(key.file);
                    files.insert(key.file);
                }
            }
        };
        add(&mut self.expr_types.keys());
        add(&mut self.names.keys());
        add(&mut self.calls.keys());
        add(&mut self.locals.keys());
        add(&mut self.variants.keys());
        add(&mut self.pattern_types.keys());
        add(&mut self.closures.keys());
        add(&mut self.cells.iter());
        add(&mut self.captured_locals.iter());
        add(&mut self.assigned_locals.iter());
        add(&mut self.local_definitions.keys());
        add(&mut self.implicit_member_enums.keys());
        files
    }

    fn extend_from(&mut self, other: &ResultTables) {
        for (key, ty) in other.expr_types.iter() {
            self.expr_types.insert(*key, ty);
        }
        self.names.extend(other.names.iter().map(|(key, name)| (*key, *name)));
        self.calls.extend(other.calls.iter().map(|(key, call)| (*key, *call)));
        for (key, ty) in other.locals.iter() {
            self.locals.insert(*key, ty);
        }
        self.variants
            .extend(other.variants.iter().map(|(key, variant)| (*key, *variant)));
        for (key, ty) in other.pattern_types.iter() {
            self.pattern_types.insert(*key, ty);
        }
        self.closures
            .extend(other.closures.iter().map(|(key, closure)| (*key, closure.clone())));
        self.cells.extend(other.cells.iter().copied());
        self.captured_locals.extend(other.captured_locals.iter().copied());
        self.assigned_locals.extend(other.assigned_locals.iter().copied());
        self.local_definitions
            .extend(other.local_definitions.iter().map(|(key, span)| (*key, *span)));
        self.implicit_member_enums
            .extend(other.implicit_member_enums.iter().map(|(key, id)| (*key, *id)));
    }
}

impl TypeckResults {
    /// Ends the part being filled: its tables join the finished ones, and are returned to be
    /// kept for a later check.
    pub(super) fn finish_part(&mut self) -> Arc<ResultTables> {
        let tables = Arc::new(std::mem::take(&mut self.current));
        self.add_part(tables.clone());
        tables
    }

    /// Adds tables recorded by an earlier check (a module's, reused unchanged).
    pub(super) fn add_part(&mut self, tables: Arc<ResultTables>) {
        let files: Vec<FileId> = tables.files().into_iter().collect();
        self.add_part_of_files(tables, &files);
    }

    /// Adds tables whose files (`ResultTables::files`) are known: a reused module's part,
    /// whose files its cache entry keeps. Finding them again walks every node of the part,
    /// which for every unchanged module at every reload would make a reload's cost grow with
    /// the program (LANGUAGE.md section 7 item 14).
    pub(super) fn add_part_of_files(&mut self, tables: Arc<ResultTables>, files: &[FileId]) {
        let index = self.finished.len();
        for file in files {
            self.parts_of_file.entry(*file).or_default().push(index);
        }
        self.finished.push(tables);
    }

    /// Every table merged into one (to compare two checks in tests).
    pub fn merged(&self) -> ResultTables {
        let mut merged = ResultTables::default();
        for part in &self.finished {
            merged.extend_from(part);
        }
        merged.extend_from(&self.current);
        merged
    }

    /// Marks the part finished last as the check of the bodies of the module in `file`.
    pub(super) fn mark_module_part(&mut self, file: FileId) {
        if let Some(index) = self.finished.len().checked_sub(1) {
            self.module_parts.insert(file, index);
        }
    }

    /// The part holding the check of the bodies of the module in `file` (under incremental
    /// checking; shared with the cache while that check is reused): what a later pass over
    /// function bodies may key its own per-module memo on.
    pub fn module_part(&self, file: FileId) -> Option<&Arc<ResultTables>> {
        self.module_parts.get(&file).map(|index| &self.finished[*index])
    }

    /// The tables that may hold nodes of `file`: the ones being filled and the finished parts
    /// holding it. An editor's request walks these, not the whole program's.
    pub fn tables_of_file(&self, file: FileId) -> impl Iterator<Item = &ResultTables> {
        let parts = self.parts_of_file.get(&file).map(Vec::as_slice).unwrap_or(&[]);
        std::iter::once(&self.current).chain(parts.iter().map(|&index| self.finished[index].as_ref()))
    }

    /// Looks a node up in the tables being filled, then in the finished parts holding its file.
    fn find<'a, T>(&'a self, file: FileId, table: impl Fn(&'a ResultTables) -> Option<&'a T>) -> Option<&'a T> {
        if let Some(found) = table(&self.current) {
            return Some(found);
        }
        let parts = self.parts_of_file.get(&file)?;
        parts.iter().find_map(|&index| table(self.finished[index].as_ref()))
    }

    pub fn expr_type(&self, file: FileId, span: Span) -> Option<&Type> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.expr_types.get(&key))
    }

    pub fn name(&self, file: FileId, span: Span) -> Option<NameRef> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.names.get(&key)).copied()
    }

    pub fn call(&self, file: FileId, span: Span) -> Option<CallInfo> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.calls.get(&key)).copied()
    }

    pub fn local(&self, file: FileId, span: Span) -> Option<&Type> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.locals.get(&key))
    }

    pub fn variant(&self, file: FileId, span: Span) -> Option<VariantRef> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.variants.get(&key)).copied()
    }

    pub fn closure(&self, file: FileId, span: Span) -> Option<&ClosureInfo> {
        self.closure_at(NodeKey::new(file, span))
    }

    pub fn closure_at(&self, key: NodeKey) -> Option<&ClosureInfo> {
        self.find(key.file, |tables| tables.closures.get(&key))
    }

    pub fn is_cell(&self, file: FileId, name: Span) -> bool {
        let key = NodeKey::new(file, name);
        self.find(file, |tables| tables.cells.get(&key)).is_some()
    }

    pub fn local_definition(&self, file: FileId, span: Span) -> Option<Span> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.local_definitions.get(&key)).copied()
    }

    /// The enum expected where the implicit member `.Name` is written (keyed by `Name`).
    pub fn implicit_member_enum(&self, file: FileId, span: Span) -> Option<EnumId> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.implicit_member_enums.get(&key))
            .copied()
    }

    pub fn pattern_type(&self, file: FileId, span: Span) -> Option<&Type> {
        let key = NodeKey::new(file, span);
        self.find(file, |tables| tables.pattern_types.get(&key))
    }
}

#[cfg(test)]
mod type_table_tests {
    use super::*;
    use crate::source::FileId;

    fn key(start: u32) -> NodeKey {
        NodeKey {
            file: FileId(0),
            start,
            end: start + 1,
        }
    }

    #[test]
    fn each_type_is_held_once_whether_simple_or_not() {
        let mut table = TypeTable::default();
        table.insert(key(0), &Type::Int);
        table.insert(key(1), &Type::array(Type::Int));
        table.insert(key(2), &Type::Int);
        table.insert(key(3), &Type::array(Type::Int));
        table.insert(key(4), &Type::Error);
        // Replacing an entry's type.
        table.insert(key(0), &Type::Str);
        assert_eq!(table.get(&key(0)), Some(&Type::Str));
        assert_eq!(table.get(&key(1)), Some(&Type::array(Type::Int)));
        assert_eq!(table.get(&key(2)), Some(&Type::Int));
        assert_eq!(table.get(&key(3)), Some(&Type::array(Type::Int)));
        assert_eq!(table.get(&key(4)), Some(&Type::Error));
        assert_eq!(table.get(&key(5)), None);
        assert_eq!(table.types, [Type::Int, Type::array(Type::Int), Type::Error, Type::Str]);
        // Numbering does not matter to equality.
        let mut other = TypeTable::default();
        for (start, ty) in [
            (4, Type::Error),
            (3, Type::array(Type::Int)),
            (2, Type::Int),
            (1, Type::array(Type::Int)),
            (0, Type::Str),
        ] {
            other.insert(key(start), &ty);
        }
        assert_eq!(table, other);
    }
}
