//! Conditions of `if` and `while` lowered as branches: `and`, `or` and `not` become jumps
//! to the two targets instead of a boolean merged in a block parameter and tested again.
//!
//! A loop's test also orders its targets for Cranelift. Its egraph pass hoists loop-invariant
//! values while it walks the dominator tree, whose children it visits in reverse postorder
//! of the control-flow graph; visiting a block outside a loop takes the loop off its stack,
//! and a sibling visited later, inside the loop, does not put it back. The depth-first walk
//! finishes the first target of a `brif` first, so that target comes *last* among its
//! siblings: when a loop body is the first target and the exit the second, the exit (outside
//! the loop) is visited first, and nothing in the body is hoisted (mandelbrot's inner
//! `while` computed `cr` again at every iteration). Hence the loop tests here branch on the
//! negated condition, exit first and body second; the machine code also places the body
//! right after the test instead of at the end of the function.

use cranelift_codegen::ir::condcodes::{CondCode, IntCC};
use cranelift_codegen::ir::{self, InstBuilder, InstructionData, Value, ValueDef};

use crate::codegen::function::Translator;
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, UnaryOp};

/// The body and exit of the loop a condition tests, so its branches put the exit first and
/// the body second (see the module's comment).
#[derive(Clone, Copy)]
pub(crate) struct LoopTargets {
    pub(crate) body: ir::Block,
    pub(crate) exit: ir::Block,
}

/// Whether `condition` is lowered as more than one branch (`and`, `or`, under `not` and
/// parentheses too).
pub(crate) fn is_short_circuit(condition: &Expr) -> bool {
    match &strip_parens(condition).kind {
        ExprKind::Binary {
            op: BinaryOp::And | BinaryOp::Or,
            ..
        } => true,
        ExprKind::Unary {
            op: UnaryOp::Not,
            operand,
        } => is_short_circuit(operand),
        _ => false,
    }
}

impl Translator<'_, '_, '_> {
    /// Branches to `when_true` if `condition` holds and to `when_false` if not, evaluating
    /// the right operand of `and` and `or` only when it decides. Leaves the builder in the
    /// (terminated) block of the last branch.
    pub(crate) fn branch_on_condition(
        &mut self,
        condition: &Expr,
        when_true: ir::Block,
        when_false: ir::Block,
        loop_targets: Option<LoopTargets>,
    ) {
        match &strip_parens(condition).kind {
            ExprKind::Binary {
                op: op @ (BinaryOp::And | BinaryOp::Or),
                lhs,
                rhs,
            } => {
                let right = self.builder.create_block();
                if *op == BinaryOp::And {
                    self.branch_on_condition(lhs, right, when_false, loop_targets);
                } else {
                    self.branch_on_condition(lhs, when_true, right, loop_targets);
                }
                self.builder.switch_to_block(right);
                self.builder.seal_block(right);
                self.branch_on_condition(rhs, when_true, when_false, loop_targets);
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => self.branch_on_condition(operand, when_false, when_true, loop_targets),
            _ => {
                let block = self.builder.current_block();
                let last_before = block.and_then(|block| self.builder.func.layout.last_inst(block));
                let value = self.expr_value(condition);
                // The instruction just made for this branch alone (a comparison can be turned
                // around in place).
                let last_after = block.and_then(|block| self.builder.func.layout.last_inst(block));
                let fresh = (self.builder.current_block() == block && last_after != last_before)
                    .then_some(last_after)
                    .flatten();
                self.branch_with_fresh_condition(value, fresh, when_true, when_false, loop_targets);
            }
        }
    }

    /// A loop's test on `comparison`, made just now for this branch alone: `brif comparison,
    /// body, exit`, turned around as the module's comment says.
    pub(crate) fn branch_on_loop_comparison(&mut self, comparison: Value, targets: LoopTargets) {
        let fresh = match self.builder.func.dfg.value_def(comparison) {
            ValueDef::Result(inst, _) => Some(inst),
            _ => None,
        };
        self.branch_with_fresh_condition(comparison, fresh, targets.body, targets.exit, Some(targets));
    }

    /// `brif value, when_true, when_false`, or, for a loop's test whose body would be the
    /// first target or whose exit the second, the same branch on the negated value with the
    /// targets swapped.
    fn branch_with_fresh_condition(
        &mut self,
        value: Value,
        fresh: Option<ir::Inst>,
        when_true: ir::Block,
        when_false: ir::Block,
        loop_targets: Option<LoopTargets>,
    ) {
        let swap = loop_targets.is_some_and(|targets| when_true == targets.body || when_false == targets.exit);
        if swap {
            let negated = self.negated_condition(value, fresh);
            self.builder.ins().brif(negated, when_false, &[], when_true, &[]);
        } else {
            self.builder.ins().brif(value, when_true, &[], when_false, &[]);
        }
    }

    /// The complement of a condition: the opposite comparison where `value` is one (so the
    /// branch still tests the flags of one compare), else `value == 0`. A `fresh` comparison
    /// (the instruction made just now for this branch alone) is turned around in place.
    fn negated_condition(&mut self, value: Value, fresh: Option<ir::Inst>) -> Value {
        if let ValueDef::Result(inst, 0) = self.builder.func.dfg.value_def(value) {
            let fresh = fresh == Some(inst);
            match self.builder.func.dfg.insts[inst] {
                InstructionData::IntCompare { opcode, cond, args } if fresh => {
                    let cond = cond.complement();
                    self.builder.func.dfg.insts[inst] = InstructionData::IntCompare { opcode, cond, args };
                    return value;
                }
                InstructionData::FloatCompare { opcode, cond, args } if fresh => {
                    let cond = cond.complement();
                    self.builder.func.dfg.insts[inst] = InstructionData::FloatCompare { opcode, cond, args };
                    return value;
                }
                InstructionData::IntCompare { cond, args, .. } => {
                    return self.builder.ins().icmp(cond.complement(), args[0], args[1]);
                }
                InstructionData::FloatCompare { cond, args, .. } => {
                    return self.builder.ins().fcmp(cond.complement(), args[0], args[1]);
                }
                _ => {}
            }
        }
        self.builder.ins().icmp_imm_s(IntCC::Equal, value, 0)
    }
}
