//! Diagnostics as structured values: every stage collects them, and only `render` turns them
//! into text.

mod render;

pub use render::{MOST_RENDERED, render, render_one};

use crate::source::{FileId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A source location with a message, shown under the excerpt of the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
}

/// One problem found in a program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// Where the problem is. Its message may be empty.
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            primary: Label {
                file,
                span,
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the text shown at the primary location.
    pub fn with_label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

macro_rules! codes {
    ($($name:ident = $text:literal : $summary:literal,)*) => {
        /// The stable code of every diagnostic. Codes never change meaning once released;
        /// `book/src/diagnostics.md` explains each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($name,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as users see it, like `E0300`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $text,)*
                }
            }

            /// A one-line description of what the code means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$name => $summary,)*
                }
            }
        }
    };
}

codes! {
    // Lexical errors.
    UnexpectedCharacter = "E0001": "a character that cannot start any token",
    UnterminatedString = "E0002": "a string literal without its closing quote",
    UnknownEscape = "E0003": "an escape sequence that strings do not support",
    IntegerTooLarge = "E0004": "an integer literal that does not fit in `int`",
    FloatOutOfRange = "E0005": "a float literal too large for `float`",
    MalformedNumber = "E0006": "a number literal with a misplaced `_`, a missing digit or a bad suffix",
    NestingTooDeep = "E0007": "brackets, blocks or operators nested deeper than the compiler allows",
    BadInterpolation = "E0008": "an empty or unterminated `{...}` inside a string",
    BadCharLiteral = "E0009": "a character literal that is empty, unterminated, or holds more than one character",
    BadFormatSpec = "E0010": "a malformed format specification in an interpolation, or a precision on a value that is not a `float`",
    // Syntax errors.
    Syntax = "E0100": "the parser expected something else here",
    ChainedComparison = "E0101": "comparison operators do not chain",
    UnbalancedDelimiter = "E0102": "a bracket or brace that is never closed, or closed by the wrong kind",
    RangeBoundNotAdditive = "E0103": "a range bound written with an operator looser than `+` and `-`, without parentheses",
    // Habits from other languages (LANGUAGE.md section 11).
    BangHabit = "E0110": "`!x` for `not x`",
    AndOrHabit = "E0111": "`&&` or `||` for `and` or `or`",
    IncrementHabit = "E0112": "`x++` or `x--` for `x += 1` or `x -= 1`",
    AssignInConditionHabit = "E0113": "`=` where a condition is expected, for `==`",
    ElifHabit = "E0114": "`elif` or `elsif` for `else if`",
    CStyleForHabit = "E0115": "a C-style `for` loop",
    PathHabit = "E0116": "`A::B` for `A.B`",
    PipeClosureHabit = "E0117": "`|x| expr` for a function expression `fn(x) => expr`",
    // Module and name errors.
    UnknownName = "E0200": "a name that is not defined in scope",
    UnknownModule = "E0201": "an import of a module that is neither a sibling file nor in the standard library",
    DuplicateDefinition = "E0202": "two items of a module with the same name",
    PrivateItem = "E0203": "a use of another module's item that is not `pub`",
    UnknownModuleItem = "E0204": "a module has no item of that name",
    UnknownType = "E0205": "a type name that is not defined",
    ReservedName = "E0206": "a module item named like a built-in function or type",
    ModuleNotValue = "E0207": "a module name used where a value is expected",
    UnreadableModule = "E0208": "an imported module file that exists but cannot be read",
    AmbiguousMethod = "E0209": "method syntax that finds more than one function",
    MissingMain = "E0210": "the program's main file has no usable `fn main()`",
    DuplicateImport = "E0211": "a module imported twice, or a module importing itself",
    CyclicInitializer = "E0212": "a module variable whose type depends on its own initializer",
    NullHabit = "E0220": "`null`, `None`, `NULL`, `nullptr` or `undefined` (not declared) for `nil`",
    // Type errors.
    TypeMismatch = "E0300": "a value of one type where another is expected",
    InvalidOperands = "E0301": "an operator applied to types it does not support",
    WrongArgumentCount = "E0302": "a call with too many or too few arguments",
    NotCallable = "E0303": "a call of something that is not a function",
    CannotInfer = "E0304": "an empty `[]`, `{}` or `nil` with no type from context",
    AssignToImmutable = "E0305": "an assignment to a `let` binding",
    InvalidAssignTarget = "E0306": "an assignment to something that is not a variable, element or field",
    MissingReturn = "E0307": "a function with a result type whose end is reachable",
    ReturnMismatch = "E0308": "a `return` whose value does not fit the function's result",
    BreakOutsideLoop = "E0309": "`break` or `continue` outside a loop",
    NoSuchField = "E0310": "a field or method that the value's type does not have",
    MissingField = "E0311": "a struct literal without a field that has no default",
    DuplicateField = "E0312": "a field given or declared twice",
    NotOptional = "E0313": "`!`, `??` or `nil` used with a value that is not optional",
    NotIndexable = "E0314": "indexing a value that is not an array or a map",
    NotIterable = "E0315": "`for` over a value that is not a range, an array or a map",
    InvalidMapKey = "E0316": "a map whose key type is not `int` or `str`",
    NotPrintable = "E0317": "printing or interpolating a value that is not `int`, `float`, `bool` or `str`",
    RecursiveStruct = "E0318": "a struct that contains itself other than through an optional",
    NestedOptional = "E0319": "an optional of an optional",
    NotAValue = "E0320": "a function or built-in that is used as a value but cannot be one",
    NoValue = "E0321": "a call to a function without a result used as a value",
    // Enums and patterns (LANGUAGE.md section 9).
    UnknownVariant = "E0330": "an enum has no variant of that name",
    WrongPayloadCount = "E0331": "a variant value or pattern with too many or too few payload fields",
    EmptyPayloadParentheses = "E0332": "`()` after a variant that has no payload",
    VariantNotAValue = "E0333": "a variant with a payload written without its parentheses, as if it were a function value",
    UnknownImplicitMember = "E0334": "`.Name` where no enum type is expected",
    EnumHoldsFunction = "E0335": "`==` or `!=` on enums whose payload holds a function value",
    MissingMatchArm = "E0336": "a `match` that does not cover every value",
    UnreachableArm = "E0337": "a `match` arm that can never run",
    ElseCompletes = "E0338": "the `else` block of `let ... else` can complete normally",
    AlternativeBinds = "E0339": "an alternative pattern `P | Q` that binds a name",
    EmptyRange = "E0340": "a range pattern that matches no value",
    BlockArmInValue = "E0341": "a block as the arm of a `match` used as a value",
    BranchTypeMismatch = "E0342": "arms of a `match` or branches of an `if` used as a value with different types",
    IrrefutableIfLet = "E0343": "an `if let` whose pattern always matches",
    RefutableLet = "E0344": "`let PATTERN = value` without `else` whose pattern may not match",
    PatternTypeMismatch = "E0345": "a pattern that cannot match a value of the type matched",
    DuplicateBinding = "E0346": "a name bound twice in one pattern",
    DuplicateVariant = "E0347": "two variants of an enum with the same name",
    EnumNotAValue = "E0348": "an enum's name used as a value",
    // Statements (LANGUAGE.md section 11).
    UnusedValue = "E0360": "an expression statement that is not a call, `match` or `if`: its value is unused",
    // Closures (section 10).
    ClosureParameterType = "E0370": "a function expression parameter without a type where no function type is expected",
    ClosureTypeMismatch = "E0371": "a function expression where a function type with other parameters or result is expected",
    ClosureBodyNotCall = "E0372": "a `=>` body that is not a call where the function expression returns nothing",
}

/// A diagnostic already recorded in a list, still being filled in.
#[derive(Debug)]
pub struct Building<'a>(pub &'a mut Diagnostic);

impl Building<'_> {
    pub fn with_label(self, message: impl Into<String>) -> Self {
        self.0.primary.message = message.into();
        self
    }

    pub fn with_secondary(self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.0.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(self, help: impl Into<String>) -> Self {
        self.0.help = Some(help.into());
        self
    }

    pub fn set_help(&mut self, help: impl Into<String>) {
        self.0.help = Some(help.into());
    }

    pub fn set_label(&mut self, message: impl Into<String>) {
        self.0.primary.message = message.into();
    }
}
