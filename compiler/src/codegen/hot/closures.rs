//! Function values under hot reload (LANGUAGE.md section 10): the word at
//! `FUNCTION_CODE_OFFSET` of a function value is a runtime-owned slot, not code.
//!
//! A named function's value is its slot itself: the runtime lays each slot out as the code
//! word of a static object (`[header][slot][immortal flags][slot's own address]`, see
//! `runtime/hot/src/registry.rs`), so the value's header says immortal to the collector and
//! its word at `FUNCTION_CODE_OFFSET` is the slot's address. A closure's object holds the slot
//! of its identity there (the item it is written in, its ordinal, its type and captures). A
//! call loads the slot, then the code: after a reload, closures made before it run the
//! newest body, and no closure refers to old code, which can then be freed.

use cranelift_codegen::ir::{InstBuilder, Value, types};

use crate::codegen::function::Translator;
use crate::codegen::memory::Region;

impl Translator<'_, '_, '_> {
    /// The code a function value's slot holds now.
    pub(crate) fn code_in_slot(&mut self, slot: Value) -> Value {
        // Like a call through a function's slot (`hot::calls`): a slot only changes in a call.
        let cells = self.flags(Region::Cells);
        self.builder.ins().load(types::I64, cells, slot, 0)
    }
}
