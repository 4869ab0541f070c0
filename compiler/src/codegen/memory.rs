//! Memory flags of the generated code: trusted accesses and the alias regions that let
//! Cranelift keep a loaded value across stores to another kind of memory.

use cranelift_codegen::ir::MemFlagsData;

use crate::sema::types::StructId;

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
    Cells,
    /// The fields of struct objects whose offsets are not fixed (under hot reload: of their
    /// payloads), and of enum payload objects.
    Fields,
    /// Hot reload: the payload pointer of a struct's handle, which only a migration (inside
    /// a runtime call) changes.
    Handles,
    /// One field of one struct type, at its fixed offset (`lang run`, release builds):
    /// type-based alias analysis. An object has one struct type for its whole life and two
    /// fields of a type have different offsets, so a store to `p.x` cannot change `q.vy`,
    /// whatever `p` and `q` are, and Cranelift forwards a stored field to later loads of it
    /// across stores to other fields.
    StructField { strukt: StructId, position: usize },
}

/// Where the identifiers of [`Region::StructField`] start; the others are small numbers.
const STRUCT_FIELD_REGIONS: u32 = 0x100;

/// Fields past this position of a struct share the region [`Region::Fields`].
const FIELDS_WITH_OWN_REGION: usize = 256;

impl Region {
    /// Cranelift's identifier of the region: the same in every function of a program, as
    /// its inliner merges a callee's regions into its caller's by identifier.
    pub(crate) fn user_id(self) -> u32 {
        match self {
            Region::Cells => 1,
            Region::Fields => 2,
            Region::Handles => 3,
            Region::StructField { strukt, position } => {
                let own = (position < FIELDS_WITH_OWN_REGION)
                    .then(|| strukt.0.checked_mul(FIELDS_WITH_OWN_REGION as u32))
                    .flatten()
                    .and_then(|base| base.checked_add(STRUCT_FIELD_REGIONS + position as u32));
                own.unwrap_or(Region::Fields.user_id())
            }
        }
    }

    /// The region's name in printed IR.
    pub(crate) fn description(self) -> &'static str {
        match self {
            Region::Cells => "cells",
            Region::Fields => "fields",
            Region::Handles => "handles",
            Region::StructField { .. } => "struct field",
        }
    }
}
