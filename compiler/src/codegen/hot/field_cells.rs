//! Hot mode: what the walks over loop bodies (`loop_cells.rs`, `fixed_cells.rs`) share: the
//! offset cell a struct field access reads, and the parts of a call that are evaluated.

use crate::codegen::target::{FieldAccess, Target, compiled_field_offset};
use crate::sema::CheckedProgram;
use crate::sema::results::CallTarget;
use crate::sema::types::Type;
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind};
use crate::syntax::visit::Visitor;

/// A struct field's offset cell, and the offset it holds in the layout compiled.
pub(crate) struct FieldCell {
    pub(crate) cell: u64,
    pub(crate) compiled_offset: i64,
}

/// The offset cell `object.field` reads, when `object` is a struct whose fields are reached
/// through cells (hot code).
pub(crate) fn struct_field_cell(
    checked: &CheckedProgram,
    target: Target<'_>,
    file: FileId,
    object: &Expr,
    field: &ast::Name,
) -> Option<FieldCell> {
    let Some(Type::Struct(id)) = checked.results.expr_type(file, object.span) else {
        return None;
    };
    let FieldAccess::OffsetCell(cell) = target.field(checked, *id, &field.text) else {
        return None;
    };
    let position = checked
        .items
        .struct_info(*id)
        .fields
        .iter()
        .position(|known| known.name == field.text)?;
    Some(FieldCell {
        cell,
        compiled_offset: compiled_field_offset(position),
    })
}

/// Visits what a call `callee(args)` evaluates: of the callee only a receiver (method
/// syntax) when it names a function or a built-in, the whole callee when it is a function
/// value; then the arguments.
pub(crate) fn visit_call_operands<'ast, V: Visitor<'ast>>(
    visitor: &mut V,
    checked: &CheckedProgram,
    file: FileId,
    call: &'ast Expr,
    callee: &'ast Expr,
    args: &'ast [Expr],
) {
    match checked.results.call(file, call.span).map(|call| call.target) {
        Some(CallTarget::Function(_) | CallTarget::Builtin(_)) => {
            if let ExprKind::Field { object, .. } = &callee.kind {
                visitor.visit_expr(object);
            }
        }
        Some(CallTarget::Value) | None => visitor.visit_expr(callee),
    }
    args.iter().for_each(|arg| visitor.visit_expr(arg));
}
