//! The diagnostics of values and expressions: mismatched types, what cannot be inferred,
//! misused literals, indexing, unwrapping and operators.

use super::super::checker::Checker;
use super::super::types::*;
use super::wording::indefinite_article;
use crate::diagnostics::Code;
use crate::source::{FileId, Span};
use crate::syntax::ast::{BinaryOp, UnaryOp};

impl Checker<'_> {
    pub(in crate::sema) fn mismatch(&mut self, file: FileId, span: Span, expected: &Type, found: &Type) {
        let (expected_text, found_text) = (self.display(expected), self.display(found));
        if *found == Type::Nil {
            self.error(
                Code::NotOptional,
                file,
                span,
                format!("`nil` is not a value of type `{expected_text}`"),
            )
            .with_label(format!("expected `{expected_text}`, found `nil`"))
            .with_help(format!(
                "only optional types can be `nil`; did you mean `?{expected_text}`?"
            ));
            return;
        }
        let mut diagnostic = self
            .error(Code::TypeMismatch, file, span, "mismatched types")
            .with_label(format!("expected `{expected_text}`, found `{found_text}`"));
        let help = match (expected, found) {
            (Type::Float, Type::Int) => {
                Some("convert with `float(...)`; there are no implicit conversions".to_string())
            }
            (Type::Int, Type::Float) => Some("convert with `int(...)`, which truncates toward zero".to_string()),
            (Type::Str, Type::Int | Type::Float | Type::Bool) => Some("convert with `str(...)`".to_string()),
            (_, Type::Nil) => Some(format!(
                "only optional types can be `nil`; did you mean `?{expected_text}`?"
            )),
            (_, Type::Optional(inner)) if **inner == *expected => {
                Some("unwrap the optional with `!` or `if let`".to_string())
            }
            _ => None,
        };
        if let Some(help) = help {
            diagnostic.set_help(help);
        }
    }

    pub(in crate::sema) fn cannot_infer_empty(&mut self, file: FileId, span: Span, what: &str, example: &str) {
        self.error(
            Code::CannotInfer,
            file,
            span,
            format!("cannot infer the element type of this {what}"),
        )
        .with_label("type needed")
        .with_help(format!("give it a type from context, for example `{example}`"));
    }

    /// A call of a function without a result where a value is needed.
    pub(in crate::sema) fn no_value(&mut self, file: FileId, span: Span) {
        self.error(Code::NoValue, file, span, "this call produces no value")
            .with_label("the function has no result type");
    }

    pub(in crate::sema) fn integer_too_large(&mut self, file: FileId, span: Span) {
        self.error(
            Code::IntegerTooLarge,
            file,
            span,
            "integer literal is too large for `int`",
        )
        .with_help(
            "the largest `int` is 9223372036854775807; only `-9223372036854775808` may be written with this magnitude",
        );
    }

    pub(in crate::sema) fn not_interpolable(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        self.error(
            Code::NotPrintable,
            file,
            span,
            format!("cannot interpolate a value of type `{shown}`"),
        )
        .with_label("only `int`, `float`, `bool`, `str` and enums of printable payloads can be interpolated");
    }

    /// A map key type (written, or inferred from a literal) that is not `int` or `str`.
    pub(in crate::sema) fn invalid_map_key(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        self.error(
            Code::InvalidMapKey,
            file,
            span,
            format!("a map key must be `int` or `str`, not `{shown}`"),
        )
        .with_label("invalid key type");
    }

    pub(in crate::sema) fn chained_comparison(&mut self, file: FileId, span: Span) {
        self.error(
            Code::ChainedComparison,
            file,
            span,
            "comparison operators cannot be chained",
        )
        .with_label("a chain of comparisons")
        .with_help("combine the comparisons with `and`: `a < b and b < c`");
    }

    /// A bound of `a..b` whose outermost operator binds more loosely than `+` and `-`
    /// (LANGUAGE.md section 4: range bounds are additive expressions).
    pub(in crate::sema) fn range_bound_not_additive(&mut self, file: FileId, span: Span, op: &str) {
        self.error(
            Code::RangeBoundNotAdditive,
            file,
            span,
            format!("a range bound cannot use `{op}` without parentheses"),
        )
        .with_label("not an additive expression")
        .with_help(format!(
            "range bounds are additive expressions (`a + 1..n * 2`): put this one in parentheses, `(x {op} y)`"
        ));
    }

    pub(in crate::sema) fn not_indexable(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        let mut diagnostic = self
            .error(
                Code::NotIndexable,
                file,
                span,
                format!("cannot index into a value of type `{shown}`"),
            )
            .with_label("not an array or a map");
        if *ty == Type::Str {
            diagnostic.set_help("strings are not indexed; `import strings` and use `byte_at` or `chars`");
        }
    }

    pub(in crate::sema) fn not_unwrappable(&mut self, file: FileId, span: Span, ty: &Type) {
        let shown = self.display(ty);
        self.error(
            Code::NotOptional,
            file,
            span,
            format!("cannot unwrap a value of type `{shown}`"),
        )
        .with_label("`!` needs an optional value")
        .with_help("remove the `!`: this value can never be `nil`");
    }

    /// A struct's name used as a value; `construct_hint` adds how to build one.
    pub(in crate::sema) fn struct_not_a_value(&mut self, file: FileId, span: Span, name: &str, construct_hint: bool) {
        let mut diagnostic = self
            .error(
                Code::NotAValue,
                file,
                span,
                format!("`{name}` is a struct, not a value"),
            )
            .with_label("not a value");
        if construct_hint {
            diagnostic.set_help(format!("construct one with `{name} {{ ... }}`"));
        }
    }

    pub(in crate::sema) fn module_not_a_value(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::ModuleNotValue,
            file,
            span,
            format!("`{name}` is a module, not a value"),
        )
        .with_label("not a value")
        .with_help(format!("use one of its items: `{name}.name`"));
    }

    /// A generic built-in (no one signature) used as a function value.
    pub(in crate::sema) fn builtin_not_a_value(&mut self, file: FileId, span: Span, name: &str) {
        self.error(
            Code::NotAValue,
            file,
            span,
            format!("the built-in `{name}` cannot be used as a value"),
        )
        .with_label("only callable")
        .with_help("it accepts several types; wrap it in a function of your own to pass it around");
    }

    pub(in crate::sema) fn invalid_unary_operand(&mut self, file: FileId, span: Span, op: UnaryOp, ty: &Type) {
        let shown = self.display(ty);
        let expected = match op {
            UnaryOp::Negate => "`int` or `float`",
            UnaryOp::BitNot => "`int`",
            UnaryOp::Not => "`bool`",
        };
        self.error(
            Code::InvalidOperands,
            file,
            span,
            format!("cannot apply `{}` to a value of type `{shown}`", op.symbol()),
        )
        .with_label(format!("expected {expected}"));
    }

    /// `x == nil` (or `!=`) where one side is `nil` and the other is not optional.
    pub(in crate::sema) fn compared_with_nil(
        &mut self,
        file: FileId,
        span: Span,
        lhs: &Type,
        rhs: &Type,
        lhs_span: Span,
        rhs_span: Span,
    ) {
        let (left, right) = (self.display(lhs), self.display(rhs));
        let (other, other_span) = if *lhs == Type::Nil {
            (&right, rhs_span)
        } else {
            (&left, lhs_span)
        };
        self.error(
            Code::NotOptional,
            file,
            span,
            format!("{} `{other}` is never `nil`", indefinite_article(other)),
        )
        .with_label("comparison with `nil`")
        .with_secondary(file, other_span, format!("this is `{other}`, not an optional"))
        .with_help("only values of optional types `?T` can be compared with `nil`");
    }

    /// A binary operator that does not apply to these operand types, with a hint for the
    /// common mistakes (mixing `int` and `float`, adding to a `str`, ...).
    pub(in crate::sema) fn invalid_operands(
        &mut self,
        file: FileId,
        op: BinaryOp,
        lhs: &Type,
        rhs: &Type,
        span: Span,
        lhs_span: Span,
        rhs_span: Span,
    ) {
        use BinaryOp::*;
        let (left, right) = (self.display(lhs), self.display(rhs));
        let mut diagnostic = self
            .error(
                Code::InvalidOperands,
                file,
                span,
                format!("cannot apply `{}` to `{left}` and `{right}`", op.symbol()),
            )
            .with_secondary(file, lhs_span, format!("this is `{left}`"))
            .with_secondary(file, rhs_span, format!("this is `{right}`"));
        let help = match (lhs, rhs) {
            (Type::Int, Type::Float) | (Type::Float, Type::Int) => {
                Some("there are no implicit conversions: convert one side with `float(...)` or `int(...)`".to_string())
            }
            (Type::Str, _) | (_, Type::Str) if op == Add => {
                Some("convert the other side with `str(...)`, or use interpolation: \"{x}\"".to_string())
            }
            _ if matches!(op, And | Or) => Some(format!("`{}` needs `bool` on both sides", op.symbol())),
            _ if matches!(op, BitAnd | BitOr | BitXor | ShiftLeft | ShiftRight) => {
                Some("bitwise operators work on `int` only".to_string())
            }
            _ => None,
        };
        diagnostic.set_label("invalid operands");
        if let Some(help) = help {
            diagnostic.set_help(help);
        }
    }
}
