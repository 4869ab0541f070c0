//! Hot mode: small loop bodies emitted twice per safe point.
//!
//! Hot code polls at every loop header: a load of the interrupt flag, a test and a branch.
//! In a tight loop that is most of the work besides the loop's own (sieve's stride loop
//! `while j <= n { flags[j] = false; j += i }` ran ten instructions per iteration under
//! `--hmr` against six in release builds). A `while` loop whose body is small, holds no loop
//! and calls no script function (nor a function value, nor anything that builds a struct)
//! runs each iteration in a bounded time without reaching a safe point, so polling every
//! second iteration changes nothing a program can observe: a reload or a Ctrl-C arriving
//! during an iteration is taken one iteration later, as if it had come that much later. The
//! loop is emitted as header (poll, test), body, test, body, back to the header.

use crate::sema::CheckedProgram;
use crate::sema::results::CallTarget;
use crate::source::FileId;
use crate::syntax::ast::{self, Expr, ExprKind, StatementKind};
use crate::syntax::visit::{Visitor, walk_expr, walk_statement};

/// The most expression and statement nodes a body emitted twice may have: the loops this pays
/// for are a handful of operations, and a larger body gains little from one poll less.
const LARGEST_UNROLLED_BODY: usize = 40;

/// Whether the body of a `while` loop (in `file`) is emitted twice per poll (see the module
/// documentation).
pub(crate) fn unrolls_twice(checked: &CheckedProgram, file: FileId, body: &ast::Block) -> bool {
    let mut walker = Walker {
        checked,
        file,
        nodes: 0,
        fits: true,
    };
    walker.visit_block(body);
    walker.fits && walker.nodes <= LARGEST_UNROLLED_BODY
}

struct Walker<'a> {
    checked: &'a CheckedProgram,
    file: FileId,
    nodes: usize,
    fits: bool,
}

impl<'ast> Visitor<'ast> for Walker<'_> {
    fn visit_statement(&mut self, statement: &'ast ast::Statement) {
        self.nodes += 1;
        match &statement.kind {
            StatementKind::Let { .. }
            | StatementKind::Assign { .. }
            | StatementKind::Expr(_)
            | StatementKind::If { .. }
            | StatementKind::Break
            | StatementKind::Continue => walk_statement(self, statement),
            // Loops (unbounded time), and the forms kept simple: patterns, `match`, `return`.
            _ => self.fits = false,
        }
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        self.nodes += 1;
        if self.nodes > LARGEST_UNROLLED_BODY || !self.fits {
            self.fits = false;
            return;
        }
        match &expr.kind {
            ExprKind::Call { .. } => match self.checked.results.call(self.file, expr.span).map(|call| call.target) {
                // A built-in (`len`, `sqrt`, `min`) runs no script code unless it calls a
                // function value.
                Some(CallTarget::Builtin(builtin)) if !builtin.calls_function_values() => walk_expr(self, expr),
                _ => self.fits = false,
            },
            // Struct literals run field defaults; a function expression is a function of its
            // own, translated once; collection literals and interpolation allocate.
            ExprKind::StructLiteral(_)
            | ExprKind::Function(_)
            | ExprKind::Array(_)
            | ExprKind::Map(_)
            | ExprKind::Interpolated(_)
            | ExprKind::Match(_)
            | ExprKind::Error => self.fits = false,
            _ => walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::unrolls_twice;
    use crate::sema::check_program;
    use crate::source::InMemoryFiles as Files;
    use crate::syntax::ast::{Item, StatementKind};

    /// Whether the body of the first `while` loop of function `f` in `program` is unrolled.
    fn unrolled(program: &'static str) -> bool {
        let mut loader = Files([("main.ln", program)].into_iter().collect());
        let checked = check_program(Path::new("main.ln"), &mut loader).expect("the program loads");
        assert!(!checked.has_errors(), "{:?}", checked.diagnostics);
        let module = &checked.program.modules[0];
        let body = module
            .ast
            .items
            .iter()
            .find_map(|item| match item {
                Item::Function(function) if function.name.text == "f" => Some(&function.body),
                _ => None,
            })
            .expect("f exists");
        let loop_body = body
            .statements
            .iter()
            .find_map(|statement| match &statement.kind {
                StatementKind::While { body, .. } => Some(body),
                _ => None,
            })
            .expect("f has a while loop");
        unrolls_twice(&checked, module.file, loop_body)
    }

    const MAIN: &str = "fn main() { f([1, 2]) }\n";

    #[test]
    fn small_bodies_without_calls_are_unrolled() {
        let program = "fn f(xs: [int]) { var i = 0\n while i < len(xs) { xs[i] = xs[i] * 2\n i += 1 } }\n";
        assert!(unrolled(Box::leak(format!("{program}{MAIN}").into_boxed_str())));
        let branches = "fn f(xs: [int]) { var i = 0\n while i < 9 { if i == 3 { break }\n i += 1 } }\n";
        assert!(unrolled(Box::leak(format!("{branches}{MAIN}").into_boxed_str())));
    }

    #[test]
    fn bodies_that_call_loop_or_grow_are_not() {
        let calls = "fn g(x: int) -> int { return x }\n\
                     fn f(xs: [int]) { var i = 0\n while i < 2 { i = g(i) + 1 } }\n";
        assert!(!unrolled(Box::leak(format!("{calls}{MAIN}").into_boxed_str())));
        let nested = "fn f(xs: [int]) { var i = 0\n while i < 2 { for x in xs { i += x } } }\n";
        assert!(!unrolled(Box::leak(format!("{nested}{MAIN}").into_boxed_str())));
        let closure = "fn f(xs: [int]) { var i = 0\n while i < 2 { i += xs.map(fn(x) => x)[0] } }\n";
        assert!(!unrolled(Box::leak(format!("{closure}{MAIN}").into_boxed_str())));
        let long = "fn f(xs: [int]) { var i = 0\n while i < 2 { i += 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20 } }\n";
        assert!(!unrolled(Box::leak(format!("{long}{MAIN}").into_boxed_str())));
    }
}
