//! The compiler and the runtime agree on their interface. Both take it from the `lang-abi`
//! crate (the compiler as `codegen::runtime_abi`); this test checks that the runtime's
//! exported symbols are exactly the table's, and that the offsets the table states are where
//! the runtime's `#[repr(C)]` structs put their fields.

use lang_compiler::codegen::runtime_abi as abi;
use lang_runtime_core::{context, object};

#[test]
fn every_runtime_function_the_compiler_calls_exists() {
    // Hot-reload code may also call the hot runtime's entry points (the safe-point poll).
    let exported: Vec<&str> = lang_runtime_hot::symbols().iter().map(|(name, _)| *name).collect();
    for function in abi::RUNTIME_FUNCTIONS {
        assert!(
            exported.contains(&function.name),
            "the compiler calls `{}`, which the runtime does not export",
            function.name
        );
    }
    for name in &exported {
        assert!(
            abi::RUNTIME_FUNCTIONS.iter().any(|function| function.name == *name),
            "the runtime exports `{name}`, which the compiler's table does not describe"
        );
    }
}

#[test]
fn offsets_are_where_the_runtime_puts_its_fields() {
    use std::mem::offset_of;
    assert_eq!(
        offset_of!(context::Context, stack_limit) as i32,
        abi::CONTEXT_STACK_LIMIT_OFFSET
    );
    assert_eq!(
        offset_of!(context::Context, error_flag) as i32,
        abi::CONTEXT_ERROR_FLAG_OFFSET
    );
    assert_eq!(
        offset_of!(context::Context, interrupt_flag) as i32,
        abi::CONTEXT_INTERRUPT_FLAG_OFFSET
    );
    assert_eq!(
        offset_of!(context::Context, poll_answer) as i32,
        abi::CONTEXT_POLL_ANSWER_OFFSET
    );
    assert_eq!(
        offset_of!(context::Context, called_function_value) as i32,
        abi::CONTEXT_CALLED_VALUE_OFFSET
    );
    assert_eq!(offset_of!(object::StrObject, len) as i32, abi::STR_LEN_OFFSET);
    assert_eq!(size_of::<object::StrObject>() as i32, abi::STR_BYTES_OFFSET);
    assert_eq!(offset_of!(object::ArrayObject, len) as i32, abi::ARRAY_LEN_OFFSET);
    assert_eq!(offset_of!(object::ArrayObject, cap) as i32, abi::ARRAY_CAPACITY_OFFSET);
    assert_eq!(offset_of!(object::ArrayObject, data) as i32, abi::ARRAY_DATA_OFFSET);
    assert_eq!(offset_of!(object::BoxObject, value) as i32, abi::BOX_VALUE_OFFSET);
    // Struct fields and a handle's payload pointer follow the header; a hot payload's fields
    // follow its owner word.
    assert_eq!(size_of::<object::Header>() as i32, abi::STRUCT_FIELDS_OFFSET);
    assert_eq!(size_of::<object::Header>() as i32, abi::HANDLE_PAYLOAD_OFFSET);
    assert_eq!(abi::PAYLOAD_OWNER_OFFSET + 8, abi::HOT_FIELDS_OFFSET);
}

#[test]
fn the_runtime_reads_the_codes_compiled_code_passes() {
    // The runtime keeps some codes in narrower types; the values must survive the narrowing.
    assert_eq!(i64::from(context::RAISE_FIELD_GONE), abi::RAISE_FIELD_GONE);
    assert_eq!(context::POLL_AT_MAIN_STATEMENT as i64, abi::POLL_AT_MAIN_STATEMENT);
    assert!(std::ptr::eq(
        object::array_desc(object::ELEMENT_BYTE),
        object::array_desc(abi::ELEMENT_BYTE as u32)
    ));
    let string_keys = object::map_desc((abi::MAP_STRING_KEYS | abi::MAP_REFERENCE_VALUES) as u32);
    assert!(string_keys.string_keys && string_keys.holds_references);
    assert_eq!(object::array_desc(abi::ELEMENT_BYTE as u32).element_size, 1);
    assert!(object::array_desc(abi::ELEMENT_REFERENCE as u32).holds_references);
}

#[test]
fn libraries_and_their_host_check_the_same_abi_hash() {
    assert_eq!(
        lang_compiler::codegen::library::abi_hash(),
        lang_runtime_hot::library::abi_hash()
    );
}
