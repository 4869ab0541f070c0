//! The types of `lang` values as the type checker sees them, and the tables of declared items.

use crate::source::{FileId, Span};

/// Index of a module in [`super::Program::modules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModuleId(pub u32);

/// Index of a struct in [`Items::structs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StructId(pub u32);

/// Index of an enum in [`Items::enums`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EnumId(pub u32);

/// Index of a function in [`Items::functions`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FunctionId(pub u32);

/// Index of a module-level variable in [`Items::variables`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VariableId(pub u32);

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    Int,
    Float,
    Bool,
    Str,
    Array(Box<Type>),
    Map(Box<Type>, Box<Type>),
    Struct(StructId),
    Enum(EnumId),
    Optional(Box<Type>),
    /// Parameter types and the result (`None` for a function without one).
    Function(Vec<Type>, Option<Box<Type>>),
    /// The type of a bare `nil` before context gives it an optional type.
    Nil,
    /// The "value" of a call to a function without a result.
    Void,
    /// The type of an expression that already produced a diagnostic; compatible with
    /// everything so that one mistake is reported once.
    Error,
}

impl Type {
    pub fn optional(inner: Type) -> Type {
        Type::Optional(Box::new(inner))
    }

    pub fn array(element: Type) -> Type {
        Type::Array(Box::new(element))
    }

    /// Whether `print`, `str` and string interpolation accept this type, enums aside (they need
    /// the item tables: [`Items::is_printable`]).
    pub fn is_printable(&self) -> bool {
        matches!(self, Type::Int | Type::Float | Type::Bool | Type::Str | Type::Error)
    }

    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Int | Type::Float)
    }

    /// Whether a value of type `self` may be stored where `target` is expected: the same
    /// type, or a `T` or `nil` where `?T` is expected.
    pub fn is_assignable_to(&self, target: &Type) -> bool {
        if self == target || matches!(self, Type::Error) || matches!(target, Type::Error) {
            return true;
        }
        match target {
            Type::Optional(inner) => matches!(self, Type::Nil) || self.is_assignable_to_exactly(inner),
            _ => false,
        }
    }

    fn is_assignable_to_exactly(&self, target: &Type) -> bool {
        self == target || matches!(self, Type::Error) || matches!(target, Type::Error)
    }
}

#[derive(Clone, Debug)]
pub struct FieldInfo {
    pub name: String,
    pub ty: Type,
    pub has_default: bool,
    /// The field's name in the declaration.
    pub span: Span,
    /// The field's written type in the declaration.
    pub type_span: Span,
}

#[derive(Clone, Debug)]
pub struct StructInfo {
    pub module: ModuleId,
    pub file: FileId,
    pub name: String,
    pub is_pub: bool,
    pub fields: Vec<FieldInfo>,
    pub span: Span,
}

/// One variant of an enum. A payload field's default stays in the AST
/// (`ast::VariantDecl::payload`), as a struct field's does.
#[derive(Clone, Debug)]
pub struct VariantInfo {
    pub name: String,
    /// Whether the variant is written with parentheses (`Rect(w: float)`); its payload fields
    /// are then `fields`, possibly none.
    pub has_payload: bool,
    pub fields: Vec<FieldInfo>,
    pub span: Span,
}

impl VariantInfo {
    /// How many payload arguments a value needs at least: the fields before the trailing run of
    /// fields with defaults.
    pub fn required_fields(&self) -> usize {
        self.fields.len() - self.fields.iter().rev().take_while(|field| field.has_default).count()
    }
}

#[derive(Clone, Debug)]
pub struct EnumInfo {
    pub module: ModuleId,
    pub file: FileId,
    pub name: String,
    pub is_pub: bool,
    pub variants: Vec<VariantInfo>,
    pub span: Span,
}

impl EnumInfo {
    pub fn variant_index(&self, name: &str) -> Option<usize> {
        self.variants.iter().position(|variant| variant.name == name)
    }
}

#[derive(Clone, Debug)]
pub struct FunctionInfo {
    pub module: ModuleId,
    pub file: FileId,
    pub name: String,
    pub is_pub: bool,
    pub params: Vec<Type>,
    pub result: Option<Type>,
    pub span: Span,
}

impl FunctionInfo {
    pub fn ty(&self) -> Type {
        Type::Function(self.params.clone(), self.result.clone().map(Box::new))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VariableState {
    /// The initializer has not been checked yet.
    Pending,
    /// The initializer is being checked: reaching the variable again means a cycle.
    InProgress,
    Done,
}

#[derive(Clone, Debug)]
pub struct VariableInfo {
    pub module: ModuleId,
    pub file: FileId,
    pub name: String,
    pub is_pub: bool,
    pub mutable: bool,
    /// The declared type, or the inferred one once the initializer is checked.
    pub ty: Option<Type>,
    pub state: VariableState,
    /// Index of the declaration in its module's items.
    pub item_index: usize,
    pub span: Span,
}

/// Every struct, function and module variable of the program.
#[derive(Clone, Debug, Default)]
pub struct Items {
    pub structs: Vec<StructInfo>,
    pub enums: Vec<EnumInfo>,
    /// Shared entries: hot reload keeps the tables of the last check as the base of the next
    /// (`item_reuse`), and a program has thousands of functions, which a deep copy of the
    /// tables on every save would copy (`Arc::make_mut` copies the one entry changed).
    pub functions: Vec<std::sync::Arc<FunctionInfo>>,
    pub variables: Vec<VariableInfo>,
}

impl Items {
    pub fn struct_info(&self, id: StructId) -> &StructInfo {
        &self.structs[id.0 as usize]
    }

    pub fn enum_info(&self, id: EnumId) -> &EnumInfo {
        &self.enums[id.0 as usize]
    }

    pub fn function(&self, id: FunctionId) -> &FunctionInfo {
        &self.functions[id.0 as usize]
    }

    pub fn variable(&self, id: VariableId) -> &VariableInfo {
        &self.variables[id.0 as usize]
    }

    /// Whether `print`, `str` and string interpolation accept this type (LANGUAGE.md section
    /// 9): the basic types, and an enum whose every payload type is printable, or an optional of
    /// one. An enum that contains itself is printable unless something else in it is not.
    pub fn is_printable(&self, ty: &Type) -> bool {
        self.is_printable_inside(ty, &mut Vec::new(), false)
    }

    fn is_printable_inside(&self, ty: &Type, visiting: &mut Vec<EnumId>, in_payload: bool) -> bool {
        match ty {
            Type::Enum(id) => {
                if visiting.contains(id) {
                    return true;
                }
                visiting.push(*id);
                let printable = self.enum_info(*id).variants.iter().all(|variant| {
                    variant
                        .fields
                        .iter()
                        .all(|field| self.is_printable_inside(&field.ty, visiting, true))
                });
                visiting.pop();
                printable
            }
            Type::Optional(inner) if in_payload => self.is_printable_inside(inner, visiting, true),
            other => other.is_printable(),
        }
    }

    /// Whether a value of this type holds a function value, directly, through `?`, or through
    /// a payload of an enum (section 9: such enums cannot be compared with `==`). An array of
    /// functions compares by identity like any array, so it does not count.
    pub fn holds_function(&self, ty: &Type) -> bool {
        self.holds_function_inside(ty, &mut Vec::new())
    }

    fn holds_function_inside(&self, ty: &Type, visiting: &mut Vec<EnumId>) -> bool {
        match ty {
            Type::Function(..) => true,
            Type::Optional(inner) => self.holds_function_inside(inner, visiting),
            Type::Enum(id) => {
                if visiting.contains(id) {
                    return false;
                }
                visiting.push(*id);
                let holds = self.enum_info(*id).variants.iter().any(|variant| {
                    variant
                        .fields
                        .iter()
                        .any(|field| self.holds_function_inside(&field.ty, visiting))
                });
                visiting.pop();
                holds
            }
            _ => false,
        }
    }

    /// The type as users write it: `[int]`, `{str: ?float}`, `fn(int) -> bool`, `Vec2`.
    pub fn display(&self, ty: &Type) -> String {
        match ty {
            Type::Int => "int".into(),
            Type::Float => "float".into(),
            Type::Bool => "bool".into(),
            Type::Str => "str".into(),
            Type::Array(element) => format!("[{}]", self.display(element)),
            Type::Map(key, value) => format!("{{{}: {}}}", self.display(key), self.display(value)),
            Type::Struct(id) => self.struct_info(*id).name.clone(),
            Type::Enum(id) => self.enum_info(*id).name.clone(),
            Type::Optional(inner) => format!("?{}", self.display(inner)),
            Type::Function(params, result) => {
                let params: Vec<String> = params.iter().map(|param| self.display(param)).collect();
                match result {
                    Some(result) => format!("fn({}) -> {}", params.join(", "), self.display(result)),
                    None => format!("fn({})", params.join(", ")),
                }
            }
            Type::Nil => "nil".into(),
            Type::Void => "no value".into(),
            Type::Error => "{unknown}".into(),
        }
    }
}

/// Whether `ty` has a bare `nil` in it, whose optional type context did not give: a `let`
/// without a written type, or an array or map literal, cannot be inferred from it.
pub(super) fn contains_nil(ty: &Type) -> bool {
    match ty {
        Type::Nil => true,
        Type::Array(element) => contains_nil(element),
        Type::Map(key, value) => contains_nil(key) || contains_nil(value),
        _ => false,
    }
}
