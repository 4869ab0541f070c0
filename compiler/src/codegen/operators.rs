//! Unary and binary operators, integer division and equality.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{BlockArg, InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::layout::is_boxed_optional;
use crate::codegen::runtime_abi::*;
use crate::sema::types::Type;
use crate::source::Span;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp, strip_parens};

impl Translator<'_, '_, '_> {
    pub(crate) fn unary(&mut self, op: UnaryOp, operand: &Expr) -> Value {
        let ty = self.ty(operand);
        let value = self.expr_value(operand);
        match (op, ty) {
            (UnaryOp::Negate, Type::Float) => self.builder.ins().fneg(value),
            (UnaryOp::Negate, _) => self.builder.ins().ineg(value),
            (UnaryOp::BitNot, _) => self.builder.ins().bnot(value),
            (UnaryOp::Not, _) => self.builder.ins().bxor_imm_s(value, 1),
        }
    }

    pub(crate) fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Value {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            let left = self.expr_value(lhs);
            let right_label = self.builder.create_block();
            let merge = self.builder.create_block();
            let result = self.builder.append_block_param(merge, types::I8);
            if op == BinaryOp::And {
                self.builder
                    .ins()
                    .brif(left, right_label, &[], merge, &[BlockArg::Value(left)]);
            } else {
                self.builder
                    .ins()
                    .brif(left, merge, &[BlockArg::Value(left)], right_label, &[]);
            }
            self.builder.switch_to_block(right_label);
            self.builder.seal_block(right_label);
            let right = self.expr_value(rhs);
            self.builder.ins().jump(merge, &[BlockArg::Value(right)]);
            self.builder.switch_to_block(merge);
            self.builder.seal_block(merge);
            return result;
        }
        let lhs_type = self.ty(lhs);
        let rhs_type = self.ty(rhs);
        let left = self.expr_value(lhs);
        // Division by a constant other than 0 and -1 can neither fail nor overflow: no checks,
        // and Cranelift turns it into multiplications and shifts.
        if let (BinaryOp::Divide | BinaryOp::Remainder, Type::Int, ExprKind::Int(divisor)) =
            (op, &lhs_type, &strip_parens(rhs).kind)
            && *divisor != 0
            && *divisor != -1
        {
            let right = self.iconst(*divisor);
            return if op == BinaryOp::Divide {
                self.builder.ins().sdiv(left, right)
            } else {
                self.builder.ins().srem(left, right)
            };
        }
        let right = self.expr_value(rhs);
        self.binary_values(op, left, &lhs_type, right, &rhs_type, span)
    }

    pub(crate) fn binary_values(
        &mut self,
        op: BinaryOp,
        left: Value,
        lhs_type: &Type,
        right: Value,
        rhs_type: &Type,
        span: Span,
    ) -> Value {
        use BinaryOp::*;
        match op {
            Equal => return self.equal(left, lhs_type, right, rhs_type),
            NotEqual => {
                let equal = self.equal(left, lhs_type, right, rhs_type);
                return self.builder.ins().bxor_imm_s(equal, 1);
            }
            _ => {}
        }
        match lhs_type {
            Type::Float => {
                let ins = self.builder.ins();
                match op {
                    Add => ins.fadd(left, right),
                    Subtract => ins.fsub(left, right),
                    Multiply => ins.fmul(left, right),
                    Divide => ins.fdiv(left, right),
                    Remainder => self.call_runtime("lang_rt_fmod", &[left, right]).unwrap_or(left),
                    Less => ins.fcmp(FloatCC::LessThan, left, right),
                    LessEqual => ins.fcmp(FloatCC::LessThanOrEqual, left, right),
                    Greater => ins.fcmp(FloatCC::GreaterThan, left, right),
                    GreaterEqual => ins.fcmp(FloatCC::GreaterThanOrEqual, left, right),
                    _ => {
                        self.bug("an operator that floats do not have");
                        left
                    }
                }
            }
            Type::Str => match op {
                Add => {
                    let ctx = self.ctx;
                    self.call_runtime_at("lang_rt_str_concat", &[ctx, left, right], span)
                        .unwrap_or(left)
                }
                Less | LessEqual | Greater | GreaterEqual => {
                    let order = self.call_runtime("lang_rt_str_cmp", &[left, right]).unwrap_or(left);
                    let condition = match op {
                        Less => IntCC::SignedLessThan,
                        LessEqual => IntCC::SignedLessThanOrEqual,
                        Greater => IntCC::SignedGreaterThan,
                        _ => IntCC::SignedGreaterThanOrEqual,
                    };
                    self.builder.ins().icmp_imm_s(condition, order, 0)
                }
                _ => {
                    self.bug("an operator that strings do not have");
                    left
                }
            },
            _ => match op {
                Add => self.builder.ins().iadd(left, right),
                Subtract => self.builder.ins().isub(left, right),
                Multiply => self.builder.ins().imul(left, right),
                Divide | Remainder => self.integer_division(op, left, right, span),
                BitAnd => self.builder.ins().band(left, right),
                BitOr => self.builder.ins().bor(left, right),
                BitXor => self.builder.ins().bxor(left, right),
                ShiftLeft => self.builder.ins().ishl(left, right),
                ShiftRight => self.builder.ins().sshr(left, right),
                Less => self.builder.ins().icmp(IntCC::SignedLessThan, left, right),
                LessEqual => self.builder.ins().icmp(IntCC::SignedLessThanOrEqual, left, right),
                Greater => self.builder.ins().icmp(IntCC::SignedGreaterThan, left, right),
                GreaterEqual => self.builder.ins().icmp(IntCC::SignedGreaterThanOrEqual, left, right),
                _ => {
                    self.bug("an unexpected integer operator");
                    left
                }
            },
        }
    }

    /// `/` and `%` on ints: division by zero is an error; `MIN / -1` wraps and `MIN % -1` is
    /// 0. The divisor is replaced by 1 when it is -1, so the machine division never traps.
    pub(crate) fn integer_division(&mut self, op: BinaryOp, left: Value, right: Value, span: Span) -> Value {
        let is_zero = self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0);
        let kind = if op == BinaryOp::Divide {
            RAISE_DIVISION_BY_ZERO
        } else {
            RAISE_REMAINDER_BY_ZERO
        };
        let zero = self.iconst(0);
        self.error_if(is_zero, span, Some((kind, zero, zero)));
        let is_minus_one = self.builder.ins().icmp_imm_s(IntCC::Equal, right, -1);
        let one = self.iconst(1);
        let divisor = self.builder.ins().select(is_minus_one, one, right);
        if op == BinaryOp::Divide {
            let quotient = self.builder.ins().sdiv(left, divisor);
            let negated = self.builder.ins().ineg(left);
            self.builder.ins().select(is_minus_one, negated, quotient)
        } else {
            self.builder.ins().srem(left, divisor)
        }
    }

    /// `==` for every comparable pair of types (LANGUAGE.md section 4).
    pub(crate) fn equal(&mut self, left: Value, lhs_type: &Type, right: Value, rhs_type: &Type) -> Value {
        match (lhs_type, rhs_type) {
            (Type::Nil, Type::Nil) => self.builder.ins().iconst(types::I8, 1),
            (Type::Nil, _) => self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0),
            (_, Type::Nil) => self.builder.ins().icmp_imm_s(IntCC::Equal, left, 0),
            (Type::Optional(inner), Type::Optional(_)) => {
                if is_boxed_optional(inner) || matches!(**inner, Type::Str | Type::Enum(_)) {
                    // Equal when both are nil, or both present with equal values.
                    let inner = (**inner).clone();
                    let left_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, left, 0);
                    let right_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, right, 0);
                    let any_nil = self.builder.ins().bor(left_nil, right_nil);
                    let both_nil = self.builder.ins().band(left_nil, right_nil);
                    let compare = self.builder.create_block();
                    let merge = self.builder.create_block();
                    let result = self.builder.append_block_param(merge, types::I8);
                    self.builder
                        .ins()
                        .brif(any_nil, merge, &[BlockArg::Value(both_nil)], compare, &[]);
                    self.builder.switch_to_block(compare);
                    self.builder.seal_block(compare);
                    let a = self.unbox(left, &inner);
                    let b = self.unbox(right, &inner);
                    let equal = self.equal_plain(a, b, &inner);
                    self.builder.ins().jump(merge, &[BlockArg::Value(equal)]);
                    self.builder.switch_to_block(merge);
                    self.builder.seal_block(merge);
                    result
                } else {
                    self.builder.ins().icmp(IntCC::Equal, left, right)
                }
            }
            (Type::Optional(inner), _) => self.optional_equals_plain(left, inner, right),
            (_, Type::Optional(inner)) => self.optional_equals_plain(right, inner, left),
            _ => self.equal_plain(left, right, lhs_type),
        }
    }

    pub(crate) fn optional_equals_plain(&mut self, optional: Value, inner: &Type, plain: Value) -> Value {
        let inner = inner.clone();
        let compare = self.builder.create_block();
        let merge = self.builder.create_block();
        let result = self.builder.append_block_param(merge, types::I8);
        let is_nil = self.builder.ins().icmp_imm_s(IntCC::Equal, optional, 0);
        let false_value = self.builder.ins().iconst(types::I8, 0);
        self.builder
            .ins()
            .brif(is_nil, merge, &[BlockArg::Value(false_value)], compare, &[]);
        self.builder.switch_to_block(compare);
        self.builder.seal_block(compare);
        let value = self.unbox(optional, &inner);
        let equal = self.equal_plain(value, plain, &inner);
        self.builder.ins().jump(merge, &[BlockArg::Value(equal)]);
        self.builder.switch_to_block(merge);
        self.builder.seal_block(merge);
        result
    }

    pub(crate) fn equal_plain(&mut self, left: Value, right: Value, ty: &Type) -> Value {
        match ty {
            Type::Float => self.builder.ins().fcmp(FloatCC::Equal, left, right),
            Type::Str => self.call_runtime("lang_rt_str_eq", &[left, right]).unwrap_or(left),
            Type::Enum(_) => self.enum_equal(left, right),
            _ => self.builder.ins().icmp(IntCC::Equal, left, right),
        }
    }
}
