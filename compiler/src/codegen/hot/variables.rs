//! Module variables under hot reload: the state check of a variable's cell, and reads of
//! `let`s kept in variables (`cached_cells.rs`).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::Region;
use crate::codegen::runtime_abi::{RAISE_UNINITIALIZED, RAISE_VARIABLE_GONE};
use crate::sema::types::VariableId;
use crate::source::Span;

impl Translator<'_, '_, '_> {
    /// Checks the state word of the cell at `address` of variable `id` (unless already known
    /// on the way here): a variable not yet initialized, or removed or retyped by a reload,
    /// is a runtime error at `span`.
    pub(crate) fn check_variable_cell_state(
        &mut self,
        id: VariableId,
        name: &str,
        cells: MemFlagsData,
        address: Value,
        span: Span,
    ) {
        if !self.known_checks().variables.contains(&(id.0 as i64)) {
            // 1 is initialized; 0 not yet, 2 removed or retyped by a reload.
            let state = self.builder.ins().load(types::I64, cells, address, 8);
            let bad = self.builder.ins().icmp_imm_s(IntCC::NotEqual, state, 1);
            let removed = self.builder.ins().icmp_imm_s(IntCC::Equal, state, 2);
            let gone = self.iconst(RAISE_VARIABLE_GONE);
            let uninitialized = self.iconst(RAISE_UNINITIALIZED);
            let kind = self.builder.ins().select(removed, gone, uninitialized);
            self.error_if_dynamic(bad, span, kind, name);
            self.known_checks().variables.insert(id.0 as i64);
        }
    }

    /// The value of `let` `id` from its variable, if a loop of this function reads it: the
    /// state check (unless known on the way here) tests the flag of all kept `let`s, and
    /// only when some `let` is not initialized does a cold path check this one's cell.
    pub(crate) fn read_cached_let(&mut self, id: VariableId, name: &str, span: Span) -> Option<Value> {
        let value = self.cached_let(id)?;
        if self.fixed_layout_lets_ready() || self.known_checks().variables.contains(&(id.0 as i64)) {
            return Some(value);
        }
        let ready = self.cached_lets_ready();
        let known = self.take_known_checks();
        let check_cell = self.builder.create_block();
        let checked = self.builder.create_block();
        self.builder.ins().brif(ready, checked, &[], check_cell, &[]);
        self.builder.set_cold_block(check_cell);
        self.builder.switch_to_block(check_cell);
        self.builder.seal_block(check_cell);
        let address = self.variable_address(id);
        let cells = self.flags(Region::Cells);
        self.check_variable_cell_state(id, name, cells, address, span);
        self.builder.ins().jump(checked, &[]);
        self.builder.switch_to_block(checked);
        self.builder.seal_block(checked);
        self.keep_known_checks(known, checked);
        self.known_checks().variables.insert(id.0 as i64);
        Some(value)
    }
}
