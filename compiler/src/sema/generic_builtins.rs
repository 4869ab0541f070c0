//! Checking calls of the built-ins that accept several types (`print`, `len`, `push`, `min`,
//! ...): their arity, and a rule per built-in for the argument types and the result.

use super::builtins::Builtin;
use super::calls::Argument;
use super::checker::Checker;
use super::scope::Context;
use super::types::*;
use crate::source::Span;

impl Checker<'_> {
    /// The built-ins that accept several types.
    pub(super) fn call_generic_builtin(
        &mut self,
        context: &mut Context,
        builtin: Builtin,
        args: &[Argument<'_>],
        span: Span,
        expected: Option<&Type>,
    ) -> Type {
        if builtin.is_method() {
            return self.call_method_builtin(context, builtin, args, span, expected);
        }
        let name = builtin.name();
        let arity = match builtin {
            Builtin::Print
            | Builtin::Write
            | Builtin::Str
            | Builtin::Int
            | Builtin::Float
            | Builtin::Len
            | Builtin::Pop
            | Builtin::Keys
            | Builtin::Sort
            | Builtin::Abs => 1,
            Builtin::Push
            | Builtin::Fill
            | Builtin::Has
            | Builtin::Remove
            | Builtin::Min
            | Builtin::Max
            | Builtin::SortBy => 2,
            Builtin::Insert => 3,
            _ => args.len(),
        };
        if args.len() != arity {
            self.wrong_count(context, name, arity, args, span);
            return match builtin {
                Builtin::Print | Builtin::Write | Builtin::Push | Builtin::Insert | Builtin::Remove => Type::Void,
                _ => Type::Error,
            };
        }
        let file = context.file;
        let first = self.argument_type(context, args[0], None);
        let first_span = args[0].span();
        let shown = self.display(&first);
        let wrong_first = |checker: &mut Self, accepted: &str| {
            if first != Type::Error {
                checker.builtin_rejects_argument(file, first_span, name, &shown, accepted);
            }
        };
        match builtin {
            Builtin::Print | Builtin::Write => {
                if !self.items.is_printable(&first) {
                    self.builtin_cannot_print(file, first_span, name, &shown);
                }
                Type::Void
            }
            Builtin::Str => {
                if !self.items.is_printable(&first) {
                    wrong_first(self, "`int`, `float`, `bool`, `str` or an enum of printable payloads");
                }
                Type::Str
            }
            Builtin::Int => {
                if !matches!(first, Type::Int | Type::Float | Type::Str | Type::Error) {
                    wrong_first(self, "`float` or `str`");
                }
                Type::Int
            }
            Builtin::Float => {
                if !matches!(first, Type::Int | Type::Float | Type::Str | Type::Error) {
                    wrong_first(self, "`int` or `str`");
                }
                Type::Float
            }
            Builtin::Len => {
                if !matches!(first, Type::Str | Type::Array(_) | Type::Map(..) | Type::Error) {
                    wrong_first(self, "a `str`, an array or a map");
                }
                Type::Int
            }
            Builtin::Push => {
                match &first {
                    Type::Array(element) => self.check_argument(context, args[1], element),
                    _ => {
                        wrong_first(self, "an array");
                        self.argument_type(context, args[1], None);
                    }
                }
                Type::Void
            }
            Builtin::Pop => match first {
                Type::Array(element) => *element,
                _ => {
                    wrong_first(self, "an array");
                    Type::Error
                }
            },
            Builtin::Sort => {
                if !matches!(&first, Type::Array(element) if matches!(**element, Type::Int | Type::Float | Type::Str))
                    && first != Type::Error
                {
                    wrong_first(self, "an array of `int`, `float` or `str` (use `sort_by` for others)");
                }
                Type::Void
            }
            Builtin::SortBy => {
                match &first {
                    Type::Array(element) => {
                        let less = Type::Function(
                            vec![(**element).clone(), (**element).clone()],
                            Some(Box::new(Type::Bool)),
                        );
                        self.check_argument(context, args[1], &less);
                    }
                    _ => {
                        wrong_first(self, "an array");
                        self.argument_type(context, args[1], None);
                    }
                }
                Type::Void
            }
            Builtin::Fill => {
                if first != Type::Int && first != Type::Error {
                    self.mismatch(file, first_span, &Type::Int, &first);
                }
                let element_expected = match expected {
                    Some(Type::Array(element)) => Some((**element).clone()),
                    _ => None,
                };
                let element = self.argument_type(context, args[1], element_expected.as_ref());
                if let Some(expected_element) = element_expected {
                    if !element.is_assignable_to(&expected_element) {
                        self.mismatch(file, args[1].span(), &expected_element, &element);
                    }
                    return Type::array(expected_element);
                }
                if contains_nil(&element) {
                    self.cannot_infer_empty(file, args[1].span(), "array", "let xs: [?int] = fill(3, nil)");
                    return Type::Error;
                }
                Type::array(element)
            }
            Builtin::Insert | Builtin::Has | Builtin::Remove => {
                match &first {
                    Type::Map(key, value) => {
                        self.check_argument(context, args[1], key);
                        if builtin == Builtin::Insert {
                            self.check_argument(context, args[2], value);
                        }
                    }
                    _ => {
                        wrong_first(self, "a map");
                        self.check_arguments_only(context, &args[1..]);
                    }
                }
                match builtin {
                    Builtin::Has => Type::Bool,
                    _ => Type::Void,
                }
            }
            Builtin::Keys => match first {
                Type::Map(key, _) => Type::Array(key),
                _ => {
                    wrong_first(self, "a map");
                    Type::Error
                }
            },
            Builtin::Abs => {
                if !first.is_numeric() {
                    wrong_first(self, "`int` or `float`");
                    return Type::Error;
                }
                first
            }
            Builtin::Min | Builtin::Max => {
                if !first.is_numeric() {
                    wrong_first(self, "`int` or `float`");
                    self.check_arguments_only(context, &args[1..]);
                    return Type::Error;
                }
                self.check_argument(context, args[1], &first);
                first
            }
            _ => {
                self.check_arguments_only(context, args);
                Type::Error
            }
        }
    }
}
