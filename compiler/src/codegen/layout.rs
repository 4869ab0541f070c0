//! How `lang` values are represented in machine code.
//!
//! Every value is one machine word or less: `int` is an `i64`, `float` an `f64`, `bool` an
//! `i8` holding 0 or 1, and every other type — strings, arrays, maps, structs, optionals and
//! function values — a 64-bit pointer. `nil` is the null pointer. A non-nil `?int`, `?float`
//! or `?bool` points to a box object holding the value; `?T` of a reference type is the
//! reference itself. A function value points to an object holding the function's address at
//! `FUNCTION_CODE_OFFSET`: a closure object, or a static immortal one for a named function.
//!
//! In memory (array elements, struct fields, map entries) values are stored as 64-bit words,
//! except the elements of `[bool]`, which take one byte each.

use cranelift_codegen::ir::types;

use super::runtime_abi::{AbiType, ELEMENT_BYTE, ELEMENT_REFERENCE, ELEMENT_WORD};
use crate::sema::types::Type;

/// The Cranelift type of a value of `ty`, or `None` for no value.
pub fn clif_type(ty: &Type) -> Option<types::Type> {
    match ty {
        Type::Int => Some(types::I64),
        Type::Float => Some(types::F64),
        Type::Bool => Some(types::I8),
        Type::Void => None,
        _ => Some(types::I64),
    }
}

pub fn abi_type(ty: AbiType) -> types::Type {
    match ty {
        AbiType::Word => types::I64,
        AbiType::Word32 => types::I32,
        AbiType::Float => types::F64,
        AbiType::Byte => types::I8,
    }
}

/// Whether values of `ty` are pointers to heap objects the collector must trace.
pub fn is_reference(ty: &Type) -> bool {
    match ty {
        // An enum value is a payload object or an odd immediate, which the collector skips.
        Type::Str | Type::Array(_) | Type::Map(..) | Type::Struct(_) | Type::Enum(_) => true,
        // A `?int` is a pointer to a box; a `?T` of a reference type is a reference.
        Type::Optional(_) => true,
        // A function value is a closure object, or a static immortal object the collector
        // skips by its header (LANGUAGE.md section 10).
        Type::Function(..) => true,
        _ => false,
    }
}

/// Whether a non-nil `?T` holds its value in a box.
pub fn is_boxed_optional(inner: &Type) -> bool {
    matches!(inner, Type::Int | Type::Float | Type::Bool)
}

/// The runtime's element kind for arrays of `element`.
pub fn element_kind(element: &Type) -> i64 {
    if *element == Type::Bool {
        ELEMENT_BYTE
    } else if is_reference(element) {
        ELEMENT_REFERENCE
    } else {
        ELEMENT_WORD
    }
}

pub fn element_size(element: &Type) -> i64 {
    if *element == Type::Bool { 1 } else { 8 }
}
