//! Hot mode: innermost loops emitted twice, the first copy with the field offsets of the
//! struct layouts it was compiled for as constants.
//!
//! Under hot reload a field is reached through the offset cell its struct's layout keeps
//! (a reload may add, move or remove fields while old code still runs), and every access
//! tests the offset's sign (a removed field is an error where it is read). In particles'
//! update loop that was four loads and four tests per particle, and nbody's pair loop tested
//! seven offsets per pair: the main part of what `--hmr` ran beyond a release build.
//!
//! But a cell changes only at a swap, and a swap happens only inside a call (a safe point,
//! or a call that can reach one). So an innermost `for` loop whose body reads fields before
//! its first call is emitted twice, chosen at entry, as bounds proofs are (`bounds.rs`, with
//! which it shares the versioning): the first copy is entered when every cell the function's
//! such loops read holds the offset of the layout compiled (and every `let` kept in a
//! variable is initialized), a test made once per call-free stretch (`fixed_verified`), and
//! reads fields at those offsets with no test, until its first call on each path through
//! the body. After a call (which may have swapped) the rest
//! of the iteration reads through the cells as the plain copy does, and the call is followed
//! by the same entry test: if the layout changed, the call sets the interrupt flag, so the
//! header's poll takes its slow path, which goes on in the plain copy (`LoopCopy::leave_to`),
//! as after any swap at the header itself. Both copies share the loop's variables, so the
//! iteration goes on where it was. Loops with no field read, with an inner loop (a safe
//! point inside) or with a closure (translated once) are emitted once, as before.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::hot::fixed_cells::{FixedCell, FixedLayout, fixed_layout_cells};
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::CONTEXT_INTERRUPT_FLAG_OFFSET;
use crate::syntax::ast;

impl Translator<'_, '_, '_> {
    /// The cells the first copy of the loop with `body` reads at fixed offsets: those of
    /// the function's fixed-layout loops (`CachedCells::fixed`) it reads. Empty: the loop is
    /// emitted once.
    pub(crate) fn loop_fixed_cells(&self, body: &ast::Block) -> Vec<FixedCell> {
        if self.cached_cells.fixed.is_empty() {
            return Vec::new();
        }
        let mut cells = fixed_layout_cells(self.state.checked, self.state.target, self.file, body);
        cells.retain(|cell| self.cached_cells.fixed.contains(cell));
        cells
    }

    /// The entry test of a fixed-layout loop: whether the function's fixed cells hold the
    /// offsets compiled and its kept `let`s are initialized, tested only if not already since
    /// the last call (an inner loop entered once per outer iteration tests one flag).
    pub(crate) fn fixed_layout_entry(&mut self) -> Value {
        let Some(verified) = self.cached_cells.fixed_verified else {
            return self.builder.ins().iconst(types::I8, 0);
        };
        let known = self.builder.use_var(verified);
        let test = self.builder.create_block();
        let join = self.builder.create_block();
        let answer = self.builder.append_block_param(join, types::I8);
        let yes = self.builder.ins().iconst(types::I8, 1);
        self.builder.ins().brif(known, join, &[yes.into()], test, &[]);
        self.builder.switch_to_block(test);
        self.builder.seal_block(test);
        let holds = self.fixed_layout_holds();
        self.builder.def_var(verified, holds);
        self.builder.ins().jump(join, &[holds.into()]);
        self.builder.switch_to_block(join);
        self.builder.seal_block(join);
        answer
    }

    /// Whether every fixed cell of the function holds the offset compiled, and every `let`
    /// kept in a variable was initialized at the last load.
    fn fixed_layout_holds(&mut self) -> Value {
        let flags = self.flags(Region::Cells);
        let mut holds = self.builder.ins().iconst(types::I8, 1);
        for fixed in self.cached_cells.fixed.clone() {
            let address = self.hot_reference(fixed.cell as i64);
            let offset = self.builder.ins().load(types::I64, flags, address, 0);
            let same = self.builder.ins().icmp_imm_s(IntCC::Equal, offset, fixed.offset);
            holds = self.builder.ins().band(holds, same);
        }
        if self.cached_cells.lets_ready.is_some() {
            let ready = self.cached_lets_ready();
            let ready = self.builder.ins().icmp_imm_s(IntCC::NotEqual, ready, 0);
            holds = self.builder.ins().band(holds, ready);
        }
        holds
    }

    /// The fixed offset of field cell `cell` where the layout compiled holds (in a
    /// fixed-layout copy, before its first call).
    pub(crate) fn fixed_field_offset(&self, cell: u64) -> Option<i64> {
        let fixed = self.fixed_layout.as_ref().filter(|fixed| fixed.holds)?;
        fixed
            .cells
            .iter()
            .find(|known| known.cell == cell)
            .map(|known| known.offset)
    }

    /// Whether the `let`s kept in variables are known to be initialized here (a
    /// fixed-layout copy before its first call).
    pub(crate) fn fixed_layout_lets_ready(&self) -> bool {
        self.fixed_layout
            .as_ref()
            .is_some_and(|fixed| fixed.holds && self.cached_cells.lets_ready.is_some())
    }

    /// After a call in a fixed-layout copy (which may have swapped): the rest of the
    /// iteration reads through the cells, and if the layout is no longer the one compiled,
    /// the interrupt flag is set so that the header's poll leaves the copy.
    pub(crate) fn after_call_in_fixed_layout(&mut self) {
        let Some(fixed) = self.fixed_layout.as_mut() else {
            return;
        };
        fixed.holds = false;
        let holds = self.fixed_layout_holds();
        if let Some(verified) = self.cached_cells.fixed_verified {
            self.builder.def_var(verified, holds);
        }
        let leave = self.builder.create_block();
        let next = self.builder.create_block();
        self.builder.ins().brif(holds, next, &[], leave, &[]);
        self.builder.set_cold_block(leave);
        self.builder.switch_to_block(leave);
        self.builder.seal_block(leave);
        let one = self.iconst(1);
        self.builder
            .ins()
            .store(trusted(), one, self.ctx, CONTEXT_INTERRUPT_FLAG_OFFSET);
        self.builder.ins().jump(next, &[]);
        self.builder.switch_to_block(next);
        self.builder.seal_block(next);
    }

    /// Translates what follows as the first copy of a fixed-layout loop reading `cells` at
    /// fixed offsets (none: an ordinary copy), entered where the layout compiled holds.
    pub(crate) fn enter_fixed_layout(&mut self, cells: Vec<FixedCell>) {
        self.fixed_layout = (!cells.is_empty()).then_some(FixedLayout { cells, holds: true });
    }

    /// At the start of an iteration of a fixed-layout copy (after its header's poll, whose
    /// slow path leaves the copy): the layout compiled holds again.
    pub(crate) fn fixed_layout_iteration_starts(&mut self) {
        if let Some(fixed) = self.fixed_layout.as_mut() {
            fixed.holds = true;
        }
    }
}
