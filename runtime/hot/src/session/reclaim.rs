//! Reclaiming old code: a reload compiles only what changed, so each version's code stays
//! until nothing can reach it any more.

use lang_runtime_core::Context;

use crate::code::CodeModule;
use crate::registry::Registry;

/// Frees compiled code that nothing can reach any more: no slot points into it (a reload
/// compiles only changed functions, so older versions keep the unchanged ones) and no return
/// address on the script stack does (a conservative scan).
pub(super) fn free_unreachable_code(ctx: &Context, loaded_code: &mut Vec<CodeModule>, registry: &Registry) {
    if loaded_code.is_empty() {
        return;
    }
    let mut in_use = vec![false; loaded_code.len()];
    let mut mark = |word: usize| {
        for (index, module) in loaded_code.iter().enumerate() {
            if word >= module.code_range.0 && word < module.code_range.1 {
                in_use[index] = true;
            }
        }
    };
    for value in registry.slot_values() {
        mark(value as usize);
    }
    let marker = 0usize;
    let mut address = std::hint::black_box(&marker) as *const usize as usize & !7;
    while address < ctx.heap.stack_base {
        // SAFETY: from this frame to the base is the live part of the script thread's stack.
        mark(unsafe { *(address as *const usize) });
        address += 8;
    }
    let code = std::mem::take(loaded_code);
    for (module, used) in code.into_iter().zip(in_use) {
        if used {
            loaded_code.push(module);
        } else {
            // SAFETY: no slot and no return address points into it.
            unsafe { module.free() };
        }
    }
}
