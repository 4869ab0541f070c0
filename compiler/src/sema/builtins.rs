//! The built-in functions of LANGUAGE.md section 5 and the standard library's intrinsics.
//!
//! Built-ins with one fixed signature are described by [`Builtin::signature`] and may be used
//! as function values. The generic ones (`print`, `len`, `push`, ...) are checked by custom
//! rules in the type checker and can only be called.

use super::types::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Print,
    Write,
    Str,
    Int,
    Float,
    Len,
    Push,
    Pop,
    Fill,
    Insert,
    Has,
    Remove,
    Keys,
    Fixed,
    Sqrt,
    Sin,
    Cos,
    Tan,
    Atan2,
    Exp,
    Log,
    Pow,
    Floor,
    Ceil,
    Abs,
    Min,
    Max,
    Clock,
    Sleep,
    Random,
    Args,
    Exit,
    Assert,
    Panic,
    // Intrinsics of the standard library: callable only from stdlib modules.
    StrSplit,
    StrTrim,
    StrFind,
    StrReplace,
    StrStartsWith,
    StrEndsWith,
    StrToUpper,
    StrToLower,
    StrByteAt,
    StrFromBytes,
    StrSlice,
    StrCharCount,
    StrParseInt,
    StrParseFloat,
    IoReadFile,
    IoWriteFile,
    IoReadLine,
    IoError,
    TermControl,
    HmrControl,
    HmrPendingError,
    // Generic functions of the stdlib module `sort`, native because the language has no
    // generics: `sort.sort(xs)` and `sort.sort_by(xs, less)` (see `module_export`).
    Sort,
    SortBy,
    // The methods of arrays and maps (LANGUAGE.md section 10), found only by method syntax
    // (`xs.map(f)`), after every function and built-in of that name (see `sema/methods.rs`).
    // `xs.sort_by(less)` is `SortBy`.
    ArrayMap,
    ArrayFilter,
    ArrayFind,
    ArrayPosition,
    ArrayAny,
    ArrayAll,
    ArrayReduce,
    ArrayContains,
    ArrayIndexOf,
    ArrayInsertAt,
    ArrayRemoveAt,
    ArraySlice,
    ArrayExtend,
    ArrayReverse,
    ArrayClear,
    ArrayCopy,
    MapGet,
    MapValues,
}

/// The names of the built-ins users may call, for lookups and "did you mean" hints.
pub const PUBLIC_BUILTINS: &[(&str, Builtin)] = &[
    ("print", Builtin::Print),
    ("write", Builtin::Write),
    ("str", Builtin::Str),
    ("int", Builtin::Int),
    ("float", Builtin::Float),
    ("len", Builtin::Len),
    ("push", Builtin::Push),
    ("pop", Builtin::Pop),
    ("fill", Builtin::Fill),
    ("insert", Builtin::Insert),
    ("has", Builtin::Has),
    ("remove", Builtin::Remove),
    ("keys", Builtin::Keys),
    ("fixed", Builtin::Fixed),
    ("sqrt", Builtin::Sqrt),
    ("sin", Builtin::Sin),
    ("cos", Builtin::Cos),
    ("tan", Builtin::Tan),
    ("atan2", Builtin::Atan2),
    ("exp", Builtin::Exp),
    ("log", Builtin::Log),
    ("pow", Builtin::Pow),
    ("floor", Builtin::Floor),
    ("ceil", Builtin::Ceil),
    ("abs", Builtin::Abs),
    ("min", Builtin::Min),
    ("max", Builtin::Max),
    ("clock", Builtin::Clock),
    ("sleep", Builtin::Sleep),
    ("random", Builtin::Random),
    ("args", Builtin::Args),
    ("exit", Builtin::Exit),
    ("assert", Builtin::Assert),
    ("panic", Builtin::Panic),
];

const INTRINSICS: &[(&str, Builtin)] = &[
    ("__str_split", Builtin::StrSplit),
    ("__str_trim", Builtin::StrTrim),
    ("__str_find", Builtin::StrFind),
    ("__str_replace", Builtin::StrReplace),
    ("__str_starts_with", Builtin::StrStartsWith),
    ("__str_ends_with", Builtin::StrEndsWith),
    ("__str_to_upper", Builtin::StrToUpper),
    ("__str_to_lower", Builtin::StrToLower),
    ("__str_byte_at", Builtin::StrByteAt),
    ("__str_from_bytes", Builtin::StrFromBytes),
    ("__str_slice", Builtin::StrSlice),
    ("__str_char_count", Builtin::StrCharCount),
    ("__str_parse_int", Builtin::StrParseInt),
    ("__str_parse_float", Builtin::StrParseFloat),
    ("__io_read_file", Builtin::IoReadFile),
    ("__io_write_file", Builtin::IoWriteFile),
    ("__io_read_line", Builtin::IoReadLine),
    ("__io_error", Builtin::IoError),
    ("__term_control", Builtin::TermControl),
    ("__hmr_control", Builtin::HmrControl),
    ("__hmr_pending_error", Builtin::HmrPendingError),
];

/// Functions that a standard-library module exports natively, beside its `.ln` items:
/// (module, name, built-in). They are generic, which `.ln` code cannot express.
const MODULE_EXPORTS: &[(&str, &str, Builtin)] =
    &[("sort", "sort", Builtin::Sort), ("sort", "sort_by", Builtin::SortBy)];

/// The methods of arrays (LANGUAGE.md section 10's table).
pub const ARRAY_METHODS: &[(&str, Builtin)] = &[
    ("map", Builtin::ArrayMap),
    ("filter", Builtin::ArrayFilter),
    ("find", Builtin::ArrayFind),
    ("position", Builtin::ArrayPosition),
    ("any", Builtin::ArrayAny),
    ("all", Builtin::ArrayAll),
    ("reduce", Builtin::ArrayReduce),
    ("sort_by", Builtin::SortBy),
    ("contains", Builtin::ArrayContains),
    ("index_of", Builtin::ArrayIndexOf),
    ("insert_at", Builtin::ArrayInsertAt),
    ("remove_at", Builtin::ArrayRemoveAt),
    ("slice", Builtin::ArraySlice),
    ("extend", Builtin::ArrayExtend),
    ("reverse", Builtin::ArrayReverse),
    ("clear", Builtin::ArrayClear),
    ("copy", Builtin::ArrayCopy),
];

/// The methods of maps (LANGUAGE.md section 10's table).
pub const MAP_METHODS: &[(&str, Builtin)] = &[("get", Builtin::MapGet), ("values", Builtin::MapValues)];

/// The names of the built-in types, which no struct may take.
pub const BUILTIN_TYPES: &[&str] = &["int", "float", "bool", "str"];

impl Builtin {
    /// Looks up a built-in by name; intrinsics only when `in_stdlib`.
    pub fn lookup(name: &str, in_stdlib: bool) -> Option<Builtin> {
        let found = PUBLIC_BUILTINS.iter().find(|(builtin, _)| *builtin == name);
        let found = found.or_else(|| {
            if in_stdlib {
                INTRINSICS.iter().find(|(builtin, _)| *builtin == name)
            } else {
                None
            }
        });
        found.map(|(_, builtin)| *builtin)
    }

    pub fn name(self) -> &'static str {
        PUBLIC_BUILTINS
            .iter()
            .chain(INTRINSICS)
            .find(|(_, builtin)| *builtin == self)
            .map(|(name, _)| *name)
            .or_else(|| {
                ARRAY_METHODS
                    .iter()
                    .chain(MAP_METHODS)
                    .find(|(_, builtin)| *builtin == self)
                    .map(|(name, _)| *name)
            })
            .or_else(|| {
                MODULE_EXPORTS
                    .iter()
                    .find(|(_, _, builtin)| *builtin == self)
                    .map(|(_, name, _)| *name)
            })
            .unwrap_or("?")
    }

    /// The method `name` of arrays or maps (`is_map`), if there is one.
    pub fn method(name: &str, is_map: bool) -> Option<Builtin> {
        let table = if is_map { MAP_METHODS } else { ARRAY_METHODS };
        table
            .iter()
            .find(|(method, _)| *method == name)
            .map(|(_, builtin)| *builtin)
    }

    /// Whether this is a method of the table of LANGUAGE.md section 10 other than `sort_by`
    /// (which is also `sort.sort_by`): checked and translated by the method code.
    pub fn is_method(self) -> bool {
        ARRAY_METHODS
            .iter()
            .chain(MAP_METHODS)
            .any(|(_, builtin)| *builtin == self && self != Builtin::SortBy)
    }

    /// Whether a call of this built-in calls a function value it is given (`xs.map(f)`).
    pub fn calls_function_values(self) -> bool {
        matches!(
            self,
            Builtin::SortBy
                | Builtin::ArrayMap
                | Builtin::ArrayFilter
                | Builtin::ArrayFind
                | Builtin::ArrayPosition
                | Builtin::ArrayAny
                | Builtin::ArrayAll
                | Builtin::ArrayReduce
        )
    }

    /// A native export `name` of the standard-library module `module`, if there is one.
    pub fn module_export(module: &str, name: &str) -> Option<Builtin> {
        MODULE_EXPORTS
            .iter()
            .find(|(export_module, export_name, _)| *export_module == module && *export_name == name)
            .map(|(_, _, builtin)| *builtin)
    }

    /// Whether a call to this built-in never returns.
    pub fn diverges(self) -> bool {
        matches!(self, Builtin::Exit | Builtin::Panic)
    }

    /// The one signature of a non-generic built-in: parameter types and result.
    pub fn signature(self) -> Option<(Vec<Type>, Option<Type>)> {
        use Type::{Bool, Float, Int, Str};
        let signature = match self {
            Builtin::Fixed => (vec![Float, Int], Some(Str)),
            Builtin::Sqrt
            | Builtin::Sin
            | Builtin::Cos
            | Builtin::Tan
            | Builtin::Exp
            | Builtin::Log
            | Builtin::Floor
            | Builtin::Ceil => (vec![Float], Some(Float)),
            Builtin::Atan2 | Builtin::Pow => (vec![Float, Float], Some(Float)),
            Builtin::Clock | Builtin::Random => (vec![], Some(Float)),
            Builtin::Sleep => (vec![Int], None),
            Builtin::Args => (vec![], Some(Type::array(Str))),
            Builtin::Exit => (vec![Int], None),
            Builtin::Assert => (vec![Bool, Str], None),
            Builtin::Panic => (vec![Str], None),
            Builtin::StrSplit => (vec![Str, Str], Some(Type::array(Str))),
            Builtin::StrTrim | Builtin::StrToUpper | Builtin::StrToLower => (vec![Str], Some(Str)),
            Builtin::StrFind => (vec![Str, Str], Some(Int)),
            Builtin::StrReplace => (vec![Str, Str, Str], Some(Str)),
            Builtin::StrStartsWith | Builtin::StrEndsWith => (vec![Str, Str], Some(Bool)),
            Builtin::StrByteAt => (vec![Str, Int], Some(Int)),
            Builtin::StrFromBytes => (vec![Type::array(Int)], Some(Str)),
            Builtin::StrSlice => (vec![Str, Int, Int], Some(Str)),
            Builtin::StrCharCount => (vec![Str], Some(Int)),
            Builtin::StrParseInt => (vec![Str], Some(Type::optional(Int))),
            Builtin::StrParseFloat => (vec![Str], Some(Type::optional(Float))),
            Builtin::IoReadFile => (vec![Str], Some(Type::optional(Str))),
            Builtin::IoWriteFile => (vec![Str, Str, Bool], Some(Bool)),
            Builtin::IoReadLine => (vec![], Some(Type::optional(Str))),
            Builtin::IoError => (vec![], Some(Str)),
            Builtin::TermControl | Builtin::HmrControl => (vec![Int, Int], Some(Int)),
            Builtin::HmrPendingError => (vec![], Some(Type::optional(Str))),
            _ => return None,
        };
        Some(signature)
    }
}
