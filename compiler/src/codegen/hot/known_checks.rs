//! The checks (field offsets, variable states) known to hold on the way to the current
//! block under hot reload.

use std::collections::HashMap;

use cranelift_codegen::ir::{self, Value};

/// Hot mode: the checks already made on the straight-line path that leads to the current
/// block (through the continuations of error checks), since the last call. Only a swap changes
/// a field's offset or a variable's state, and a swap happens only inside a call (a safe
/// point or a runtime function), so until the next call each check needs making only once:
/// without this, a loop body like particles' tested the same cells a dozen times per step.
#[derive(Clone, Default)]
pub(crate) struct KnownChecks {
    pub(crate) block: Option<ir::Block>,
    /// Field-offset cells known to hold an offset (not -1), with the offset loaded.
    pub(crate) offsets: HashMap<i64, Value>,
    /// Module-variable cells known to be initialized.
    pub(crate) variables: std::collections::HashSet<i64>,
    /// Struct handles whose payload pointer is loaded already, with that pointer: only a
    /// migration (inside a call) moves a payload. Cranelift forwards a repeated load within a
    /// block, but not across the continuation of an error check inside a loop (its alias
    /// analysis meets a loop block's stale first-pass state with the new one and makes each
    /// such block a memory version of its own), so nbody's field accesses loaded each
    /// handle's payload pointer once per access.
    pub(crate) payloads: HashMap<Value, Value>,
}
