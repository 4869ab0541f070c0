//! Bounds-check elimination: which element accesses of a `for` loop are proven in range.
//!
//! The one fact proven is: in `for i in K..len(xs) { BODY }` (exclusive, `K` a non-negative
//! `int` literal, `xs` a plain local), `xs[i]` is in range for the whole body when nothing in
//! the body can change `xs`'s binding or any array's length. The loop's end is evaluated once,
//! so `K <= i < len(xs)` holds at entry to each iteration while `xs` is the same object of
//! the same length. The body must therefore not assign `xs` or `i` (a shadowing `let` is a
//! new local, which the translator tells apart) and must not call anything that could reach
//! an array's length: the array object may be aliased (another local, a field, a module
//! variable, a closure's capture), so the rule is that the body calls no script function but
//! those that cannot fail (numbers only, in `lang run` and release builds), no function
//! value, no built-in outside a short list of pure ones (`len`, math, `str`, `print`, ...),
//! builds no struct (defaults are script code) and makes no closure. The
//! proof is local to one function body and never crosses a call. Under hot reload a swap at
//! a loop's poll runs new initializers and `on_reload`, script code that may shrink an
//! aliased array (`Target::index_proofs`): there only innermost loops are proven, always by
//! versioning, and the proven copy goes on in the checked copy after its poll's slow path
//! ran, so a proof holds only between two safe points (`LoopCopy::leave_to`); a versioned
//! body there may call only leaves without safe points (`hot/calls.rs`), whose slots the
//! versioning condition compares with this version's code.

use cranelift_codegen::ir::{self, Value};
use cranelift_frontend::Variable;

use crate::sema::CheckedProgram;
use crate::sema::builtins::Builtin;
use crate::sema::results::{CallTarget, NameRef};
use crate::sema::types::FunctionId;
use crate::source::{FileId, Span};
use crate::syntax::ast::strip_parens;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};

/// Whether an element access compares its index with the array's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BoundsCheck {
    /// The index is compared (unsigned) with the length; outside is a runtime error.
    Checked,
    /// The index is proven in range (see the module documentation): no comparison, and the
    /// element is addressed from the array's data pointer loaded before the loop.
    Proven { data: Value },
}

/// A fact of an enclosing loop: `array[index]` is in range in its body. The array's data
/// pointer, loaded once before the loop, stays valid through the body: only a change of
/// length (push, insert, extend) moves an array's elements, and a proven body makes none
/// (the heap never moves objects).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ProvenIndex {
    pub(crate) array: Variable,
    pub(crate) index: Variable,
    pub(crate) data: Value,
}

/// One emitted copy of a loop (a versioned loop has two): its span, its header block, and
/// for the proven copy under hot reload the header of the checked copy to go on in after a
/// safe point.
#[derive(Clone, Copy)]
pub(crate) struct LoopCopy {
    pub(crate) span: Span,
    pub(crate) header: ir::Block,
    pub(crate) leave_to: Option<ir::Block>,
}

impl LoopCopy {
    pub(crate) fn at(span: Span, header: ir::Block, leave_to: Option<ir::Block>) -> Self {
        LoopCopy { span, header, leave_to }
    }
}

/// For `for VARIABLE in START..END { BODY }`: the name of the local array `xs` when `END` is
/// `len(xs)` and every `xs[VARIABLE]` of the body is proven in range (module documentation).
pub(crate) fn length_bounded_array<'e>(
    checked: &CheckedProgram,
    cannot_fail: &[bool],
    file: FileId,
    variable: &ast::Name,
    start: &Expr,
    end: &'e Expr,
    inclusive: bool,
    body: &ast::Block,
) -> Option<&'e ast::Name> {
    if inclusive || !matches!(strip_parens(start).kind, ExprKind::Int(value) if value >= 0) {
        return None;
    }
    let ExprKind::Call { callee, args } = &strip_parens(end).kind else {
        return None;
    };
    let is_len = checked
        .results
        .call(file, strip_parens(end).span)
        .map(|call| call.target)
        == Some(CallTarget::Builtin(Builtin::Len));
    if !is_len || !matches!(callee.kind, ExprKind::Name(_)) {
        return None;
    }
    let [argument] = args.as_slice() else {
        return None;
    };
    let ExprKind::Name(array) = &strip_parens(argument).kind else {
        return None;
    };
    // A module variable is read again at each access and may be rebound by a swap.
    if !matches!(checked.results.name(file, array.span), Some(NameRef::Local) | None) {
        return None;
    }
    let mut walker = LengthKeeping::new(checked, cannot_fail, file, &variable.text);
    walker.arrays.push(&array.text);
    walker.block(body).then_some(array)
}

/// For `for VARIABLE in START..END { BODY }` (or `..=`) whose end is not a `len`: the names
/// of the arrays `xs` the body indexes as `xs[VARIABLE]`, when the body changes no array's
/// length (as for [`length_bounded_array`]) and holds no loop but innermost ones. The
/// translator then emits the loop twice, choosing at entry: without the checks of those
/// accesses when `START >= 0` and `END <= len(xs)` (`END < len(xs)` for `..=`) for each,
/// with them otherwise (loop versioning; an inner loop may be versioned again, so code
/// grows at most fourfold). `inner_loops` is `Innermost` in whole programs and `None` under
/// hot reload, where the proven copy's header must be its only safe point. Also returns the
/// script functions the body calls (all of them in `cannot_fail`).
pub(crate) fn indexed_arrays<'e>(
    checked: &CheckedProgram,
    cannot_fail: &[bool],
    file: FileId,
    variable: &ast::Name,
    body: &'e ast::Block,
    inner_loops: InnerLoops,
) -> (Vec<&'e ast::Name>, Vec<FunctionId>) {
    let mut indexed = IndexedBy {
        index: &variable.text,
        arrays: Vec::new(),
    };
    indexed.block(body);
    if indexed.arrays.is_empty() {
        return (indexed.arrays, Vec::new());
    }
    let mut walker = LengthKeeping::new(checked, cannot_fail, file, &variable.text);
    walker.arrays = indexed.arrays.iter().map(|name| name.text.as_str()).collect();
    // The loop is emitted twice and an inner loop may be too (it is versioned on its own):
    // one level of inner loops keeps that at four copies of the innermost body.
    walker.inner_loops = inner_loops;
    if walker.block(body) {
        (indexed.arrays, walker.callees.take())
    } else {
        (Vec::new(), Vec::new())
    }
}

/// Collects the names `xs` of the accesses `xs[index]` (one each).
pub(crate) struct IndexedBy<'n, 'e> {
    pub(crate) index: &'n str,
    pub(crate) arrays: Vec<&'e ast::Name>,
}

impl<'e> IndexedBy<'_, 'e> {
    pub(crate) fn block(&mut self, block: &'e ast::Block) {
        for statement in &block.statements {
            self.statement(statement);
        }
    }

    pub(crate) fn statement(&mut self, statement: &'e ast::Statement) {
        {
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
                StatementKind::Return(Some(value)) => self.expr(value),
                // Anything else either holds no access worth versioning for or is refused
                // by `LengthKeeping` (loops, `match`, `let ... else`).
                _ => {}
            }
        }
    }

    fn else_branch(&mut self, else_branch: &'e Option<ast::ElseBranch>) {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => self.block_of_one(statement),
            None => {}
        }
    }

    fn block_of_one(&mut self, statement: &'e ast::Statement) {
        if let StatementKind::If {
            condition,
            then_block,
            else_branch,
        } = &statement.kind
        {
            self.expr(condition);
            self.block(then_block);
            self.else_branch(else_branch);
        }
    }

    fn expr(&mut self, expr: &'e Expr) {
        match &expr.kind {
            ExprKind::Index { object, index } => {
                if let (ExprKind::Name(array), ExprKind::Name(index_name)) = (&object.kind, &index.kind)
                    && index_name.text == self.index
                {
                    if !self.arrays.iter().any(|known| known.text == array.text) {
                        self.arrays.push(array);
                    }
                } else {
                    self.expr(object);
                    self.expr(index);
                }
            }
            ExprKind::Interpolated(parts) => {
                for part in parts {
                    if let ast::StringPart::Expr(inner) = part {
                        self.expr(inner);
                    }
                }
            }
            ExprKind::Array(items) => items.iter().for_each(|item| self.expr(item)),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Call { callee, args } => {
                self.expr(callee);
                args.iter().for_each(|arg| self.expr(arg));
            }
            ExprKind::Field { object, .. } => self.expr(object),
            ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => self.expr(inner),
            _ => {}
        }
    }
}

/// The built-ins that cannot change an array's length nor run script code.
fn keeps_lengths(builtin: Builtin) -> bool {
    use Builtin::*;
    matches!(
        builtin,
        Print
            | Write
            | Str
            | Int
            | Float
            | Len
            | Has
            | Fixed
            | Sqrt
            | Sin
            | Cos
            | Tan
            | Atan2
            | Exp
            | Log
            | Pow
            | Floor
            | Ceil
            | Abs
            | Min
            | Max
            | Clock
            | Random
            | Assert
            | ArrayContains
            | ArrayIndexOf
            | MapGet
    )
}

/// Which loops a body checked by [`LengthKeeping`] may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum InnerLoops {
    Any,
    /// Only loops that hold no loop.
    Innermost,
    None,
}

/// Whether a loop body keeps every array's length and the bindings of `arrays` and `index`
/// (and holds only the loops `inner_loops` allows).
#[derive(Clone)]
pub(crate) struct LengthKeeping<'c, 'n> {
    checked: &'c CheckedProgram,
    /// Per function: whether it provably cannot fail (`calls_infallible`). Such a function
    /// computes with numbers only, so a call of it can reach no array.
    cannot_fail: &'c [bool],
    file: FileId,
    /// Names no statement may assign (the arrays, the index, a counter loop's steps).
    pub(crate) arrays: Vec<&'n str>,
    index: &'n str,
    pub(crate) inner_loops: InnerLoops,
    /// The script functions the body calls, each once (shared by the walkers of inner loops).
    callees: std::rc::Rc<std::cell::RefCell<Vec<FunctionId>>>,
}

impl<'c, 'n> LengthKeeping<'c, 'n> {
    pub(crate) fn new(checked: &'c CheckedProgram, cannot_fail: &'c [bool], file: FileId, index: &'n str) -> Self {
        LengthKeeping {
            checked,
            cannot_fail,
            file,
            arrays: Vec::new(),
            index,
            inner_loops: InnerLoops::Any,
            callees: Default::default(),
        }
    }

    fn block(&self, block: &ast::Block) -> bool {
        block.statements.iter().all(|statement| self.statement(statement))
    }

    pub(crate) fn statement(&self, statement: &ast::Statement) -> bool {
        match &statement.kind {
            StatementKind::Let { init, .. } => self.expr(init),
            StatementKind::Assign { target, value, .. } => {
                // Any assignment to a name spelled like the array or the index counts, even
                // one to a shadowing local: simpler, and never wrong.
                let rebinds = matches!(&strip_parens(target).kind,
                    ExprKind::Name(name) if name.text == self.index || self.arrays.contains(&name.text.as_str()));
                !rebinds && self.expr(target) && self.expr(value)
            }
            StatementKind::Expr(expr) => self.expr(expr),
            StatementKind::If {
                condition,
                then_block,
                else_branch,
            } => self.expr(condition) && self.block(then_block) && self.else_branch(else_branch),
            StatementKind::IfLet {
                value,
                then_block,
                else_branch,
                ..
            } => self.expr(value) && self.block(then_block) && self.else_branch(else_branch),
            StatementKind::LetElse { value, else_block, .. } => {
                self.expr(value) && else_block.as_ref().is_none_or(|block| self.block(block))
            }
            StatementKind::Match(match_statement) => self.match_arms(match_statement),
            StatementKind::While { condition, body } => self.expr(condition) && self.loop_body(body),
            StatementKind::ForRange { start, end, body, .. } => {
                self.expr(start) && self.expr(end) && self.loop_body(body)
            }
            StatementKind::ForEach { iterable, body, .. } => self.expr(iterable) && self.loop_body(body),
            StatementKind::Return(Some(value)) => self.expr(value),
            StatementKind::Return(None) | StatementKind::Break | StatementKind::Continue => true,
            StatementKind::Error => false,
        }
    }

    /// The body of an inner loop, when `inner_loops` allows one here.
    fn loop_body(&self, body: &ast::Block) -> bool {
        match self.inner_loops {
            InnerLoops::Any => self.block(body),
            InnerLoops::Innermost => {
                let mut inner = self.clone();
                inner.inner_loops = InnerLoops::None;
                inner.block(body)
            }
            InnerLoops::None => false,
        }
    }

    fn else_branch(&self, else_branch: &Option<ast::ElseBranch>) -> bool {
        match else_branch {
            Some(ast::ElseBranch::Block(block)) => self.block(block),
            Some(ast::ElseBranch::If(statement)) => self.statement(statement),
            None => true,
        }
    }

    fn expr(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::Nil
            | ExprKind::Str(_)
            | ExprKind::Name(_)
            | ExprKind::ImplicitMember(_) => true,
            ExprKind::Interpolated(parts) => parts.iter().all(|part| match part {
                ast::StringPart::Expr(inner) => self.expr(inner),
                _ => true,
            }),
            ExprKind::Array(items) => items.iter().all(|item| self.expr(item)),
            ExprKind::Map(entries) => entries.iter().all(|(key, value)| self.expr(key) && self.expr(value)),
            // Field defaults are script code.
            ExprKind::StructLiteral(_) => false,
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => self.expr(lhs) && self.expr(rhs),
            ExprKind::Call { callee, args } => {
                let pure = match self.checked.results.call(self.file, expr.span).map(|call| call.target) {
                    Some(CallTarget::Builtin(builtin)) => keeps_lengths(builtin),
                    Some(CallTarget::Function(id)) => {
                        let mut callees = self.callees.borrow_mut();
                        if !callees.contains(&id) {
                            callees.push(id);
                        }
                        self.cannot_fail.get(id.0 as usize).copied().unwrap_or(false)
                    }
                    _ => false,
                };
                let receiver = match &callee.kind {
                    ExprKind::Field { object, .. } => self.expr(object),
                    _ => true,
                };
                pure && receiver && args.iter().all(|arg| self.expr(arg))
            }
            ExprKind::Field { object, .. } => self.expr(object),
            ExprKind::Index { object, index } => self.expr(object) && self.expr(index),
            ExprKind::Unwrap(inner) | ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Match(match_expr) => self.match_arms(match_expr),
            ExprKind::If(if_expr) => {
                let condition = match &if_expr.condition {
                    ast::IfCondition::Bool(condition) => self.expr(condition),
                    ast::IfCondition::Let { value, .. } => self.expr(value),
                };
                condition && self.expr(&if_expr.then_value) && self.expr(&if_expr.else_value)
            }
            // Making a closure runs nothing, but keep the rule simple: no closures.
            ExprKind::Function(_) | ExprKind::Error => false,
        }
    }

    fn match_arms(&self, match_expr: &ast::Match) -> bool {
        self.expr(&match_expr.scrutinee)
            && match_expr.arms.iter().all(|arm| {
                arm.guard.as_ref().is_none_or(|guard| self.expr(guard))
                    && match &arm.body {
                        ast::ArmBody::Block(block) => self.block(block),
                        ast::ArmBody::Value(value) => self.expr(value),
                    }
            })
    }
}
