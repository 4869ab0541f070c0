//! Checking unary and binary operators: which operand types each accepts, and what it gives.

use super::checker::Checker;
use super::results::NodeKey;
use super::scope::Context;
use super::types::*;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

impl Checker<'_> {
    pub(super) fn check_unary(&mut self, context: &mut Context, op: UnaryOp, operand: &Expr, span: Span) -> Type {
        if op == UnaryOp::Negate && matches!(operand.kind, ExprKind::Int(_)) {
            // `-9223372036854775808` is the one place a literal of magnitude 2^63 is valid.
            self.results
                .expr_types
                .insert(NodeKey::new(context.file, operand.span), &Type::Int);
            return Type::Int;
        }
        let ty = self.value(context, operand, None);
        let valid = match op {
            UnaryOp::Negate => ty.is_numeric(),
            UnaryOp::BitNot => ty == Type::Int,
            UnaryOp::Not => ty == Type::Bool,
        };
        if valid || ty == Type::Error {
            return ty;
        }
        self.invalid_unary_operand(context.file, span, op, &ty);
        Type::Error
    }

    pub(super) fn binary_result(
        &mut self,
        context: &Context,
        op: BinaryOp,
        lhs: &Type,
        rhs: &Type,
        span: Span,
        lhs_span: Span,
        rhs_span: Span,
    ) -> Type {
        use BinaryOp::*;
        if *lhs == Type::Error || *rhs == Type::Error {
            return match op {
                Equal | NotEqual | Less | LessEqual | Greater | GreaterEqual | And | Or => Type::Bool,
                _ if *lhs == Type::Error => rhs.clone(),
                _ => lhs.clone(),
            };
        }
        if matches!(op, Equal | NotEqual) && comparable(lhs, rhs) {
            for (ty, side) in [(lhs, lhs_span), (rhs, rhs_span)] {
                if matches!(ty, Type::Enum(_))
                    || matches!(ty, Type::Optional(inner) if matches!(**inner, Type::Enum(_)))
                {
                    if self.items.holds_function(ty) {
                        self.enum_holds_function(context.file, side, ty);
                    }
                    return Type::Bool;
                }
            }
        }
        let result = match op {
            Add if lhs == rhs && matches!(lhs, Type::Int | Type::Float | Type::Str) => Some(lhs.clone()),
            Subtract | Multiply | Divide | Remainder if lhs == rhs && lhs.is_numeric() => Some(lhs.clone()),
            BitAnd | BitOr | BitXor | ShiftLeft | ShiftRight if *lhs == Type::Int && *rhs == Type::Int => {
                Some(Type::Int)
            }
            And | Or if *lhs == Type::Bool && *rhs == Type::Bool => Some(Type::Bool),
            Less | LessEqual | Greater | GreaterEqual
                if lhs == rhs && matches!(lhs, Type::Int | Type::Float | Type::Str) =>
            {
                Some(Type::Bool)
            }
            Equal | NotEqual if comparable(lhs, rhs) => Some(Type::Bool),
            _ => None,
        };
        if let Some(result) = result {
            return result;
        }
        if matches!(op, Equal | NotEqual) && (*lhs == Type::Nil || *rhs == Type::Nil) {
            self.compared_with_nil(context.file, span, lhs, rhs, lhs_span, rhs_span);
            return Type::Bool;
        }
        self.invalid_operands(context.file, op, lhs, rhs, span, lhs_span, rhs_span);
        Type::Error
    }
}

/// Whether `==` may compare values of these types.
fn comparable(lhs: &Type, rhs: &Type) -> bool {
    match (lhs, rhs) {
        (Type::Nil, Type::Optional(_)) | (Type::Optional(_), Type::Nil) => true,
        // `?T == T` compares a present value with `T`'s equality; `nil` is unequal to any `T`.
        (Type::Optional(inner), other) | (other, Type::Optional(inner)) if **inner == *other => {
            !matches!(other, Type::Function(..))
        }
        (Type::Function(..), _) | (_, Type::Function(..)) | (Type::Void, _) | (_, Type::Void) => false,
        (Type::Nil, Type::Nil) => false,
        _ => lhs == rhs,
    }
}
