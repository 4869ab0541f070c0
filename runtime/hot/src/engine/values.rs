//! Values that cross between the host and the script: the typed traits of `Engine::call`
//! (`ScriptValue`, `ScriptArgs`, `ScriptResult`), the dynamic `Value` of the C API, and their
//! conversion to and from the words compiled code passes.

use lang_runtime_core::Context;
use lang_runtime_core::object::StrObject;

/// A value of a script type, for hosts that only know types at run time (the C API).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
}

/// The types a [`Value`] can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Int,
    Float,
    Bool,
    Str,
}

impl ValueType {
    /// The type as `lang` writes it.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Int => "int",
            ValueType::Float => "float",
            ValueType::Bool => "bool",
            ValueType::Str => "str",
        }
    }

    /// The value of this type that compiled code passed as `word`.
    pub(super) fn value_of_word(self, word: u64) -> Value {
        match self {
            ValueType::Int => Value::Int(word as i64),
            ValueType::Float => Value::Float(f64::from_bits(word)),
            ValueType::Bool => Value::Bool(word as u8 != 0),
            ValueType::Str => Value::Str(<String as ScriptValue>::from_word(word)),
        }
    }
}

impl Value {
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::Bool(_) => ValueType::Bool,
            Value::Str(_) => ValueType::Str,
        }
    }

    /// The word compiled code sees (a string is allocated on the script heap).
    pub(super) fn to_word(&self, ctx: &mut Context) -> u64 {
        match self {
            Value::Int(value) => value.to_word(ctx),
            Value::Float(value) => value.to_word(ctx),
            Value::Bool(value) => value.to_word(ctx),
            Value::Str(value) => value.to_word(ctx),
        }
    }
}

/// A value that crosses between the host and the script.
pub trait ScriptValue: Sized {
    /// The type as `lang` writes it.
    const TYPE: &'static str;
    /// Passed in a float register (rather than an integer one).
    const FLOAT: bool = false;
    /// The word the script sees.
    fn to_word(&self, ctx: &mut Context) -> u64;
    /// From the word the script gave.
    fn from_word(word: u64) -> Self;
}

impl ScriptValue for i64 {
    const TYPE: &'static str = "int";
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        *self as u64
    }
    fn from_word(word: u64) -> Self {
        word as i64
    }
}

impl ScriptValue for f64 {
    const TYPE: &'static str = "float";
    const FLOAT: bool = true;
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        self.to_bits()
    }
    fn from_word(word: u64) -> Self {
        f64::from_bits(word)
    }
}

impl ScriptValue for bool {
    const TYPE: &'static str = "bool";
    fn to_word(&self, _ctx: &mut Context) -> u64 {
        u64::from(*self)
    }
    fn from_word(word: u64) -> Self {
        word as u8 != 0
    }
}

impl ScriptValue for String {
    const TYPE: &'static str = "str";
    fn to_word(&self, ctx: &mut Context) -> u64 {
        lang_runtime_core::abi::string_from(ctx, self) as u64
    }
    fn from_word(word: u64) -> Self {
        if word == 0 {
            return String::new();
        }
        // SAFETY: the script gave a live string object.
        let bytes = unsafe { lang_runtime_core::object::str_bytes(word as *const StrObject) };
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The result type of a call: a [`ScriptValue`], or `()` for a function without a result.
pub trait ScriptResult: Sized {
    /// ` -> int`, or nothing.
    fn signature_suffix() -> String;
    #[doc(hidden)]
    fn kind() -> ResultKind;
    #[doc(hidden)]
    fn from_word(word: u64) -> Self;
}

#[doc(hidden)]
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    None,
    Word,
    Float,
}

impl ScriptResult for () {
    fn signature_suffix() -> String {
        String::new()
    }
    fn kind() -> ResultKind {
        ResultKind::None
    }
    fn from_word(_word: u64) -> Self {}
}

macro_rules! value_results {
    ($($ty:ty),*) => {$(
        impl ScriptResult for $ty {
            fn signature_suffix() -> String {
                format!(" -> {}", <$ty as ScriptValue>::TYPE)
            }
            fn kind() -> ResultKind {
                if <$ty as ScriptValue>::FLOAT { ResultKind::Float } else { ResultKind::Word }
            }
            fn from_word(word: u64) -> Self {
                <$ty as ScriptValue>::from_word(word)
            }
        }
    )*};
}
value_results!(i64, f64, bool, String);

/// The arguments of a call: a tuple of [`ScriptValue`]s.
pub trait ScriptArgs {
    fn types() -> Vec<&'static str>;
    #[doc(hidden)]
    fn words(&self, ctx: &mut Context) -> Vec<(u64, bool)>;
}

macro_rules! tuple_args {
    ($($name:ident : $index:tt),*) => {
        impl<$($name: ScriptValue),*> ScriptArgs for ($($name,)*) {
            fn types() -> Vec<&'static str> {
                vec![$($name::TYPE),*]
            }
            #[allow(unused_variables)]
            fn words(&self, ctx: &mut Context) -> Vec<(u64, bool)> {
                vec![$((self.$index.to_word(ctx), $name::FLOAT)),*]
            }
        }
    };
}
tuple_args!();
tuple_args!(A: 0);
tuple_args!(A: 0, B: 1);
tuple_args!(A: 0, B: 1, C: 2);
tuple_args!(A: 0, B: 1, C: 2, D: 3);
tuple_args!(A: 0, B: 1, C: 2, D: 3, E: 4);
