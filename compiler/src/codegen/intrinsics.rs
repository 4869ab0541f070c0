//! The built-ins that only call a runtime function, as a table: built-in, runtime symbol, and
//! whether the context is passed before the call's values. One generic emitter
//! (`Translator::call_runtime_builtin`) serves calls and the wrappers of built-ins used as
//! values. Whether the caller tests the error flag afterwards is the runtime function's
//! `fallible` (`runtime_abi`).

use crate::sema::builtins::Builtin;

/// One row of [`RUNTIME_BUILTINS`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct RuntimeBuiltin {
    pub builtin: Builtin,
    pub symbol: &'static str,
    /// Whether the runtime function takes the context as its first parameter.
    pub takes_context: bool,
}

impl RuntimeBuiltin {
    const fn new(builtin: Builtin, symbol: &'static str, takes_context: bool) -> Self {
        RuntimeBuiltin {
            builtin,
            symbol,
            takes_context,
        }
    }
}

pub(crate) const RUNTIME_BUILTINS: &[RuntimeBuiltin] = &[
    RuntimeBuiltin::new(Builtin::Keys, "lang_rt_map_keys", true),
    RuntimeBuiltin::new(Builtin::Fixed, "lang_rt_fixed", true),
    RuntimeBuiltin::new(Builtin::Sin, "lang_rt_sin", false),
    RuntimeBuiltin::new(Builtin::Cos, "lang_rt_cos", false),
    RuntimeBuiltin::new(Builtin::Tan, "lang_rt_tan", false),
    RuntimeBuiltin::new(Builtin::Exp, "lang_rt_exp", false),
    RuntimeBuiltin::new(Builtin::Log, "lang_rt_log", false),
    RuntimeBuiltin::new(Builtin::Atan2, "lang_rt_atan2", false),
    RuntimeBuiltin::new(Builtin::Pow, "lang_rt_pow", false),
    RuntimeBuiltin::new(Builtin::Clock, "lang_rt_clock", true),
    RuntimeBuiltin::new(Builtin::Random, "lang_rt_random", true),
    RuntimeBuiltin::new(Builtin::Args, "lang_rt_args", true),
    RuntimeBuiltin::new(Builtin::StrSplit, "lang_rt_str_split", true),
    RuntimeBuiltin::new(Builtin::StrTrim, "lang_rt_str_trim", true),
    RuntimeBuiltin::new(Builtin::StrFind, "lang_rt_str_find", false),
    RuntimeBuiltin::new(Builtin::StrReplace, "lang_rt_str_replace", true),
    RuntimeBuiltin::new(Builtin::StrStartsWith, "lang_rt_str_starts_with", false),
    RuntimeBuiltin::new(Builtin::StrEndsWith, "lang_rt_str_ends_with", false),
    RuntimeBuiltin::new(Builtin::StrToUpper, "lang_rt_str_to_upper", true),
    RuntimeBuiltin::new(Builtin::StrToLower, "lang_rt_str_to_lower", true),
    RuntimeBuiltin::new(Builtin::StrByteAt, "lang_rt_str_byte_at", true),
    RuntimeBuiltin::new(Builtin::StrFromBytes, "lang_rt_str_from_bytes", true),
    RuntimeBuiltin::new(Builtin::StrSlice, "lang_rt_str_slice", true),
    RuntimeBuiltin::new(Builtin::StrCharCount, "lang_rt_str_char_count", false),
    RuntimeBuiltin::new(Builtin::StrParseInt, "lang_rt_str_parse_int", true),
    RuntimeBuiltin::new(Builtin::StrParseFloat, "lang_rt_str_parse_float", true),
    RuntimeBuiltin::new(Builtin::IoReadFile, "lang_rt_io_read_file", true),
    RuntimeBuiltin::new(Builtin::IoWriteFile, "lang_rt_io_write_file", true),
    RuntimeBuiltin::new(Builtin::IoReadLine, "lang_rt_io_read_line", true),
    RuntimeBuiltin::new(Builtin::IoError, "lang_rt_io_error", true),
    RuntimeBuiltin::new(Builtin::TermControl, "lang_rt_term_control", true),
    RuntimeBuiltin::new(Builtin::HmrControl, "lang_rt_hmr_control", true),
    RuntimeBuiltin::new(Builtin::HmrPendingError, "lang_rt_hmr_pending_error", true),
    RuntimeBuiltin::new(Builtin::Sleep, "lang_rt_sleep", true),
    RuntimeBuiltin::new(Builtin::Exit, "lang_rt_exit", true),
];

/// The row of `builtin`, if it only calls a runtime function.
pub(crate) fn runtime_builtin(builtin: Builtin) -> Option<RuntimeBuiltin> {
    RUNTIME_BUILTINS.iter().copied().find(|entry| entry.builtin == builtin)
}
