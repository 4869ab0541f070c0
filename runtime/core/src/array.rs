//! Array buffers: growth, element access by size, and freeing.

use std::alloc::{Layout, alloc, dealloc, realloc};

use crate::object::ArrayObject;

fn layout(capacity: usize, element_size: usize) -> Layout {
    Layout::from_size_align(capacity.max(1) * element_size, 8).expect("array buffer layout")
}

/// Makes room for at least `capacity` elements; returns the bytes newly owned by the array.
///
/// # Safety
/// `array` must be a live array object whose elements are `element_size` bytes.
pub unsafe fn reserve(array: &mut ArrayObject, element_size: usize, capacity: usize) -> usize {
    let old_capacity = array.cap as usize;
    if capacity <= old_capacity && !array.data.is_null() {
        return 0;
    }
    let new_capacity = capacity.max(old_capacity * 2).max(4);
    let new_layout = layout(new_capacity, element_size);
    // SAFETY: the buffer was allocated by this function with the old layout (or is null).
    let data = unsafe {
        if array.data.is_null() {
            alloc(new_layout)
        } else {
            realloc(array.data, layout(old_capacity, element_size), new_layout.size())
        }
    };
    if data.is_null() {
        std::alloc::handle_alloc_error(new_layout);
    }
    let grown = new_layout.size()
        - if array.data.is_null() {
            0
        } else {
            layout(old_capacity, element_size).size()
        };
    array.data = data;
    array.cap = new_capacity as i64;
    grown
}

/// Frees the buffer; returns the bytes released.
///
/// # Safety
/// The array must never be used again.
pub unsafe fn free_buffer(array: &mut ArrayObject, element_size: usize) -> usize {
    if array.data.is_null() {
        return 0;
    }
    let layout = layout(array.cap as usize, element_size);
    // SAFETY: the buffer was allocated by `reserve` with this layout.
    unsafe { dealloc(array.data, layout) };
    array.data = std::ptr::null_mut();
    layout.size()
}

/// Reads element `index` as a word (zero-extended for byte elements).
///
/// # Safety
/// `index` must be below the array's length.
pub unsafe fn get(array: &ArrayObject, element_size: usize, index: usize) -> u64 {
    // SAFETY: the caller checked the index.
    unsafe {
        if element_size == 1 {
            *array.data.add(index) as u64
        } else {
            *(array.data as *const u64).add(index)
        }
    }
}

/// Writes element `index`.
///
/// # Safety
/// `index` must be below the array's capacity.
pub unsafe fn set(array: &mut ArrayObject, element_size: usize, index: usize, value: u64) {
    // SAFETY: the caller checked the index.
    unsafe {
        if element_size == 1 {
            *array.data.add(index) = value as u8;
        } else {
            *(array.data as *mut u64).add(index) = value;
        }
    }
}
