//! The types the match checker sees at each pattern position, and the table of enums they name.
//!
//! The type checker describes the scrutinee's type here, independent of its own `Type`, so that
//! the usefulness algorithm needs to know nothing else about the program. Enums live in a table
//! and are named by key, not held inline, because an enum may contain itself (`Add(left: Expr,
//! right: Expr)`): an inline description would be infinite.

/// The type of one pattern position, as far as matching cares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PatternType {
    /// Covered by `true` and `false`.
    Bool,
    /// Literals and ranges never cover an `int`: only a wildcard or a name does.
    Int,
    /// Literals never cover a `str`: only a wildcard or a name does.
    Str,
    /// `?T`: `nil`, or a value of `T` (the constructor `Some`, whose one field is the `T`).
    Optional(Box<PatternType>),
    /// An enum declared in the program, described by the [`EnumTable`] given to the checker.
    Enum(EnumKey),
    /// Any type that patterns cannot take apart (`float`, arrays, maps, structs, functions):
    /// only a wildcard or a name matches it.
    Opaque,
}

impl PatternType {
    pub(crate) fn optional(inner: PatternType) -> PatternType {
        PatternType::Optional(Box::new(inner))
    }
}

/// Names an enum in an [`EnumTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct EnumKey(pub(crate) usize);

/// One enum: its name (for the caller's own messages) and its variants in declaration order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct EnumDescription {
    pub(crate) name: String,
    pub(crate) variants: Vec<VariantDescription>,
}

/// One variant: its name, written in witnesses as `.Name`, and the types of its payload fields
/// in declaration order (empty for a variant without payload).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct VariantDescription {
    pub(crate) name: String,
    pub(crate) fields: Vec<PatternType>,
}

impl VariantDescription {
    pub(crate) fn new(name: &str, fields: Vec<PatternType>) -> VariantDescription {
        VariantDescription {
            name: name.to_string(),
            fields,
        }
    }
}

/// Every enum that the types given to one check may name.
///
/// An enum that refers to itself is added in two steps: [`EnumTable::declare`] gives its key,
/// which its own payload types can then use, and [`EnumTable::define_variants`] completes it.
#[derive(Clone, Debug, Default)]
pub(crate) struct EnumTable {
    enums: Vec<EnumDescription>,
}

impl EnumTable {
    pub(crate) fn new() -> EnumTable {
        EnumTable::default()
    }

    /// Adds an enum without variants yet and returns its key.
    pub(crate) fn declare(&mut self, name: &str) -> EnumKey {
        self.enums.push(EnumDescription {
            name: name.to_string(),
            variants: Vec::new(),
        });
        EnumKey(self.enums.len() - 1)
    }

    /// Gives the enum `key` its variants, replacing any it had.
    pub(crate) fn define_variants(&mut self, key: EnumKey, variants: Vec<VariantDescription>) {
        self.enums[key.0].variants = variants;
    }

    /// Adds a complete enum (one that does not refer to itself) and returns its key.
    pub(crate) fn add(&mut self, name: &str, variants: Vec<VariantDescription>) -> EnumKey {
        let key = self.declare(name);
        self.define_variants(key, variants);
        key
    }

    pub(crate) fn get(&self, key: EnumKey) -> &EnumDescription {
        &self.enums[key.0]
    }

    /// The variants of the enum `key`, in declaration order.
    pub(crate) fn variants(&self, key: EnumKey) -> &[VariantDescription] {
        &self.enums[key.0].variants
    }
}
