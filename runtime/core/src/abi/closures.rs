//! Closures (LANGUAGE.md section 10): closure objects with their captures, and the cells of
//! captured variables that are assigned.

use crate::context::*;
use crate::object::*;

/// A closure object for `count` captured words, holding `code`; compiled code stores the
/// captures after it. The closure's value is the object's address: its code is at
/// `FUNCTION_CODE_OFFSET`, as in every function value.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_alloc_closure(ctx: Ctx<'_>, code: u64, count: u64) -> *mut u8 {
    let size = CLOSURE_CAPTURES_OFFSET as usize + 8 * count as usize;
    let object = ctx.heap.allocate(size, &CLOSURE_DESC);
    // SAFETY: a fresh, zeroed object of `size` bytes.
    unsafe {
        *(object.add(FUNCTION_CODE_OFFSET as usize) as *mut u64) = code;
        *(object.add(CLOSURE_COUNT_OFFSET as usize) as *mut u64) = count;
    }
    ctx.check_heap();
    object
}

/// A cell for a captured variable that is assigned; compiled code stores its value.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_alloc_cell(ctx: Ctx<'_>) -> *mut u8 {
    let object = ctx.heap.allocate(CELL_VALUE_OFFSET as usize + 8, &CELL_DESC);
    ctx.check_heap();
    object
}
