//! Hot mode: the field-offset and `let` cells a function reads in its loops, kept in SSA
//! variables between safe points (loaded and read in `cell_variables.rs`).

use cranelift_codegen::ir::StackSlot;
use cranelift_frontend::Variable;

use crate::codegen::hot::fixed_cells::FixedCell;
use crate::sema::types::{Type, VariableId};

/// The cells of the function being translated that live in variables (none outside hot
/// mode, and none in a function without loops).
#[derive(Default)]
pub(crate) struct CachedCells {
    /// Field-offset cells, and the variable holding the offset each held at the last load.
    pub(crate) offsets: Vec<(u64, Variable)>,
    /// `let` cells, and the variable holding each one's value at the last load.
    pub(crate) lets: Vec<(VariableId, u64, Type, Variable)>,
    /// Whether every `let` of `lets` was initialized (state 1) at the last load: a stack
    /// slot, not a variable, so that it takes no register across a loop (it is read once per
    /// straight-line path, where a `let` is first read).
    pub(crate) lets_ready: Option<StackSlot>,
    /// The cells the function's fixed-layout loops read at fixed offsets
    /// (`fixed_layout.rs`): a loop's first copy uses only these.
    pub(crate) fixed: Vec<FixedCell>,
    /// With `fixed`: whether they were found to hold the offsets compiled (and the `let`s
    /// initialized) since the last call, so that a loop entered again (an inner loop) need
    /// not test them again. Zero after every call.
    pub(crate) fixed_verified: Option<Variable>,
}
