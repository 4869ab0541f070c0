//! Hot mode: which runtime-owned cells a function body reads inside its loops (struct field
//! offsets and module `let`s of plain types), the ones `cached_cells.rs` keeps in SSA
//! variables.

use crate::codegen::target::{FieldAccess, ModuleVariable, Target};
use crate::sema::CheckedProgram;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::{Type, VariableId};
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};

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
/// first read first, at most [`MOST_CELLS_KEPT`]. Closures' bodies are functions of their own and are not walked.
pub(crate) fn cells_read_in_loops(
    checked: &CheckedProgram,
    target: Target<'_>,
    file: FileId,
    body: &ast::Block,
) -> Vec<LoopCell> {
    let mut walker = Walker {
        checked,
        target,
        file,
        loop_depth: 0,
        found: Vec::new(),
    };
    walker.block(body);
    // `let`s first: a read of one costs two loads and a test, a field's offset one load.
    let mut found = walker.found;
    found.sort_by_key(|cell| matches!(cell, LoopCell::FieldOffset(_)));
    found.truncate(MOST_CELLS_KEPT);
    found
}

struct Walker<'a, 't> {
    checked: &'a CheckedProgram,
    target: Target<'t>,
    file: FileId,
    /// How many loops enclose the code being walked.
    loop_depth: usize,
    found: Vec<LoopCell>,
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

    fn block(&mut self, block: &ast::Block) {
        for statement in &block.statements {
            self.statement(statement);
        }
    }

    fn statement(&mut self, statement: &ast::Statement) {
        match &statement.kind {
            StatementKind::Let { init, .. } => self.expr(init),
            StatementKind::Assign { target, value, .. } => {
                self.expr(target);
                self.expr(value);
            }
            StatementKind::Expr(expr) => self.expr(expr),
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => {
                self.expr(condition);
                self.block(then_block);
                self.else_branch(else_branch);
            }
            StatementKind::IfLet {
                value,
                then_block,
                else_branch,
                ..
            } => {
                self.expr(value);
                self.block(then_block);
                self.else_branch(else_branch);
            }
            StatementKind::While { condition, body } => self.in_loop(|walker| {
                walker.expr(condition);
                walker.block(body);
            }),
            StatementKind::ForRange { start, end, body, .. } => {
                self.expr(start);
                self.expr(end);
                self.in_loop(|walker| walker.block(body));
            }
            StatementKind::ForEach { iterable, body, .. } => {
                self.expr(iterable);
                self.in_loop(|walker| walker.block(body));
            }
            StatementKind::LetElse { value, else_block, .. } => {
                self.expr(value);
                if let Some(block) = else_block {
                    self.block(block);
                }
            }
            StatementKind::Match(match_statement) => self.match_arms(match_statement),
            StatementKind::Return(Some(value)) => self.expr(value),
            StatementKind::Return(None) | StatementKind::Break | StatementKind::Continue | StatementKind::Error => {}
        }
    }

    fn else_branch(&mut self, else_branch: &Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => self.statement(statement),
            None => {}
        }
    }

    /// A name that may be a module `let`.
    fn name(&mut self, name: &ast::Name) {
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

    /// `object.field`: a struct field, or a module's `let` (`m.X`).
    fn field(&mut self, object: &Expr, field: &ast::Name) {
        match self.checked.results.name(self.file, field.span) {
            Some(NameRef::Variable(_)) => return self.name(field),
            Some(NameRef::Function(_)) => return,
            _ => {}
        }
        self.expr(object);
        if let Some(Type::Struct(id)) = self.checked.results.expr_type(self.file, object.span)
            && let FieldAccess::OffsetCell(cell) = self.target.field(self.checked, *id, &field.text)
        {
            self.note(LoopCell::FieldOffset(cell));
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Nil | ExprKind::Str(_) => {}
            ExprKind::Error | ExprKind::ImplicitMember(_) => {}
            // A closure's body is translated as a function of its own.
            ExprKind::Function(_) => {}
            ExprKind::Interpolated(parts) => {
                for part in parts {
                    if let ast::StringPart::Expr(inner) = part {
                        self.expr(inner);
                    }
                }
            }
            ExprKind::Name(name) => self.name(name),
            ExprKind::Array(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Map(entries) => {
                for (key, value) in entries {
                    self.expr(key);
                    self.expr(value);
                }
            }
            ExprKind::StructLiteral(literal) => literal.fields.iter().for_each(|field| self.expr(&field.value)),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Call { callee, args } => {
                match self.checked.results.call(self.file, expr.span).map(|call| call.target) {
                    Some(CallTarget::Function(_) | CallTarget::Builtin(_)) => {
                        // Only a receiver (method syntax) is evaluated of the callee.
                        if let ExprKind::Field { object, .. } = &callee.kind {
                            self.expr(object);
                        }
                    }
                    Some(CallTarget::Value) | None => self.expr(callee),
                }
                args.iter().for_each(|arg| self.expr(arg));
            }
            ExprKind::Field { object, field } => self.field(object, field),
            ExprKind::Index { object, index } => {
                self.expr(object);
                self.expr(index);
            }
            ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Match(match_expr) => self.match_arms(match_expr),
            ExprKind::If(if_expr) => {
                match &if_expr.condition {
                    ast::IfCondition::Bool(condition) => self.expr(condition),
                    ast::IfCondition::Let { value, .. } => self.expr(value),
                }
                self.expr(&if_expr.then_value);
                self.expr(&if_expr.else_value);
            }
        }
    }

    fn match_arms(&mut self, match_expr: &ast::Match) {
        self.expr(&match_expr.scrutinee);
        for arm in &match_expr.arms {
            if let Some(guard) = &arm.guard {
                self.expr(guard);
            }
            match &arm.body {
                ast::ArmBody::Block(block) => self.block(block),
                ast::ArmBody::Value(value) => self.expr(value),
            }
        }
    }
}
