//! Built-ins used as values under hot reload: a runtime-owned slot patched to point at the
//! built-in's wrapper.

use cranelift_codegen::ir::Value;

use crate::codegen::function::Translator;
use crate::sema::builtins::Builtin;

impl Translator<'_, '_, '_> {
    /// The value of `builtin`: its slot, which the runtime points at the wrapper compiled
    /// here.
    pub(crate) fn hot_builtin_value(&mut self, builtin: Builtin, slot: u64) -> Value {
        if !self.state.builtin_wrappers.contains_key(&builtin) {
            self.builtin_value_wrapper(builtin);
        }
        if let Some(&(function, _)) = self.state.builtin_wrappers.get(&builtin) {
            self.state.slot_patches.push((slot, function));
        }
        self.hot_reference(slot as i64)
    }
}
