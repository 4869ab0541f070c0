//! The array entry points: creating, growing, shrinking and filling arrays.

use super::values::new_array;
use crate::array;
use crate::context::*;
use crate::object::*;

/// A new array of `len` zeroed elements (array literals fill them in).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_new(ctx: Ctx<'_>, element_kind: u32, len: i64) -> *mut ArrayObject {
    new_array(ctx, element_kind, len.max(0) as usize)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_push(ctx: Ctx<'_>, array: *mut ArrayObject, value: u64) {
    // SAFETY: compiled code passes a live array.
    let array = unsafe { &mut *array };
    // SAFETY: as above.
    let size = unsafe { desc_of(array as *const ArrayObject as *const u8) }.element_size;
    let len = array.len as usize;
    // SAFETY: `reserve` makes room for one more element.
    unsafe {
        let grown = array::reserve(array, size, len + 1);
        ctx.heap.account(grown);
        array::set(array, size, len, value);
    }
    array.len += 1;
    ctx.check_heap();
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_pop(ctx: Ctx<'_>, array: *mut ArrayObject) -> u64 {
    // SAFETY: compiled code passes a live array.
    let array = unsafe { &mut *array };
    if array.len == 0 {
        ctx.fail("pop from an empty array");
        return 0;
    }
    // SAFETY: as above.
    let size = unsafe { desc_of(array as *const ArrayObject as *const u8) }.element_size;
    array.len -= 1;
    // SAFETY: the index is below the old length.
    unsafe { array::get(array, size, array.len as usize) }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_fill(ctx: Ctx<'_>, element_kind: u32, count: i64, value: u64) -> *mut ArrayObject {
    if count < 0 {
        ctx.fail(format!("fill with a negative count: {count}"));
        return new_array(ctx, element_kind, 0);
    }
    if count as u64 > (ctx.heap.limit / 8) as u64 {
        ctx.fail(format!(
            "out of memory: fill({count}, ...) needs more than the heap limit of {} bytes",
            ctx.heap.limit
        ));
        return new_array(ctx, element_kind, 0);
    }
    let array = new_array(ctx, element_kind, count as usize);
    // SAFETY: the new array has `count` elements.
    unsafe {
        let size = array_desc(element_kind).element_size;
        for index in 0..count as usize {
            array::set(&mut *array, size, index, value);
        }
    }
    array
}
