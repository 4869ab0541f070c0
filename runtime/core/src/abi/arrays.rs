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

/// How many elements [`lang_rt_array_push_repeated`] adds between two checks of the heap's
/// limit: a loop of pushes would find the heap over its limit at about the same length.
const PUSHES_BETWEEN_HEAP_CHECKS: u128 = 1 << 20;

/// `for i in first..=last { array.push(value) }` in one call (`codegen/loop_idioms.rs`):
/// pushes `value` once for every int from `first` to `last` (none when `first > last`),
/// growing the buffer as the pushes would and checking the heap's limit as they would.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_push_repeated(
    ctx: Ctx<'_>,
    array: *mut ArrayObject,
    value: u64,
    first: i64,
    last: i64,
) {
    let mut remaining = (last as i128 - first as i128 + 1).max(0) as u128;
    // SAFETY: compiled code passes a live array.
    let array = unsafe { &mut *array };
    let size = element_size_of(array);
    // When the whole result fits under the heap's limit, its buffer is reserved at once: the
    // doubling of one push at a time copied the elements at every growth (sieve's 5,000,001
    // flags were copied about once over; under `--hmr` the script thread's allocator copies
    // where the main thread's remaps).
    let fits = usize::try_from(remaining)
        .ok()
        .and_then(|count| count.checked_mul(size))
        .is_some_and(|bytes| bytes <= ctx.heap.limit.saturating_sub(ctx.heap.bytes_in_use));
    if fits && remaining > 0 {
        let total = array.len as usize + remaining as usize;
        // SAFETY: `array` is a live array of elements of `size` bytes.
        let grown = unsafe { array::reserve(array, size, total) };
        ctx.heap.account(grown);
    }
    while remaining > 0 {
        let count = remaining.min(PUSHES_BETWEEN_HEAP_CHECKS) as usize;
        let len = array.len as usize;
        // SAFETY: `reserve` makes room for `count` more elements.
        unsafe {
            let grown = array::reserve(array, size, len + count);
            ctx.heap.account(grown);
            if size == 1 {
                std::ptr::write_bytes(array.data.add(len), value as u8, count);
            } else {
                let words = std::slice::from_raw_parts_mut((array.data as *mut u64).add(len), count);
                words.fill(value);
            }
        }
        array.len += count as i64;
        remaining -= count as u128;
        ctx.check_heap();
        if ctx.error_flag != 0 {
            return;
        }
    }
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

// ------------------------------------------------------------ the methods of arrays

/// The element size of a live array, from its descriptor.
fn element_size_of(array: *const ArrayObject) -> usize {
    // SAFETY: compiled code passes a live array.
    unsafe { desc_of(array as *const u8) }.element_size
}

/// The text of the runtime error of `insert_at` and `remove_at` (LANGUAGE.md section 10).
fn index_error(index: i64, len: i64) -> String {
    format!("index {index} out of bounds for length {len}")
}

/// `xs.insert_at(i, x)`: shifts the elements from `i` on one place up; `0 <= i <= len`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_insert_at(ctx: Ctx<'_>, array: *mut ArrayObject, index: i64, value: u64) {
    // SAFETY: compiled code passes a live array.
    let array = unsafe { &mut *array };
    let len = array.len;
    if index < 0 || index > len {
        ctx.fail(index_error(index, len));
        return;
    }
    let size = element_size_of(array);
    // SAFETY: `reserve` makes room for one more element; the moved range is inside it.
    unsafe {
        let grown = array::reserve(array, size, len as usize + 1);
        ctx.heap.account(grown);
        let start = array.data.add(index as usize * size);
        std::ptr::copy(start, start.add(size), (len - index) as usize * size);
        array::set(array, size, index as usize, value);
    }
    array.len += 1;
    ctx.check_heap();
}

/// `xs.remove_at(i)`: the element at `i`, the later ones moved one place down; `0 <= i < len`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_remove_at(ctx: Ctx<'_>, array: *mut ArrayObject, index: i64) -> u64 {
    // SAFETY: compiled code passes a live array.
    let array = unsafe { &mut *array };
    let len = array.len;
    if index < 0 || index >= len {
        ctx.fail(index_error(index, len));
        return 0;
    }
    let size = element_size_of(array);
    // SAFETY: the index is below the length; the moved range is inside the elements.
    unsafe {
        let removed = array::get(array, size, index as usize);
        let start = array.data.add(index as usize * size);
        std::ptr::copy(start.add(size), start, (len - index - 1) as usize * size);
        array.len -= 1;
        removed
    }
}

/// `xs.slice(a, b)` (and `xs.copy()`, the slice of everything): a new array of the elements
/// `a` up to `b`; `0 <= a <= b <= len`. `element_kind` is the array's, known to the compiler.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_slice(
    ctx: Ctx<'_>,
    array: *mut ArrayObject,
    start: i64,
    end: i64,
    element_kind: u32,
) -> *mut ArrayObject {
    // SAFETY: compiled code passes a live array.
    let len = unsafe { (*array).len };
    if start < 0 || start > end || end > len {
        ctx.fail(format!("range {start}..{end} out of bounds for length {len}"));
        return new_array(ctx, element_kind, 0);
    }
    let count = (end - start) as usize;
    let result = new_array(ctx, element_kind, count);
    let size = element_size_of(array);
    if count > 0 {
        // SAFETY: both ranges are inside their arrays, which are different objects.
        unsafe {
            std::ptr::copy_nonoverlapping((*array).data.add(start as usize * size), (*result).data, count * size);
        }
    }
    result
}

/// `xs.extend(ys)`: appends the elements of `ys` (which may be `xs` itself) in order.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_extend(ctx: Ctx<'_>, array: *mut ArrayObject, other: *mut ArrayObject) {
    // SAFETY: compiled code passes live arrays of the same element type.
    unsafe {
        let count = (*other).len as usize;
        if count == 0 {
            return;
        }
        let len = (*array).len as usize;
        let size = element_size_of(array);
        let grown = array::reserve(&mut *array, size, len + count);
        ctx.heap.account(grown);
        // Read `other`'s buffer after growing: it is `array`'s own when extending by itself.
        std::ptr::copy((*other).data, (*array).data.add(len * size), count * size);
        (*array).len = (len + count) as i64;
    }
    ctx.check_heap();
}

/// `xs.reverse()`: in place.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_array_reverse(array: *mut ArrayObject) {
    // SAFETY: compiled code passes a live array; an empty one may have no buffer.
    unsafe {
        let len = (*array).len as usize;
        if len < 2 {
            return;
        }
        if element_size_of(array) == 1 {
            std::slice::from_raw_parts_mut((*array).data, len).reverse();
        } else {
            std::slice::from_raw_parts_mut((*array).data as *mut u64, len).reverse();
        }
    }
}
