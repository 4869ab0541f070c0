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
use crate::codegen::memory::{Region, trusted};
use crate::codegen::runtime_abi::CONTEXT_CALLED_VALUE_OFFSET;

impl Translator<'_, '_, '_> {
    /// The code function value `function`'s slot holds now, for a call: the value is also
    /// left in the context, where the stub of a removed closure finds what to name.
    pub(crate) fn code_in_slot(&mut self, function: Value, slot: Value) -> Value {
        self.builder
            .ins()
            .store(trusted(), function, self.ctx, CONTEXT_CALLED_VALUE_OFFSET);
        // Like a call through a function's slot (`hot::calls`): a slot only changes in a call.
        let cells = self.flags(Region::Cells);
        self.builder.ins().load(types::I64, cells, slot, 0)
    }
}
