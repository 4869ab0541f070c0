//! Hot mode: which runtime-owned cells a function body reads inside its loops (struct field
//! offsets and module `let`s of plain types), the ones `cached_cells.rs` keeps in SSA
//! variables.

use crate::codegen::hot::field_cells::{struct_field_cell, visit_call_operands};
use crate::codegen::hot::fixed_cells::{FixedCell, MOST_FIXED_CELLS, fixed_layout_cells};
use crate::codegen::target::{ModuleVariable, Target};
use crate::sema::CheckedProgram;
use crate::sema::results::NameRef;
use crate::sema::types::{Type, VariableId};
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};
use crate::syntax::visit::{Visitor, walk_expr, walk_statement};

/// At most this many cells are kept per function: each takes a register across the loops
/// (particles' `main` with its four `let`s and four field offsets all kept ran slower than
/// with the four `let`s alone: the loop's own values went to stack slots), and each is loaded
/// again after every call.
pub(crate) const MOST_CELLS_KEPT: usize = 4;

/// A cell read inside a loop.
#[derive(Clone, PartialEq)]
pub(crate) enum LoopCell {
    /// The offset cell of a struct field.
    FieldOffset(u64),
    /// The cell of an immutable module variable (`let`) of type `int`, `float` or `bool`.
    Let { id: VariableId, cell: u64, ty: Type },
}

/// The cells read inside the loops of `body` (in `file`): `let`s, then field offsets, each
/// first read first, at most [`MOST_CELLS_KEPT`]; and the cells its fixed-layout loops read
/// at fixed offsets (`fixed_layout.rs`), at most [`MOST_FIXED_CELLS`]. Closures' bodies are functions of their own and are not walked.
pub(crate) fn cells_read_in_loops(
    checked: &CheckedProgram,
    target: Target<'_>,
    file: FileId,
    body: &ast::Block,
) -> (Vec<LoopCell>, Vec<FixedCell>) {
    let mut walker = Walker {
        checked,
        target,
        file,
        loop_depth: 0,
        fixed_layout_depth: 0,
        found: Vec::new(),
        fixed: Vec::new(),
    };
    walker.visit_block(body);
    // `let`s first: a read of one costs two loads and a test, a field's offset one load.
    let mut found = walker.found;
    found.sort_by_key(|cell| matches!(cell, LoopCell::FieldOffset(_)));
    found.truncate(MOST_CELLS_KEPT);
    let mut fixed = walker.fixed;
    fixed.truncate(MOST_FIXED_CELLS);
    (found, fixed)
}

struct Walker<'a, 't> {
    checked: &'a CheckedProgram,
    target: Target<'t>,
    file: FileId,
    /// How many loops enclose the code being walked.
    loop_depth: usize,
    /// How many of them are fixed-layout loops (`fixed_layout.rs`), whose first copy reads
    /// fields at fixed offsets: their field offsets are not kept (the registers go to the
    /// copy's own values).
    fixed_layout_depth: usize,
    found: Vec<LoopCell>,
    /// The cells the fixed-layout loops read at fixed offsets.
    fixed: Vec<FixedCell>,
}

impl Walker<'_, '_> {
    fn note(&mut self, cell: LoopCell) {
        if self.loop_depth > 0 && !self.found.contains(&cell) {
            self.found.push(cell);
        }
    }

    fn in_loop(&mut self, walk: impl FnOnce(&mut Self)) {
        self.loop_depth += 1;
        walk(self);
        self.loop_depth -= 1;
    }

    /// Walks the body of a `for` loop (over an array, if `each`).
    fn for_body(&mut self, body: &ast::Block, iterable: Option<&Expr>) {
        let over_array = iterable.is_none_or(|iterable| {
            matches!(
                self.checked.results.expr_type(self.file, iterable.span),
                Some(Type::Array(_))
            )
        });
        let cells = match over_array {
            true => fixed_layout_cells(self.checked, self.target, self.file, body),
            false => Vec::new(),
        };
        let fixed = !cells.is_empty();
        for cell in cells {
            if !self.fixed.contains(&cell) {
                self.fixed.push(cell);
            }
        }
        self.fixed_layout_depth += usize::from(fixed);
        self.in_loop(|walker| walker.visit_block(body));
        self.fixed_layout_depth -= usize::from(fixed);
    }

    /// `object.field`: a struct field, or a module's `let` (`m.X`).
    fn field(&mut self, object: &Expr, field: &ast::Name) {
        match self.checked.results.name(self.file, field.span) {
            Some(NameRef::Variable(_)) => return self.visit_name(field),
            Some(NameRef::Function(_)) => return,
            _ => {}
        }
        self.visit_expr(object);
        if self.fixed_layout_depth == 0
            && let Some(read) = struct_field_cell(self.checked, self.target, self.file, object, field)
        {
            self.note(LoopCell::FieldOffset(read.cell));
        }
    }
}

impl<'ast> Visitor<'ast> for Walker<'_, '_> {
    fn visit_statement(&mut self, statement: &'ast ast::Statement) {
        match &statement.kind {
            // A `while`'s condition runs on each iteration: it is inside the loop.
            StatementKind::While { condition, body } => self.in_loop(|walker| {
                walker.visit_expr(condition);
                walker.visit_block(body);
            }),
            StatementKind::ForRange { start, end, body, .. } => {
                self.visit_expr(start);
                self.visit_expr(end);
                self.for_body(body, None);
            }
            StatementKind::ForEach { iterable, body, .. } => {
                self.visit_expr(iterable);
                self.for_body(body, Some(iterable));
            }
            _ => walk_statement(self, statement),
        }
    }

    /// A name that may be a module `let`.
    fn visit_name(&mut self, name: &'ast ast::Name) {
        let Some(NameRef::Variable(id)) = self.checked.results.name(self.file, name.span) else {
            return;
        };
        let info = self.checked.items.variable(id);
        let Some(ty @ (Type::Int | Type::Float | Type::Bool)) = info.ty.clone() else {
            return;
        };
        if info.mutable {
            return;
        }
        if let ModuleVariable::Cell(cell) = self.target.module_variable(self.checked, id) {
            self.note(LoopCell::Let { id, cell, ty });
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        match &expr.kind {
            ExprKind::Call { callee, args } => {
                let (checked, file) = (self.checked, self.file);
                visit_call_operands(self, checked, file, expr, callee, args);
            }
            ExprKind::Field { object, field } => self.field(object, field),
            _ => walk_expr(self, expr),
        }
    }

    /// A closure's body is translated as a function of its own.
    fn visit_function_expr(&mut self, _function: &'ast ast::FunctionExpr) {}
}
