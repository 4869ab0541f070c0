//! Hot-reload code generation: everything emitted only for `lang run --hmr` and
//! `lang build --hmr` (safe-point polls and their trampoline, known checks, guarded slot
//! calls, function values through slots (closures), cells kept in variables across loops, hot struct allocation and field cells, the check of enum payload layouts, the setup
//! function of a module version).

pub(crate) mod accumulation;
pub(crate) mod cached_cells;
pub(crate) mod calls;
pub(crate) mod cell_variables;
pub(crate) mod checks;
pub(crate) mod closures;
pub(crate) mod enums;
pub(crate) mod field_cells;
pub(crate) mod fixed_cells;
pub(crate) mod fixed_layout;
pub(crate) mod inlining;
pub(crate) mod known_checks;
pub(crate) mod loop_cells;
pub(crate) mod poll;
pub(crate) mod program;
pub(crate) mod references;
pub(crate) mod setup;
pub(crate) mod structs;
pub(crate) mod unrolled_loops;
pub(crate) mod values;
pub(crate) mod variables;

use cranelift_module::FuncId;

/// Hot mode: the placeholder id of a function this module version does not compile.
pub(crate) fn not_compiled_here() -> FuncId {
    FuncId::from_u32(u32::MAX - 1)
}
