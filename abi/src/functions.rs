//! The runtime's entry points as compiled code calls them: names, machine signatures, and
//! which can fail. The compiler declares its imports from this table; the runtime exports
//! exactly these symbols (`lang_runtime_core::symbols`, plus the safe-point poll of
//! `lang_runtime_hot::symbols`), which a test in `tests/` checks.

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
    function("lang_rt_variant_desc", &[Word, Word], Some(Word), false),
    function("lang_rt_enum_register", &[Word, Word], None, false),
    function("lang_rt_enum_eq", &[Word, Word], Some(Byte), false),
    function("lang_rt_enum_str", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_box", &[Word, Word], Some(Word), true),
    function("lang_rt_alloc_closure", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_alloc_cell", &[Word], Some(Word), true),
    function("lang_rt_alloc_hot_struct", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_register_globals", &[Word, Word, Word], None, false),
    function("lang_rt_raise", &[Word, Word32, Word, Word], None, false),
    function("lang_rt_trace", &[Word, Word], None, false),
    function("lang_rt_str_concat", &[Word, Word, Word], Some(Word), true),
    function("lang_rt_str_eq", &[Word, Word], Some(Byte), false),
    function("lang_rt_str_cmp", &[Word, Word], Some(Word), false),
    function("lang_rt_int_to_str", &[Word, Word], Some(Word), true),
    function("lang_rt_float_to_str", &[Word, Float], Some(Word), true),
    function("lang_rt_bool_to_str", &[Word, Byte], Some(Word), true),
    function("lang_rt_str_to_int", &[Word, Word], Some(Word), true),
    function("lang_rt_str_to_float", &[Word, Word], Some(Float), true),
    function("lang_rt_fixed", &[Word, Float, Word], Some(Word), true),
    function("lang_rt_interpolate", &[Word, Word, Word, Word], Some(Word), true),
    function("lang_rt_print_str", &[Word, Word, Byte], None, false),
    function("lang_rt_print_int", &[Word, Word, Byte], None, false),
    function("lang_rt_print_float", &[Word, Float, Byte], None, false),
    function("lang_rt_print_bool", &[Word, Byte, Byte], None, false),
    function("lang_rt_array_new", &[Word, Word32, Word], Some(Word), true),
    function("lang_rt_array_push", &[Word, Word, Word], None, true),
    function(
        "lang_rt_array_push_repeated",
        &[Word, Word, Word, Word, Word],
        None,
        true,
    ),
    function("lang_rt_array_pop", &[Word, Word], Some(Word), true),
    function("lang_rt_fill", &[Word, Word32, Word, Word], Some(Word), true),
    function("lang_rt_array_insert_at", &[Word, Word, Word, Word], None, true),
    function("lang_rt_array_remove_at", &[Word, Word, Word], Some(Word), true),
    function(
        "lang_rt_array_slice",
        &[Word, Word, Word, Word, Word32],
        Some(Word),
        true,
    ),
    function("lang_rt_array_extend", &[Word, Word, Word], None, true),
    function("lang_rt_array_reverse", &[Word], None, false),
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
    function("lang_rt_map_value_slot", &[Word, Word, Word], Some(Word), true),
    function(
        "lang_rt_map_value_slot_or_insert",
        &[Word, Word, Word, Word],
        Some(Word),
        true,
    ),
    function("lang_rt_map_set_many", &[Word, Word, Word, Word], None, true),
    function("lang_rt_map_has", &[Word, Word, Word], Some(Byte), false),
    function("lang_rt_map_remove", &[Word, Word, Word], None, false),
    function("lang_rt_map_len", &[Word], Some(Word), false),
    function("lang_rt_map_keys", &[Word, Word], Some(Word), true),
    function("lang_rt_map_values", &[Word, Word, Word32], Some(Word), true),
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
    function("lang_rt_hmr_control", &[Word, Word, Word], Some(Word), false),
    function("lang_rt_hmr_pending_error", &[Word], Some(Word), true),
    function("lang_rt_sort", &[Word, Word, Word], None, false),
    // Hot reload only (runtime/hot): a safe point.
    function("lang_hot_poll", &[Word], Some(Byte), false),
    // Hot reload only: names a closure identity's slot for the error of a removed closure.
    function("lang_hot_describe_closure", &[Word, Word, Word], None, false),
];

pub fn runtime_function(name: &str) -> &'static RuntimeFunction {
    RUNTIME_FUNCTIONS
        .iter()
        .find(|function| function.name == name)
        .unwrap_or_else(|| panic!("`{name}` is not in the runtime table"))
}
