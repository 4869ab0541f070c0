//! The compiler and the runtime agree on their interface. The compiler may not depend on the
//! runtime (ARCHITECTURE.md), so it keeps its own copy of the runtime's symbols, offsets and
//! codes; this test is where the two copies meet.

use lang_compiler::codegen::runtime_abi as compiler;
use lang_runtime_core::{context, object};

#[test]
fn every_runtime_function_the_compiler_calls_exists() {
    // Hot-reload code may also call the hot runtime's entry points (the safe-point poll).
    let exported: Vec<&str> = lang_runtime_hot::symbols().iter().map(|(name, _)| *name).collect();
    for function in compiler::RUNTIME_FUNCTIONS {
        assert!(
            exported.contains(&function.name),
            "the compiler calls `{}`, which the runtime does not export",
            function.name
        );
    }
    for name in &exported {
        assert!(
            compiler::RUNTIME_FUNCTIONS
                .iter()
                .any(|function| function.name == *name),
            "the runtime exports `{name}`, which the compiler's table does not describe"
        );
    }
}

#[test]
fn object_layouts_and_codes_agree() {
    assert_eq!(
        compiler::CONTEXT_STACK_LIMIT_OFFSET,
        context::CONTEXT_STACK_LIMIT_OFFSET
    );
    assert_eq!(compiler::CONTEXT_ERROR_FLAG_OFFSET, context::CONTEXT_ERROR_FLAG_OFFSET);
    assert_eq!(
        compiler::CONTEXT_INTERRUPT_FLAG_OFFSET,
        context::CONTEXT_INTERRUPT_FLAG_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(context::Context, interrupt_flag) as i32,
        compiler::CONTEXT_INTERRUPT_FLAG_OFFSET
    );
    assert_eq!(
        compiler::CONTEXT_POLL_ANSWER_OFFSET,
        context::CONTEXT_POLL_ANSWER_OFFSET
    );
    assert_eq!(compiler::POLL_AT_MAIN_STATEMENT as u64, context::POLL_AT_MAIN_STATEMENT);
    assert_eq!(
        std::mem::offset_of!(context::Context, poll_answer) as i32,
        compiler::CONTEXT_POLL_ANSWER_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(context::Context, error_flag) as i32,
        compiler::CONTEXT_ERROR_FLAG_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(context::Context, stack_limit) as i32,
        compiler::CONTEXT_STACK_LIMIT_OFFSET
    );
    assert_eq!(compiler::STR_LEN_OFFSET, object::STR_LEN_OFFSET);
    assert_eq!(
        std::mem::offset_of!(object::StrObject, len) as i32,
        compiler::STR_LEN_OFFSET
    );
    assert_eq!(compiler::ARRAY_LEN_OFFSET, object::ARRAY_LEN_OFFSET);
    assert_eq!(
        std::mem::offset_of!(object::ArrayObject, len) as i32,
        compiler::ARRAY_LEN_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(object::ArrayObject, cap) as i32,
        compiler::ARRAY_CAPACITY_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(object::ArrayObject, data) as i32,
        compiler::ARRAY_DATA_OFFSET
    );
    assert_eq!(
        std::mem::offset_of!(object::BoxObject, value) as i32,
        compiler::BOX_VALUE_OFFSET
    );
    assert_eq!(compiler::STRUCT_FIELDS_OFFSET, object::STRUCT_FIELDS_OFFSET);
    assert_eq!(compiler::HANDLE_PAYLOAD_OFFSET, object::HANDLE_PAYLOAD_OFFSET);
    assert_eq!(compiler::HOT_FIELDS_OFFSET, object::HOT_FIELDS_OFFSET);
    assert_eq!(compiler::ELEMENT_WORD, object::ELEMENT_WORD as i64);
    assert_eq!(compiler::ELEMENT_BYTE, object::ELEMENT_BYTE as i64);
    assert_eq!(compiler::ELEMENT_REFERENCE, object::ELEMENT_REFERENCE as i64);
    assert_eq!(compiler::MAP_STRING_KEYS, object::MAP_STRING_KEYS as i64);
    assert_eq!(compiler::MAP_REFERENCE_VALUES, object::MAP_REFERENCE_VALUES as i64);
    let raises = [
        (compiler::RAISE_DIVISION_BY_ZERO, context::RAISE_DIVISION_BY_ZERO),
        (compiler::RAISE_REMAINDER_BY_ZERO, context::RAISE_REMAINDER_BY_ZERO),
        (compiler::RAISE_INDEX_OUT_OF_BOUNDS, context::RAISE_INDEX_OUT_OF_BOUNDS),
        (compiler::RAISE_UNWRAP_NIL, context::RAISE_UNWRAP_NIL),
        (compiler::RAISE_ASSERTION, context::RAISE_ASSERTION),
        (compiler::RAISE_PANIC, context::RAISE_PANIC),
        (compiler::RAISE_STACK_OVERFLOW, context::RAISE_STACK_OVERFLOW),
        (compiler::RAISE_UNINITIALIZED, context::RAISE_UNINITIALIZED),
        (compiler::RAISE_VARIABLE_GONE, context::RAISE_VARIABLE_GONE),
        (compiler::RAISE_FIELD_GONE, context::RAISE_FIELD_GONE),
    ];
    for (compiler_code, runtime_code) in raises {
        assert_eq!(compiler_code, runtime_code as i64);
    }
}
