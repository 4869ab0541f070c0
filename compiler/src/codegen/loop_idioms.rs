//! Loops that are one runtime call (loop idiom recognition, as LLVM turns a loop of stores
//! into `memset`): `for i in START..END { xs.push(VALUE) }` (or `..=`), where `xs` is a
//! plain local array and `VALUE` a literal or a local other than `i`, of the element type
//! (`int`, `float`, `bool` or `str`), becomes `lang_rt_array_push_repeated`, which grows the
//! buffer once and fills it (`memset` for bytes).
//!
//! The body does nothing but the push, and evaluating `VALUE` has no effect and gives the
//! same value every time (nothing in the loop can assign a local), so one call that pushes
//! the value `END - START` times (none when the range is empty) leaves the same array. The
//! runtime checks the heap's limit between chunks of pushes as the pushes themselves would,
//! and reports the same error at the push. Also under hot reload (`Target::loop_idioms`):
//! the call runs no script code and has no safe point, so the whole loop is one step between
//! two safe points; no swap, `on_reload` or Ctrl-C can come in the middle and see the array
//! half filled (book/src/decisions.md, "Push loops under hot reload").

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::Variable;

use crate::codegen::function::Translator;
use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::Type;
use crate::source::{FileId, Span};
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};

/// `xs.push(VALUE)` as the whole body of a `for` loop over a range.
pub(crate) struct PushLoop<'e> {
    array: &'e ast::Name,
    value: &'e Expr,
    /// The span of the push, where an error (out of memory) is reported.
    span: Span,
}

/// The push of `for VARIABLE in ... { BODY }` when `BODY` is a single push of a literal or
/// of a local other than `VARIABLE` onto a local (module documentation).
pub(crate) fn push_loop<'e>(
    checked: &CheckedProgram,
    file: FileId,
    variable: &ast::Name,
    body: &'e ast::Block,
) -> Option<PushLoop<'e>> {
    let [statement] = body.statements.as_slice() else {
        return None;
    };
    let StatementKind::Expr(call) = &statement.kind else {
        return None;
    };
    let ExprKind::Call { callee, args } = &call.kind else {
        return None;
    };
    let info = checked.results.call(file, call.span)?;
    if info.target != CallTarget::Builtin(Builtin::Push) {
        return None;
    }
    let (array, value) = match (&callee.kind, args.as_slice()) {
        (ExprKind::Field { object, .. }, [value]) if info.receiver_is_first_argument => (&**object, value),
        (_, [array, value]) if !info.receiver_is_first_argument => (array, value),
        _ => return None,
    };
    let ExprKind::Name(array) = &strip_parens(array).kind else {
        return None;
    };
    let is_local = |name: &ast::Name| matches!(checked.results.name(file, name.span), Some(NameRef::Local) | None);
    let value = strip_parens(value);
    let plain_value = match &value.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) => true,
        ExprKind::Name(name) => name.text != variable.text && is_local(name),
        _ => false,
    };
    (plain_value && is_local(array) && array.text != variable.text).then_some(PushLoop {
        array,
        value,
        span: call.span,
    })
}

impl Translator<'_, '_, '_> {
    /// The array local and element type of `push` when the call can replace the loop: the
    /// array is a plain local and the value has exactly the element type, one of the types
    /// whose values are words pushed as they are.
    pub(crate) fn push_loop_array(&mut self, push: &PushLoop) -> Option<(Variable, Type)> {
        let (local, Type::Array(element)) = self.lookup_local(&push.array.text)? else {
            return None;
        };
        if self.is_cell_variable(local) {
            return None;
        }
        let plain = matches!(*element, Type::Int | Type::Float | Type::Bool | Type::Str);
        (plain && self.ty(push.value) == *element).then_some((local, *element))
    }

    /// The call that replaces the loop, for the range `start..end` (`..=` when `inclusive`).
    pub(crate) fn push_repeated(
        &mut self,
        push: &PushLoop,
        (array, element): (Variable, Type),
        start: Value,
        end: Value,
        inclusive: bool,
    ) {
        let value = self.expr_value(push.value);
        let word = self.word_of(value, &element);
        let condition = if inclusive {
            IntCC::SignedLessThanOrEqual
        } else {
            IntCC::SignedLessThan
        };
        let call = self.builder.create_block();
        let done = self.builder.create_block();
        let enter = self.builder.ins().icmp(condition, start, end);
        self.builder.ins().brif(enter, call, &[], done, &[]);
        self.builder.switch_to_block(call);
        self.builder.seal_block(call);
        // `start < end` here, so `end - 1` cannot wrap.
        let last = if inclusive {
            end
        } else {
            self.builder.ins().iadd_imm_s(end, -1)
        };
        let array = self.builder.use_var(array);
        let ctx = self.ctx;
        self.call_runtime_at(
            "lang_rt_array_push_repeated",
            &[ctx, array, word, start, last],
            push.span,
        );
        self.builder.ins().jump(done, &[]);
        self.builder.switch_to_block(done);
        self.builder.seal_block(done);
    }
}
