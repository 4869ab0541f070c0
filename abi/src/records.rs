//! The records that describe one compiled module for hot reload, whoever produced it (the
//! JIT, or a shared library's metadata): its functions, module variables, structs and field
//! defaults, enums. `Address` is what names a piece of code: a code address once loaded, an index
//! into a library's function table in its metadata, a Cranelift `FuncId` in the compiler.

/// A script function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionRecord<Address> {
    pub name: String,
    /// Its type as users write it (`fn(int) -> float`).
    pub signature: String,
    pub address: Address,
}

/// A module variable and its initializer `fn(ctx) -> status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VariableRecord<Address> {
    pub name: String,
    /// The type text.
    pub ty: String,
    /// Declared with `let` (otherwise `var`).
    pub is_let: bool,
    /// The token hash of its declaration: a `let` whose declaration changed is initialized
    /// again.
    pub token_hash: u64,
    pub initializer: Address,
}

/// A struct field: its name and type text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldRecord {
    pub name: String,
    pub ty: String,
}

/// A struct of the module and its layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructRecord {
    pub name: String,
    /// [`crate::layout_hash`] of its layout text.
    pub layout_hash: u64,
    pub fields: Vec<FieldRecord>,
}

/// An enum of the module under hot reload: its registry key and each variant's number (a
/// hash, `crate::enums`), so a producer can refuse a version in which two names share a
/// number before it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumRecord {
    pub name: String,
    /// [`crate::enums::hot_enum_key`] of its module and name.
    pub key: u32,
    /// (number, name) of each variant.
    pub variants: Vec<(i64, String)>,
}

/// The default of a struct field, as a function `fn(ctx) -> (word, status)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultRecord<Address> {
    pub strukt: String,
    pub field: String,
    pub function: Address,
}

impl<Address> FunctionRecord<Address> {
    /// The same record naming its code differently.
    pub fn map<Other>(self, convert: impl FnOnce(Address) -> Other) -> FunctionRecord<Other> {
        FunctionRecord {
            name: self.name,
            signature: self.signature,
            address: convert(self.address),
        }
    }
}

impl<Address> VariableRecord<Address> {
    /// The same record naming its initializer differently.
    pub fn map<Other>(self, convert: impl FnOnce(Address) -> Other) -> VariableRecord<Other> {
        VariableRecord {
            name: self.name,
            ty: self.ty,
            is_let: self.is_let,
            token_hash: self.token_hash,
            initializer: convert(self.initializer),
        }
    }
}

impl<Address> DefaultRecord<Address> {
    /// The same record naming its function differently.
    pub fn map<Other>(self, convert: impl FnOnce(Address) -> Other) -> DefaultRecord<Other> {
        DefaultRecord {
            strukt: self.strukt,
            field: self.field,
            function: convert(self.function),
        }
    }
}
