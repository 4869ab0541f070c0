//! The runtime's entry points as the code generator sees them: names, signatures, and which
//! can fail. This mirrors `runtime/core/src/abi.rs`; a test in `tests/` checks that every name
//! here is exported by the runtime, since the compiler may not depend on the runtime crate.

/// The machine types of runtime parameters and results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiType {
    /// 64-bit integers, object pointers and other addresses.
    Word,
    /// 32-bit kind codes.
    Word32,
    Float,
    Byte,
}

use AbiType::{Byte, Float, Word, Word32};

/// One runtime function: its symbol, parameters (the context included when it takes one),
/// result, and whether compiled code must test the error flag after calling it.
#[derive(Clone, Copy, Debug)]
pub struct RuntimeFunction {
    pub name: &'static str,
    pub params: &'static [AbiType],
    pub result: Option<AbiType>,
    pub fallible: bool,
}

const fn function(
    name: &'static str,
    params: &'static [AbiType],
    result: Option<AbiType>,
    fallible: bool,
) -> RuntimeFunction {
    RuntimeFunction {
        name,
        params,
        result,
        fallible,
    }
}

pub const RUNTIME_FUNCTIONS: &[RuntimeFunction] = &[
    function("lang_rt_str_literal", &[Word, Word, Word], Some(Word), false),
    function("lang_rt_struct_desc", &[Word, Word], Some(Word), false),
    function("lang_rt_alloc_struct", &[Word, Word], Some(Word), true),
    function("lang_rt_box", &[Word, Word], Some(Word), true),
    function("lang_rt_alloc_hot_struct", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_register_globals", &[Word, Word, Word], None, false),
    function("lang_rt_raise", &[Word, Word32, Word, Word], None, false),
    function("lang_rt_trace", &[Word, Word], None, false),
    function("lang_rt_str_concat", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_str_concat_n", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_str_eq", &[Word, Word], Some(Byte), false),
    function("lang_rt_str_cmp", &[Word, Word], Some(Word), false),
    function("lang_rt_int_to_str", &[Word, Word], Some(Word), true),
    function("lang_rt_float_to_str", &[Word, Float], Some(Word), true),
    function("lang_rt_bool_to_str", &[Word, Byte], Some(Word), true),
    function("lang_rt_str_to_int", &[Word, Word], Some(Word), true),
    function("lang_rt_str_to_float", &[Word, Word], Some(Float), true),
    function("lang_rt_fixed", &[Word, Float, Word], Some(Word), true),
    function("lang_rt_print_str", &[Word, Word, Byte], None, false),
    function("lang_rt_print_int", &[Word, Word, Byte], None, false),
    function("lang_rt_print_float", &[Word, Float, Byte], None, false),
    function("lang_rt_print_bool", &[Word, Byte, Byte], None, false),
    function("lang_rt_array_new", &[Word, Word32, Word], Some(Word), true),
    function("lang_rt_array_push", &[Word, Word, Word], None, true),
    function("lang_rt_array_pop", &[Word, Word], Some(Word), true),
    function("lang_rt_fill", &[Word, Word32, Word, Word], Some(Word), true),
    function("lang_rt_map_new", &[Word, Word32, Word], Some(Word), true),
    function("lang_rt_map_get", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_map_lookup", &[Word, Word, Word, Word], Some(Byte), false),
    function("lang_rt_map_insertions", &[Word, Word], Some(Word), false),
    function(
        "lang_rt_map_lookup_before",
        &[Word, Word, Word, Word, Word],
        Some(Byte),
        false,
    ),
    function("lang_rt_map_set", &[Word, Word, Word, Word], None, true),
    function("lang_rt_map_set_many", &[Word, Word, Word, Word], None, true),
    function("lang_rt_map_has", &[Word, Word, Word], Some(Byte), false),
    function("lang_rt_map_remove", &[Word, Word, Word], None, false),
    function("lang_rt_map_len", &[Word], Some(Word), false),
    function("lang_rt_map_keys", &[Word, Word], Some(Word), true),
    function("lang_rt_fmod", &[Float, Float], Some(Float), false),
    function("lang_rt_sin", &[Float], Some(Float), false),
    function("lang_rt_cos", &[Float], Some(Float), false),
    function("lang_rt_tan", &[Float], Some(Float), false),
    function("lang_rt_atan2", &[Float, Float], Some(Float), false),
    function("lang_rt_exp", &[Float], Some(Float), false),
    function("lang_rt_log", &[Float], Some(Float), false),
    function("lang_rt_pow", &[Float, Float], Some(Float), false),
    function("lang_rt_clock", &[Word], Some(Float), false),
    function("lang_rt_sleep", &[Word, Word], None, false),
    function("lang_rt_random", &[Word], Some(Float), false),
    function("lang_rt_args", &[Word], Some(Word), true),
    function("lang_rt_exit", &[Word, Word], None, false),
    function("lang_rt_str_split", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_str_trim", &[Word, Word], Some(Word), true),
    function("lang_rt_str_find", &[Word, Word], Some(Word), false),
    function("lang_rt_str_replace", &[Word, Word, Word, Word], Some(Word), true),
    function("lang_rt_str_starts_with", &[Word, Word], Some(Byte), false),
    function("lang_rt_str_ends_with", &[Word, Word], Some(Byte), false),
    function("lang_rt_str_to_upper", &[Word, Word], Some(Word), true),
    function("lang_rt_str_to_lower", &[Word, Word], Some(Word), true),
    function("lang_rt_str_byte_at", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_str_from_bytes", &[Word, Word], Some(Word), true),
    function("lang_rt_str_slice", &[Word, Word, Word, Word], Some(Word), true),
    function("lang_rt_str_char_count", &[Word], Some(Word), false),
    function("lang_rt_str_parse_int", &[Word, Word], Some(Word), true),
    function("lang_rt_str_parse_float", &[Word, Word], Some(Word), true),
    function("lang_rt_io_read_file", &[Word, Word], Some(Word), true),
    function("lang_rt_io_write_file", &[Word, Word, Word, Byte], Some(Byte), false),
    function("lang_rt_io_read_line", &[Word], Some(Word), true),
    function("lang_rt_io_error", &[Word], Some(Word), true),
    function("lang_rt_term_control", &[Word, Word, Word], Some(Word), false),
    function("lang_rt_sort", &[Word, Word, Word], None, false),
    function("lang_rt_sort_by", &[Word, Word, Word, Word], None, true),
    // Hot reload only (runtime/hot): a safe point.
    function("lang_hot_poll", &[Word], Some(Byte), false),
];

pub fn runtime_function(name: &str) -> &'static RuntimeFunction {
    RUNTIME_FUNCTIONS
        .iter()
        .find(|function| function.name == name)
        .unwrap_or_else(|| panic!("`{name}` is not in the runtime table"))
}

// Offsets and codes shared with `runtime/core` (checked by a test in `tests/`).
pub const CONTEXT_STACK_LIMIT_OFFSET: i32 = 0;
/// How much of the script thread's stack compiled code may use, counted from the entry
/// point's frame: the runtime's 64 MiB stack less room for the runtime's own frames above
/// the entry point and for the error path below the limit.
pub const SCRIPT_STACK_BUDGET: i64 = 60 << 20;
pub const CONTEXT_ERROR_FLAG_OFFSET: i32 = 8;
pub const CONTEXT_INTERRUPT_FLAG_OFFSET: i32 = 16;
pub const CONTEXT_POLL_ANSWER_OFFSET: i32 = 24;
/// Written to the poll answer before a safe-point poll in the program's `main`: that poll is
/// at a statement boundary of `main`, where a changed `main` is entered again.
pub const POLL_AT_MAIN_STATEMENT: i64 = 3;
pub const STR_LEN_OFFSET: i32 = 16;
pub const ARRAY_LEN_OFFSET: i32 = 16;
pub const ARRAY_CAPACITY_OFFSET: i32 = 24;
pub const ARRAY_DATA_OFFSET: i32 = 32;
pub const BOX_VALUE_OFFSET: i32 = 16;
pub const STRUCT_FIELDS_OFFSET: i32 = 16;
pub const HANDLE_PAYLOAD_OFFSET: i32 = 16;
pub const HOT_FIELDS_OFFSET: i32 = 24;

pub const ELEMENT_WORD: i64 = 0;
pub const ELEMENT_BYTE: i64 = 1;
pub const ELEMENT_REFERENCE: i64 = 2;
pub const MAP_STRING_KEYS: i64 = 1;
pub const MAP_REFERENCE_VALUES: i64 = 2;

pub const RAISE_DIVISION_BY_ZERO: i64 = 1;
pub const RAISE_REMAINDER_BY_ZERO: i64 = 2;
pub const RAISE_INDEX_OUT_OF_BOUNDS: i64 = 3;
pub const RAISE_UNWRAP_NIL: i64 = 4;
pub const RAISE_ASSERTION: i64 = 5;
pub const RAISE_PANIC: i64 = 6;
pub const RAISE_STACK_OVERFLOW: i64 = 7;
pub const RAISE_UNINITIALIZED: i64 = 8;
pub const RAISE_VARIABLE_GONE: i64 = 9;
pub const RAISE_FIELD_GONE: i64 = 10;
