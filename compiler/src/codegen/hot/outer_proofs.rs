//! Hot mode: bounds proofs of loops that hold loops (sieve's `for i in 2..=n` around its
//! stride loop). The proven copy of such a loop has safe points inside its body (the inner
//! loops' polls), where a swap may run `on_reload`, which may shrink an array the copy
//! indexes unchecked. Two rules keep the proof between safe points:
//!
//! - every poll in the body sets the copy's *leave flag* on its slow path, and the copy's
//!   header, after its own poll, goes on in the checked copy when the flag is set (the
//!   iteration the counter reached is kept, as after the header's own poll);
//! - the body's facts (`proven_indices`) are forgotten at the first loop or poll met in
//!   translation order, for the rest of the body: control flow in a body runs forward but
//!   for inner loops, whose whole translation comes after that point, so no access
//!   translated after it is reached before the next header without passing a safe point.
//!
//! Such a body calls no script function (`bounds::indexed_arrays` gets no callees), so it
//! has no other safe point and no direct same-version call to go stale.
//!
//! Only loops whose inner loops all sit under a condition are proven
//! ([`inner_loops_are_conditional`]): then many iterations run no inner loop and the outer
//! accesses are a large share of the work (sieve: the stride loop runs for primes only). When
//! every iteration runs an inner loop (nbody's `advance`), the outer access is a small share,
//! and the fourfold code of the inner loop (two copies in each outer copy) made its register
//! allocation worse: nbody ran 7% more instructions with its outer loops proven.

use cranelift_codegen::ir::{InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value, types};

use crate::codegen::function::Translator;
use crate::syntax::ast::{self, StatementKind};

impl Translator<'_, '_, '_> {
    /// A fresh leave flag, cleared: stored before the proven copy is entered. It lives in a
    /// stack slot, not in a variable: a variable would be live through the inner loops and
    /// take a register there (nbody's inner loop ran 9% more instructions), while the slot
    /// costs one load per iteration of the outer loop.
    pub(crate) fn new_leave_flag(&mut self) -> StackSlot {
        let flag = self
            .builder
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 1, 0));
        let clear = self.builder.ins().iconst(types::I8, 0);
        self.builder.ins().stack_store(types::I64, clear, flag, 0);
        flag
    }

    /// Whether a poll inside the body of the proven copy with this flag saw a swap.
    pub(crate) fn leave_flag_is_set(&mut self, flag: StackSlot) -> Value {
        self.builder.ins().stack_load(types::I64, types::I8, flag, 0)
    }

    /// At a loop statement or a poll inside the body of proven copies of outer loops: their
    /// facts no longer hold from here to the end of their bodies (module documentation).
    pub(crate) fn forget_outer_proofs(&mut self) {
        if let Some(first) = self.outer_proofs.iter().map(|proof| proof.first_fact).min() {
            self.proven_indices.truncate(first);
        }
    }

    /// On a poll's slow path: every enclosing proven copy of an outer loop must leave for its
    /// checked copy at its next header.
    pub(crate) fn set_leave_flags(&mut self) {
        if self.outer_proofs.is_empty() {
            return;
        }
        let set = self.builder.ins().iconst(types::I8, 1);
        for proof in self.outer_proofs.clone() {
            self.builder.ins().stack_store(types::I64, set, proof.leave_flag, 0);
        }
    }
}

/// Whether no loop is a statement of `body` itself: each inner loop is inside an `if`, an
/// `if let` or a `match` arm (module documentation).
pub(crate) fn inner_loops_are_conditional(body: &ast::Block) -> bool {
    !body.statements.iter().any(|statement| {
        matches!(
            statement.kind,
            StatementKind::While { .. } | StatementKind::ForRange { .. } | StatementKind::ForEach { .. }
        )
    })
}
