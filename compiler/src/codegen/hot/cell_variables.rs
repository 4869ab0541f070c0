//! Hot mode: loading the cells a function's loops read into SSA variables (`CachedCells`),
//! after the entry poll and after every call, and reading them.
//!
//! A cell changes only at a swap, and a swap happens only inside a call: a poll, or any call
//! that forgets the known checks (`KnownChecks`). That argument, which lets a straight-line
//! path check a cell once, holds along loops too: a value read from a cell is the cell's
//! value until the next call. So the cells of `loop_cells` are loaded into Cranelift
//! `Variable`s after the function's entry poll and again right after every call (the slow
//! path of a poll included, where a swap may have brought a new layout or a new `let`
//! value), and Cranelift's SSA builder places the phis at the loop headers. Every path to an
//! access has thus loaded the cell since its last call. The checks stay at the accesses (a
//! removed field or an uninitialized `let` is an error only where it is read) but test
//! registers: an offset's sign, and one flag (in a stack slot) for all the `let`s.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, StackSlotData, StackSlotKind, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::hot::cached_cells::CachedCells;
use crate::codegen::hot::loop_cells::{LoopCell, cells_read_in_loops};
use crate::codegen::layout::clif_type;
use crate::codegen::memory::Region;
use crate::codegen::target::CellReads;
use crate::sema::types::VariableId;
use crate::syntax::ast;

impl Translator<'_, '_, '_> {
    /// After the entry poll of a function: keeps the cells its loops read in variables, and
    /// loads them.
    pub(crate) fn cache_loop_cells(&mut self, body: &ast::Block) {
        if self.state.target.cell_reads() != CellReads::BetweenSafePoints {
            return;
        }
        let (cells, fixed) = cells_read_in_loops(self.state.checked, self.state.target, self.file, body);
        let mut cached = CachedCells::default();
        if !fixed.is_empty() {
            cached.fixed_verified = Some(self.builder.declare_var(types::I8));
            cached.fixed = fixed;
        }
        for cell in cells {
            match cell {
                LoopCell::FieldOffset(cell) => cached.offsets.push((cell, self.builder.declare_var(types::I64))),
                LoopCell::Let { id, cell, ty } => {
                    let variable = self.builder.declare_var(clif_type(&ty).unwrap_or(types::I64));
                    cached.lets.push((id, cell, ty, variable));
                }
            }
        }
        if !cached.lets.is_empty() {
            let slot = StackSlotData::new(StackSlotKind::ExplicitSlot, 8, 3);
            cached.lets_ready = Some(self.builder.create_sized_stack_slot(slot));
        }
        self.cached_cells = cached;
        self.reload_cached_cells();
    }

    /// Stops keeping cells in variables (the function's body is translated).
    pub(crate) fn drop_cached_cells(&mut self) {
        self.cached_cells = CachedCells::default();
    }

    /// Loads every kept cell into its variable: after the entry poll, and right after every
    /// call, since a swap inside it may have changed any of them.
    pub(crate) fn reload_cached_cells(&mut self) {
        self.load_cached_cells();
        // In a fixed-layout loop the swap may also have changed the layout it was compiled for.
        self.after_call_in_fixed_layout();
    }

    fn load_cached_cells(&mut self) {
        if let Some(verified) = self.cached_cells.fixed_verified {
            let no = self.builder.ins().iconst(types::I8, 0);
            self.builder.def_var(verified, no);
        }
        if self.cached_cells.offsets.is_empty() && self.cached_cells.lets.is_empty() {
            return;
        }
        let cells = self.flags(Region::Cells);
        for (cell, variable) in self.cached_cells.offsets.clone() {
            let address = self.hot_reference(cell as i64);
            let offset = self.builder.ins().load(types::I64, cells, address, 0);
            self.builder.def_var(variable, offset);
        }
        let mut ready: Option<Value> = None;
        for (_, cell, ty, variable) in self.cached_cells.lets.clone() {
            let address = self.hot_reference(cell as i64);
            // 1 is initialized; 0 not yet, 2 removed or retyped by a reload.
            let state = self.builder.ins().load(types::I64, cells, address, 8);
            let initialized = self.builder.ins().icmp_imm_s(IntCC::Equal, state, 1);
            ready = Some(match ready {
                Some(so_far) => self.builder.ins().band(so_far, initialized),
                None => initialized,
            });
            let word = self.builder.ins().load(types::I64, cells, address, 0);
            let value = self.value_of_word(word, &ty);
            self.builder.def_var(variable, value);
        }
        if let (Some(slot), Some(ready)) = (self.cached_cells.lets_ready, ready) {
            let word = self.builder.ins().uextend(types::I64, ready);
            self.builder.ins().stack_store(types::I64, word, slot, 0);
        }
    }

    /// The offset field cell `cell` held at the last load, if it is kept in a variable.
    pub(crate) fn cached_offset(&mut self, cell: u64) -> Option<Value> {
        let (_, variable) = *self.cached_cells.offsets.iter().find(|(kept, _)| *kept == cell)?;
        Some(self.builder.use_var(variable))
    }

    /// The value of `let` `id` at the last load, if it is kept in a variable.
    pub(crate) fn cached_let(&mut self, id: VariableId) -> Option<Value> {
        let (_, _, _, variable) = *self.cached_cells.lets.iter().find(|(kept, ..)| *kept == id)?;
        Some(self.builder.use_var(variable))
    }

    /// Whether every kept `let` was initialized at the last load (non-zero if so).
    pub(crate) fn cached_lets_ready(&mut self) -> Value {
        match self.cached_cells.lets_ready {
            Some(slot) => self.builder.ins().stack_load(types::I64, types::I64, slot, 0),
            None => self.iconst(0),
        }
    }
}
