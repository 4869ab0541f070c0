//! Checking the section 11 additions around values: `a ?? b`, and string interpolation with
//! its format specifications (`"{v:8.2}"`).

use super::checker::Checker;
use super::scope::Context;
use super::types::*;
use crate::syntax::ast::{Expr, StringPart};

impl Checker<'_> {
    /// `a ?? b`: with `a: ?T`, a `b` of type `T` gives a `T` and a `b` of type `?T` a `?T`.
    pub(super) fn check_coalesce(&mut self, context: &mut Context, lhs: &Expr, rhs: &Expr) -> Type {
        let lhs_type = self.value(context, lhs, None);
        let inner = match &lhs_type {
            Type::Optional(inner) => (**inner).clone(),
            Type::Error => {
                self.value(context, rhs, None);
                return Type::Error;
            }
            _ => {
                self.coalesce_not_optional(context.file, lhs.span, &lhs_type);
                self.value(context, rhs, None);
                return Type::Error;
            }
        };
        let rhs_type = self.value(context, rhs, Some(&inner));
        if rhs_type == Type::Error {
            return Type::Error;
        }
        if rhs_type.is_assignable_to(&inner) {
            return inner;
        }
        if rhs_type == lhs_type || rhs_type == Type::Nil {
            return lhs_type;
        }
        self.mismatch(context.file, rhs.span, &inner, &rhs_type);
        Type::Error
    }

    /// The parts of an interpolated string: each value printable, and a precision only on a
    /// `float`.
    pub(super) fn check_interpolation(&mut self, context: &mut Context, parts: &[StringPart]) {
        let mut last_type = Type::Error;
        for part in parts {
            match part {
                StringPart::Text(_) => {}
                StringPart::Expr(inner) => {
                    let ty = self.value(context, inner, None);
                    if !self.items.is_printable(&ty) {
                        self.not_interpolable(context.file, inner.span, &ty);
                        last_type = Type::Error;
                    } else {
                        last_type = ty;
                    }
                }
                StringPart::Format(spec, span) => {
                    if spec.precision.is_some() && !matches!(last_type, Type::Float | Type::Error) {
                        self.precision_not_on_float(context.file, *span, &last_type);
                    }
                }
            }
        }
    }
}
