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
];

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
            .map_or("?", |(name, _)| name)
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
            _ => return None,
        };
        Some(signature)
    }
}
