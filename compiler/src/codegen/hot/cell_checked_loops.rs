//! Hot mode: innermost loops versioned on the checks of the cells kept in variables
//! (`cached_cells.rs`), so that those checks are made once per iteration, at the header.
//!
//! A kept field offset is tested for -1 (removed or retyped field), and a kept `let` for
//! its state, where each is first read on a straight-line path; in a loop that is at every
//! iteration, since the back edge merges paths. But a cell changes only at a call (a swap
//! happens inside one), and every call loads the kept cells again and sets one flag, in a
//! stack slot, saying whether every kept cell passes its check. So a loop whose body holds
//! no loop gets two copies: the first tests that flag at its header, after the poll, and
//! its body starts knowing every kept cell checked (`KnownChecks`), until its first call;
//! when the flag is clear it goes on at the same iteration in the second copy, the plain
//! loop, where each access checks its cell and raises its error where it is.

use cranelift_codegen::ir::{self, InstBuilder};

use crate::codegen::function::Translator;
use crate::codegen::hot::calls::holds_no_loop;
use crate::codegen::hot::loop_cells::cells_read_in_block;
use crate::syntax::ast;

impl Translator<'_, '_, '_> {
    /// Whether a loop with this body gets a copy that checks the kept cells at its header:
    /// it holds no loop (so copies do not nest) and reads a kept cell.
    pub(crate) fn versions_loop_on_cells(&self, body: &ast::Block) -> bool {
        let kept = &self.cached_cells;
        if kept.offsets.is_empty() && kept.lets.is_empty() || !holds_no_loop(body) || std::env::var("LANG_EXP_NOVERSION").is_ok() {
            return false;
        }
        cells_read_in_block(self.state.checked, self.state.target, self.file, body)
            .iter()
            .any(|cell| kept.holds(cell))
    }

    /// At the header of the copy whose kept cells are checked: goes on to the rest of the
    /// header if every kept cell passed its check at its last load, else to `checked_header`.
    pub(crate) fn leave_unless_cells_ready(&mut self, checked_header: ir::Block) {
        let ready = self.cached_cells_ready();
        let go_on = self.builder.create_block();
        self.builder.ins().brif(ready, go_on, &[], checked_header, &[]);
        self.builder.switch_to_block(go_on);
        self.builder.seal_block(go_on);
    }

    /// Records every kept cell as checked, with the value its variable holds: right after
    /// `leave_unless_cells_ready` on every path here, with no call in between.
    pub(crate) fn know_cached_cells(&mut self) {
        for (cell, variable) in self.cached_cells.offsets.clone() {
            let offset = self.builder.use_var(variable);
            self.known_checks().offsets.insert(cell as i64, offset);
        }
        for (id, ..) in self.cached_cells.lets.clone() {
            self.known_checks().variables.insert(id.0 as i64);
        }
    }
}
