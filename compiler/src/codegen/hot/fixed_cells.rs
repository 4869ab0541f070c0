//! Hot mode: which loops are fixed-layout loops (`fixed_layout.rs`), and the field offset
//! cells the first copy of each reads at the offsets compiled.

use crate::codegen::hot::field_cells::{struct_field_cell, visit_call_operands};
use crate::codegen::target::{CellReads, Target};
use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};
use crate::syntax::visit::{Visitor, walk_expr};

/// The most syntax nodes a body emitted twice may have: each copy costs compile time, and a
/// large body gains less from tests it no longer makes.
const LARGEST_FIXED_LAYOUT_BODY: usize = 300;

/// The most cells a function's fixed-layout loops read at fixed offsets: each is loaded and
/// compared at a loop's entry (unless already since the last call) and after each call in
/// the first copy. Fields beyond these are read through their cells.
pub(crate) const MOST_FIXED_CELLS: usize = 12;

/// A field offset cell read at a fixed offset in the first copy of a loop.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct FixedCell {
    pub(crate) cell: u64,
    /// The offset the cell holds in the layout compiled.
    pub(crate) offset: i64,
}

/// The translator's state inside the first copy of a fixed-layout loop.
#[derive(Clone)]
pub(crate) struct FixedLayout {
    pub(crate) cells: Vec<FixedCell>,
    /// No call since the header's poll on the way here: the cells hold the offsets compiled,
    /// and the `let`s kept in variables are initialized.
    pub(crate) holds: bool,
}

/// The cells the first copy of the loop with `body` (in `file`) reads at fixed offsets;
/// empty when the loop is emitted once (see the module documentation).
pub(crate) fn fixed_layout_cells(
    checked: &CheckedProgram,
    target: Target<'_>,
    file: FileId,
    body: &ast::Block,
) -> Vec<FixedCell> {
    if target.cell_reads() != CellReads::BetweenSafePoints {
        return Vec::new();
    }
    let mut walker = Walker {
        checked,
        target,
        file,
        nodes: 0,
        fits: true,
        called: false,
        cells: Vec::new(),
    };
    walker.visit_block(body);
    if !walker.fits || walker.nodes > LARGEST_FIXED_LAYOUT_BODY {
        return Vec::new();
    }
    walker.cells.truncate(MOST_FIXED_CELLS);
    walker.cells
}

struct Walker<'a, 't> {
    checked: &'a CheckedProgram,
    target: Target<'t>,
    file: FileId,
    nodes: usize,
    fits: bool,
    /// Whether the walk (in evaluation order) has passed something that may call: the
    /// translator reads the fields after it through their cells.
    called: bool,
    cells: Vec<FixedCell>,
}

impl Walker<'_, '_> {
    /// `object.field`: a struct field (or a module's `let`, `m.X`, or function).
    fn field(&mut self, object: &Expr, field: &ast::Name) {
        if matches!(
            self.checked.results.name(self.file, field.span),
            Some(NameRef::Variable(_) | NameRef::Function(_))
        ) {
            return;
        }
        self.visit_expr(object);
        if self.called {
            return;
        }
        let Some(read) = struct_field_cell(self.checked, self.target, self.file, object, field) else {
            return;
        };
        let fixed = FixedCell {
            cell: read.cell,
            offset: read.compiled_offset,
        };
        if !self.cells.contains(&fixed) {
            self.cells.push(fixed);
        }
    }
}

impl<'ast> Visitor<'ast> for Walker<'_, '_> {
    fn visit_statement(&mut self, statement: &'ast ast::Statement) {
        self.nodes += 1;
        match &statement.kind {
            // An inner loop has a safe point of its own.
            StatementKind::While { .. } | StatementKind::ForRange { .. } | StatementKind::ForEach { .. } => {
                self.fits = false
            }
            _ => crate::syntax::visit::walk_statement(self, statement),
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        self.nodes += 1;
        if !self.fits || self.nodes > LARGEST_FIXED_LAYOUT_BODY {
            self.fits = false;
            return;
        }
        match &expr.kind {
            ExprKind::Field { object, field } => self.field(object, field),
            ExprKind::Call { callee, args } => {
                let (checked, file) = (self.checked, self.file);
                visit_call_operands(self, checked, file, expr, callee, args);
                // Arithmetic built-ins are emitted inline, the others call the runtime.
                if !matches!(
                    self.checked.results.call(self.file, expr.span).map(|call| call.target),
                    Some(CallTarget::Builtin(
                        Builtin::Len
                            | Builtin::Sqrt
                            | Builtin::Abs
                            | Builtin::Min
                            | Builtin::Max
                            | Builtin::Float
                            | Builtin::Floor
                            | Builtin::Ceil
                    ))
                ) {
                    self.called = true;
                }
            }
            // These allocate through the runtime.
            ExprKind::StructLiteral(_) | ExprKind::Array(_) | ExprKind::Map(_) | ExprKind::Interpolated(_) => {
                walk_expr(self, expr);
                self.called = true;
            }
            _ => walk_expr(self, expr),
        }
    }

    /// A closure's body is a function of its own, translated once: not in a copied body.
    fn visit_function_expr(&mut self, _function: &'ast ast::FunctionExpr) {
        self.fits = false;
    }
}
