//! The map entry points: creating maps, lookups, inserts (accounting the table's growth to the
//! heap), removal and keys.

use super::values::{new_array, text};
use crate::array;
use crate::context::*;
use crate::map::{MapObject, Table};
use crate::object::*;

fn table<'a>(map: *mut MapObject) -> &'a mut Table {
    // SAFETY: compiled code passes a live map, which owns its table.
    unsafe { &mut *(*map).table }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_new(ctx: Ctx<'_>, map_kind: u32, capacity: i64) -> *mut MapObject {
    let desc = map_desc(map_kind);
    let object = ctx.heap.allocate(std::mem::size_of::<MapObject>(), desc) as *mut MapObject;
    let table = Box::new(Table::new(desc.string_keys, capacity.max(0) as usize));
    ctx.heap.account(table.owned_bytes());
    // SAFETY: a fresh map object.
    unsafe { (*object).table = Box::into_raw(table) };
    ctx.check_heap();
    object
}

fn describe_key(map: *mut MapObject, key: u64) -> String {
    // SAFETY: a live map.
    if unsafe { desc_of(map as *const u8) }.string_keys {
        format!("{:?}", text(key as *const StrObject))
    } else {
        (key as i64).to_string()
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_get(ctx: Ctx<'_>, map: *mut MapObject, key: u64) -> u64 {
    match table(map).get(key) {
        Some(value) => value,
        None => {
            ctx.fail(format!("map has no key {}", describe_key(map, key)));
            0
        }
    }
}

/// The address of `key`'s value word, for a compound assignment `m[k] op= v` whose `v`
/// cannot run code (so nothing changes the map between the read and the write); 0 and an
/// error when the key is missing, as `lang_rt_map_get`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_value_slot(ctx: Ctx<'_>, map: *mut MapObject, key: u64) -> *mut u64 {
    match table(map).value_slot(key) {
        Some(slot) => slot,
        None => {
            ctx.fail(format!("map has no key {}", describe_key(map, key)));
            std::ptr::null_mut()
        }
    }
}

/// `if has(m, k) { m[k] op= v } else { insert(m, k, value) }` with one probe (`v` and `value`
/// run no code): the address of `key`'s value word when present, for compiled code to read and
/// write; otherwise 0, after inserting `key` with `value`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_value_slot_or_insert(
    ctx: Ctx<'_>,
    map: *mut MapObject,
    key: u64,
    value: u64,
) -> *mut u64 {
    let mut slot = std::ptr::null_mut();
    insert_accounted(ctx, map, |table| {
        slot = table.value_slot_or_insert(key, value).unwrap_or(std::ptr::null_mut());
    });
    slot
}

/// Looks up `key`; writes the value to `out` and returns 1 when present.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_lookup(_ctx: Ctx<'_>, map: *mut MapObject, key: u64, out: *mut u64) -> u8 {
    lookup_answer(table(map).get(key), out)
}

/// A map literal's entries, `count` (key, value) word pairs at `entries`, inserted in order.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_set_many(ctx: Ctx<'_>, map: *mut MapObject, entries: *const u64, count: i64) {
    insert_accounted(ctx, map, |table| {
        for index in 0..count.max(0) as usize {
            // SAFETY: compiled code passes a buffer of `count` pairs.
            let (key, value) = unsafe { (*entries.add(index * 2), *entries.add(index * 2 + 1)) };
            table.insert(key, value);
        }
    });
}

/// Inserts into a map's table, accounting the memory its table grew by to the heap.
fn insert_accounted(ctx: Ctx<'_>, map: *mut MapObject, insert: impl FnOnce(&mut Table)) {
    let table = table(map);
    let before = table.owned_bytes();
    insert(table);
    let after = table.owned_bytes();
    if after > before {
        ctx.heap.account(after - before);
        ctx.check_heap();
    }
}

/// A lookup's answer to compiled code: 1 with the value in `out`, or 0.
fn lookup_answer(value: Option<u64>, out: *mut u64) -> u8 {
    match value {
        Some(value) => {
            // SAFETY: compiled code passes a stack slot.
            unsafe { *out = value };
            1
        }
        None => 0,
    }
}

/// `for k, v in m`: the map's insertions so far, taken when the loop starts.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_insertions(_ctx: Ctx<'_>, map: *mut MapObject) -> u64 {
    table(map).insertions()
}

/// `for k, v in m`: like `lang_rt_map_lookup`, for a key inserted before the loop started.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_lookup_before(
    _ctx: Ctx<'_>,
    map: *mut MapObject,
    key: u64,
    out: *mut u64,
    insertions: u64,
) -> u8 {
    lookup_answer(table(map).get_inserted_before(key, insertions), out)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_set(ctx: Ctx<'_>, map: *mut MapObject, key: u64, value: u64) {
    insert_accounted(ctx, map, |table| {
        table.insert(key, value);
    });
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_has(_ctx: Ctx<'_>, map: *mut MapObject, key: u64) -> u8 {
    table(map).contains(key) as u8
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_remove(_ctx: Ctx<'_>, map: *mut MapObject, key: u64) {
    table(map).remove(key);
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_len(map: *mut MapObject) -> i64 {
    table(map).len() as i64
}

/// The keys in insertion order, as a new array.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_keys(ctx: Ctx<'_>, map: *mut MapObject) -> *mut ArrayObject {
    // SAFETY: a live map.
    let string_keys = unsafe { desc_of(map as *const u8) }.string_keys;
    let kind = if string_keys { ELEMENT_REFERENCE } else { ELEMENT_WORD };
    let len = table(map).len();
    let array = new_array(ctx, kind, len);
    for (index, (key, _)) in table(map).iter().enumerate() {
        // SAFETY: the array has `len` elements.
        unsafe { array::set(&mut *array, 8, index, key) };
    }
    array
}

/// `m.values()`: the values in insertion order, as a new array of `element_kind`.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_map_values(ctx: Ctx<'_>, map: *mut MapObject, element_kind: u32) -> *mut ArrayObject {
    let len = table(map).len();
    let array = new_array(ctx, element_kind, len);
    let size = array_desc(element_kind).element_size;
    for (index, (_, value)) in table(map).iter().enumerate() {
        // SAFETY: the array has `len` elements.
        unsafe { array::set(&mut *array, size, index, value) };
    }
    array
}
