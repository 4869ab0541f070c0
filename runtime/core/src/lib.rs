//! The runtime linked into every `lang` executable: heap objects, built-ins and runtime errors.
//!
//! Compiled code reaches this crate through the `extern "C"` functions of [`abi`], each taking
//! the [`context::Context`] pointer first (see ARCHITECTURE.md for the object model, the
//! collector and the error mechanism). Its facts shared with the compiler (offsets, codes,
//! the function table) come from `lang-abi`. `runtime/hot` builds on this crate, never the
//! reverse; what the core keeps for hot reload is said in the `//!` of the file that keeps
//! it: `abi/hot_structs.rs` (allocating hot structs), `object.rs` (handles and payloads),
//! `heap.rs` (enumerating instances and preparing pages for struct migration), `context.rs`
//! (the poll words of the context), `signals.rs` (the Ctrl-C hook) and `abi/process.rs`
//! (a `sleep` ended early by Ctrl-C).

pub mod abi;
pub mod array;
pub mod context;
#[cfg(feature = "executable")]
mod executable;
pub mod format;
pub mod heap;
pub mod map;
mod math;
mod memory;
pub mod object;
pub mod output;
pub mod signals;
pub mod system;
pub mod terminal;

pub use context::{Context, EntryPoint, run_program};

/// The exit code of a program that stopped with a runtime error (LANGUAGE.md section 6).
pub const RUNTIME_ERROR_EXIT_CODE: i32 = 101;

/// The exit code of a program interrupted by Ctrl-C (LANGUAGE.md section 6).
pub const INTERRUPTED_EXIT_CODE: i32 = 130;

/// Every entry point compiled code may call, by symbol name, for the JIT's symbol lookup.
pub fn symbols() -> Vec<(&'static str, *const u8)> {
    vec![
        ("lang_rt_str_literal", abi::lang_rt_str_literal as *const u8),
        ("lang_rt_struct_desc", abi::lang_rt_struct_desc as *const u8),
        ("lang_rt_alloc_hot_struct", abi::lang_rt_alloc_hot_struct as *const u8),
        ("lang_rt_alloc_struct", abi::lang_rt_alloc_struct as *const u8),
        ("lang_rt_variant_desc", abi::lang_rt_variant_desc as *const u8),
        ("lang_rt_enum_register", abi::lang_rt_enum_register as *const u8),
        ("lang_rt_enum_eq", abi::lang_rt_enum_eq as *const u8),
        ("lang_rt_enum_str", abi::lang_rt_enum_str as *const u8),
        ("lang_rt_box", abi::lang_rt_box as *const u8),
        ("lang_rt_alloc_closure", abi::lang_rt_alloc_closure as *const u8),
        ("lang_rt_alloc_cell", abi::lang_rt_alloc_cell as *const u8),
        ("lang_rt_register_globals", abi::lang_rt_register_globals as *const u8),
        ("lang_rt_raise", abi::lang_rt_raise as *const u8),
        ("lang_rt_trace", abi::lang_rt_trace as *const u8),
        ("lang_rt_str_concat", abi::lang_rt_str_concat as *const u8),
        ("lang_rt_str_eq", abi::lang_rt_str_eq as *const u8),
        ("lang_rt_str_cmp", abi::lang_rt_str_cmp as *const u8),
        ("lang_rt_int_to_str", abi::lang_rt_int_to_str as *const u8),
        ("lang_rt_float_to_str", abi::lang_rt_float_to_str as *const u8),
        ("lang_rt_bool_to_str", abi::lang_rt_bool_to_str as *const u8),
        ("lang_rt_str_to_int", abi::lang_rt_str_to_int as *const u8),
        ("lang_rt_str_to_float", abi::lang_rt_str_to_float as *const u8),
        ("lang_rt_fixed", abi::lang_rt_fixed as *const u8),
        ("lang_rt_interpolate", abi::lang_rt_interpolate as *const u8),
        ("lang_rt_print_str", abi::lang_rt_print_str as *const u8),
        ("lang_rt_print_int", abi::lang_rt_print_int as *const u8),
        ("lang_rt_print_float", abi::lang_rt_print_float as *const u8),
        ("lang_rt_print_bool", abi::lang_rt_print_bool as *const u8),
        ("lang_rt_array_new", abi::lang_rt_array_new as *const u8),
        ("lang_rt_array_push", abi::lang_rt_array_push as *const u8),
        (
            "lang_rt_array_push_repeated",
            abi::lang_rt_array_push_repeated as *const u8,
        ),
        ("lang_rt_array_pop", abi::lang_rt_array_pop as *const u8),
        ("lang_rt_fill", abi::lang_rt_fill as *const u8),
        ("lang_rt_array_insert_at", abi::lang_rt_array_insert_at as *const u8),
        ("lang_rt_array_remove_at", abi::lang_rt_array_remove_at as *const u8),
        ("lang_rt_array_slice", abi::lang_rt_array_slice as *const u8),
        ("lang_rt_array_extend", abi::lang_rt_array_extend as *const u8),
        ("lang_rt_array_reverse", abi::lang_rt_array_reverse as *const u8),
        ("lang_rt_map_new", abi::lang_rt_map_new as *const u8),
        ("lang_rt_map_get", abi::lang_rt_map_get as *const u8),
        ("lang_rt_map_lookup", abi::lang_rt_map_lookup as *const u8),
        ("lang_rt_map_insertions", abi::lang_rt_map_insertions as *const u8),
        ("lang_rt_map_lookup_before", abi::lang_rt_map_lookup_before as *const u8),
        ("lang_rt_map_set", abi::lang_rt_map_set as *const u8),
        ("lang_rt_map_set_many", abi::lang_rt_map_set_many as *const u8),
        ("lang_rt_map_has", abi::lang_rt_map_has as *const u8),
        ("lang_rt_map_value_slot", abi::lang_rt_map_value_slot as *const u8),
        (
            "lang_rt_map_value_slot_or_insert",
            abi::lang_rt_map_value_slot_or_insert as *const u8,
        ),
        ("lang_rt_map_remove", abi::lang_rt_map_remove as *const u8),
        ("lang_rt_map_len", abi::lang_rt_map_len as *const u8),
        ("lang_rt_map_keys", abi::lang_rt_map_keys as *const u8),
        ("lang_rt_map_values", abi::lang_rt_map_values as *const u8),
        ("lang_rt_fmod", abi::lang_rt_fmod as *const u8),
        ("lang_rt_sin", abi::lang_rt_sin as *const u8),
        ("lang_rt_cos", abi::lang_rt_cos as *const u8),
        ("lang_rt_tan", abi::lang_rt_tan as *const u8),
        ("lang_rt_atan2", abi::lang_rt_atan2 as *const u8),
        ("lang_rt_exp", abi::lang_rt_exp as *const u8),
        ("lang_rt_log", abi::lang_rt_log as *const u8),
        ("lang_rt_pow", abi::lang_rt_pow as *const u8),
        ("lang_rt_clock", abi::lang_rt_clock as *const u8),
        ("lang_rt_sleep", abi::lang_rt_sleep as *const u8),
        ("lang_rt_random", abi::lang_rt_random as *const u8),
        ("lang_rt_args", abi::lang_rt_args as *const u8),
        ("lang_rt_exit", abi::lang_rt_exit as *const u8),
        ("lang_rt_str_split", abi::lang_rt_str_split as *const u8),
        ("lang_rt_str_trim", abi::lang_rt_str_trim as *const u8),
        ("lang_rt_str_find", abi::lang_rt_str_find as *const u8),
        ("lang_rt_str_replace", abi::lang_rt_str_replace as *const u8),
        ("lang_rt_str_starts_with", abi::lang_rt_str_starts_with as *const u8),
        ("lang_rt_str_ends_with", abi::lang_rt_str_ends_with as *const u8),
        ("lang_rt_str_to_upper", abi::lang_rt_str_to_upper as *const u8),
        ("lang_rt_str_to_lower", abi::lang_rt_str_to_lower as *const u8),
        ("lang_rt_str_byte_at", abi::lang_rt_str_byte_at as *const u8),
        ("lang_rt_str_from_bytes", abi::lang_rt_str_from_bytes as *const u8),
        ("lang_rt_str_slice", abi::lang_rt_str_slice as *const u8),
        ("lang_rt_str_char_count", abi::lang_rt_str_char_count as *const u8),
        ("lang_rt_str_parse_int", abi::lang_rt_str_parse_int as *const u8),
        ("lang_rt_str_parse_float", abi::lang_rt_str_parse_float as *const u8),
        ("lang_rt_io_read_file", system::lang_rt_io_read_file as *const u8),
        ("lang_rt_io_write_file", system::lang_rt_io_write_file as *const u8),
        ("lang_rt_io_read_line", system::lang_rt_io_read_line as *const u8),
        ("lang_rt_io_error", system::lang_rt_io_error as *const u8),
        ("lang_rt_term_control", system::lang_rt_term_control as *const u8),
        ("lang_rt_hmr_control", abi::lang_rt_hmr_control as *const u8),
        ("lang_rt_hmr_pending_error", abi::lang_rt_hmr_pending_error as *const u8),
        ("lang_rt_sort", system::lang_rt_sort as *const u8),
    ]
}
