//! Memory flags of the generated code: trusted accesses and the alias regions that let
//! Cranelift keep a loaded value across stores to another kind of memory.

use cranelift_codegen::ir::MemFlagsData;

pub(crate) fn trusted() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Disjoint kinds of memory, so that Cranelift's alias analysis can keep a value loaded from
/// one kind across stores to another (a store without a region counts as a store to all).
/// Every load and store of a location must name the same region.
#[derive(Clone, Copy)]
pub(crate) enum Region {
    /// Module variable cells (value and state words), and under hot reload the function
    /// slots and field-offset cells, which only the runtime writes, inside calls.
    Cells = 1,
    /// The fields of struct objects (under hot reload: of their payloads).
    Fields = 2,
    /// Hot reload: the payload pointer of a struct's handle, which only a migration (inside
    /// a runtime call) changes.
    Handles = 3,
}
