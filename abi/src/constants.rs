//! Offsets into the runtime's objects and context that compiled code reads directly, and the
//! codes compiled code passes to runtime functions (raise reasons, element, map and sort
//! kinds). The runtime (`runtime/core`) takes its values from here; a test in `tests/` checks
//! the offsets against its `#[repr(C)]` structs.

// The context: its first words are read and written by compiled code.
pub const CONTEXT_STACK_LIMIT_OFFSET: i32 = 0;
pub const CONTEXT_ERROR_FLAG_OFFSET: i32 = 8;
pub const CONTEXT_INTERRUPT_FLAG_OFFSET: i32 = 16;
pub const CONTEXT_POLL_ANSWER_OFFSET: i32 = 24;
/// Hot reload: the function value being called, stored by compiled code before each call
/// through a function value, so that the stub of a closure a reload removed can name it.
pub const CONTEXT_CALLED_VALUE_OFFSET: i32 = 32;
/// How much of the script thread's stack compiled code may use, counted from the entry
/// point's frame: the runtime's 64 MiB stack less room for the runtime's own frames above
/// the entry point and for the error path below the limit.
pub const SCRIPT_STACK_BUDGET: i64 = 60 << 20;
/// Written to the poll answer before a safe-point poll in the program's `main`: that poll is
/// at a statement boundary of `main`, where a changed `main` is entered again.
pub const POLL_AT_MAIN_STATEMENT: i64 = 3;

// Objects: every object starts with a 16-byte header.
pub const STR_LEN_OFFSET: i32 = 16;
pub const STR_BYTES_OFFSET: i32 = 24;
pub const ARRAY_LEN_OFFSET: i32 = 16;
pub const ARRAY_CAPACITY_OFFSET: i32 = 24;
pub const ARRAY_DATA_OFFSET: i32 = 32;
pub const BOX_VALUE_OFFSET: i32 = 16;
/// Struct fields start right after the header, one 8-byte word each.
pub const STRUCT_FIELDS_OFFSET: i32 = 16;
/// A function value points to an object whose code address is at this offset: a static,
/// immortal object for a named function or a closure without captures, a closure object
/// (`[header][code][capture count][captures...]`) for one with captures. Calls load the code
/// from here and pass the value itself as a hidden last argument.
pub const FUNCTION_CODE_OFFSET: i32 = 16;
/// A closure object's number of captured words, then the captures, one word each (a cell's
/// address for a captured variable that is assigned, otherwise its value).
pub const CLOSURE_COUNT_OFFSET: i32 = 24;
pub const CLOSURE_CAPTURES_OFFSET: i32 = 32;
/// A cell (a captured variable that is assigned): its one word.
pub const CELL_VALUE_OFFSET: i32 = 16;
/// The header flag of an object the collector never frees (literals, static function
/// objects).
pub const OBJECT_FLAG_IMMORTAL: i64 = 2;
/// Hot reload: a handle's payload pointer.
pub const HANDLE_PAYLOAD_OFFSET: i32 = 16;
/// Hot reload: a payload's back-pointer to its handle, then its fields.
pub const PAYLOAD_OWNER_OFFSET: i32 = 16;
pub const HOT_FIELDS_OFFSET: i32 = 24;

/// The element kinds of arrays (`lang_rt_array_new`, `lang_rt_fill`).
pub const ELEMENT_WORD: i64 = 0;
pub const ELEMENT_BYTE: i64 = 1;
pub const ELEMENT_REFERENCE: i64 = 2;
/// Map kinds (`lang_rt_map_new`): bit 0 set for string keys, bit 1 set for reference values.
pub const MAP_STRING_KEYS: i64 = 1;
pub const MAP_REFERENCE_VALUES: i64 = 2;

/// Element kinds of `lang_rt_sort`.
pub const SORT_INT: i64 = 0;
pub const SORT_FLOAT: i64 = 1;
pub const SORT_STR: i64 = 2;

/// The kinds of error that compiled code raises itself after an inline check
/// (`lang_rt_raise`).
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
/// A `match` met a value none of its arms matches (a variant added or removed by a reload);
/// the value and its enum's index are the arguments.
pub const RAISE_NO_MATCH_ARM: i64 = 11;
/// Hot reload: a value of a variant whose payload changed in a reload met code of the other
/// layout; the variant's NUL-terminated name is the argument.
pub const RAISE_PAYLOAD_CHANGED: i64 = 12;

/// Every constant above by name, for the ABI hash: a library built against other values is
/// refused.
pub(crate) const ALL: &[(&str, i64)] = &[
    ("CONTEXT_STACK_LIMIT_OFFSET", CONTEXT_STACK_LIMIT_OFFSET as i64),
    ("CONTEXT_ERROR_FLAG_OFFSET", CONTEXT_ERROR_FLAG_OFFSET as i64),
    ("CONTEXT_INTERRUPT_FLAG_OFFSET", CONTEXT_INTERRUPT_FLAG_OFFSET as i64),
    ("CONTEXT_POLL_ANSWER_OFFSET", CONTEXT_POLL_ANSWER_OFFSET as i64),
    ("CONTEXT_CALLED_VALUE_OFFSET", CONTEXT_CALLED_VALUE_OFFSET as i64),
    ("SCRIPT_STACK_BUDGET", SCRIPT_STACK_BUDGET),
    ("POLL_AT_MAIN_STATEMENT", POLL_AT_MAIN_STATEMENT),
    ("STR_LEN_OFFSET", STR_LEN_OFFSET as i64),
    ("STR_BYTES_OFFSET", STR_BYTES_OFFSET as i64),
    ("ARRAY_LEN_OFFSET", ARRAY_LEN_OFFSET as i64),
    ("ARRAY_CAPACITY_OFFSET", ARRAY_CAPACITY_OFFSET as i64),
    ("ARRAY_DATA_OFFSET", ARRAY_DATA_OFFSET as i64),
    ("BOX_VALUE_OFFSET", BOX_VALUE_OFFSET as i64),
    ("STRUCT_FIELDS_OFFSET", STRUCT_FIELDS_OFFSET as i64),
    ("FUNCTION_CODE_OFFSET", FUNCTION_CODE_OFFSET as i64),
    ("CLOSURE_COUNT_OFFSET", CLOSURE_COUNT_OFFSET as i64),
    ("CLOSURE_CAPTURES_OFFSET", CLOSURE_CAPTURES_OFFSET as i64),
    ("CELL_VALUE_OFFSET", CELL_VALUE_OFFSET as i64),
    ("OBJECT_FLAG_IMMORTAL", OBJECT_FLAG_IMMORTAL),
    ("HANDLE_PAYLOAD_OFFSET", HANDLE_PAYLOAD_OFFSET as i64),
    ("PAYLOAD_OWNER_OFFSET", PAYLOAD_OWNER_OFFSET as i64),
    ("HOT_FIELDS_OFFSET", HOT_FIELDS_OFFSET as i64),
    ("ELEMENT_WORD", ELEMENT_WORD),
    ("ELEMENT_BYTE", ELEMENT_BYTE),
    ("ELEMENT_REFERENCE", ELEMENT_REFERENCE),
    ("MAP_STRING_KEYS", MAP_STRING_KEYS),
    ("MAP_REFERENCE_VALUES", MAP_REFERENCE_VALUES),
    ("SORT_INT", SORT_INT),
    ("SORT_FLOAT", SORT_FLOAT),
    ("SORT_STR", SORT_STR),
    ("RAISE_DIVISION_BY_ZERO", RAISE_DIVISION_BY_ZERO),
    ("RAISE_REMAINDER_BY_ZERO", RAISE_REMAINDER_BY_ZERO),
    ("RAISE_INDEX_OUT_OF_BOUNDS", RAISE_INDEX_OUT_OF_BOUNDS),
    ("RAISE_UNWRAP_NIL", RAISE_UNWRAP_NIL),
    ("RAISE_ASSERTION", RAISE_ASSERTION),
    ("RAISE_PANIC", RAISE_PANIC),
    ("RAISE_STACK_OVERFLOW", RAISE_STACK_OVERFLOW),
    ("RAISE_UNINITIALIZED", RAISE_UNINITIALIZED),
    ("RAISE_VARIABLE_GONE", RAISE_VARIABLE_GONE),
    ("RAISE_FIELD_GONE", RAISE_FIELD_GONE),
    ("RAISE_NO_MATCH_ARM", RAISE_NO_MATCH_ARM),
    ("RAISE_PAYLOAD_CHANGED", RAISE_PAYLOAD_CHANGED),
    ("FORMAT_FILL_SHIFT", crate::format::FORMAT_FILL_SHIFT),
    ("FORMAT_ALIGN_SHIFT", crate::format::FORMAT_ALIGN_SHIFT),
    ("FORMAT_ALIGN_RIGHT", crate::format::FORMAT_ALIGN_RIGHT),
    ("FORMAT_ALIGN_CENTER", crate::format::FORMAT_ALIGN_CENTER),
    ("FORMAT_ZERO_FLAG", crate::format::FORMAT_ZERO_FLAG),
    ("VARIANT_NUMBER_OFFSET", crate::enums::VARIANT_NUMBER_OFFSET as i64),
];
