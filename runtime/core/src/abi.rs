//! The entry points compiled code calls: `extern "C"` functions taking the context first.
//!
//! Values cross this boundary as 64-bit words: `int` as `i64`, `float` as `f64`, `bool` as a
//! byte, and references as object pointers. Functions that can fail record the error in the
//! context and set its flag; compiled code tests the flag after calling them (see
//! `FALLIBLE` in the code generator's table). None of them unwinds or panics across the
//! boundary: every failure is a value.
//!
//! These functions are an ABI for compiled code, not a Rust API: the code generator only
//! passes valid objects, so they take raw pointers without being marked `unsafe`.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use std::ffi::CStr;

use crate::array;
use crate::context::*;
use crate::format;
use crate::map::Table;
use crate::object::*;

type Ctx<'a> = &'a mut Context;

// ----------------------------------------------------------------- allocation

fn new_string(ctx: Ctx<'_>, bytes: &[u8]) -> *mut StrObject {
    let object = ctx.heap.allocate(STR_BYTES_OFFSET as usize + bytes.len(), &STR_DESC) as *mut StrObject;
    // SAFETY: the object has room for the bytes after its length.
    unsafe {
        (*object).len = bytes.len() as u64;
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            (object as *mut u8).add(STR_BYTES_OFFSET as usize),
            bytes.len(),
        );
    }
    ctx.check_heap();
    object
}

pub fn string_from(ctx: Ctx<'_>, text: &str) -> *mut StrObject {
    new_string(ctx, text.as_bytes())
}

fn new_array(ctx: Ctx<'_>, element_kind: u32, len: usize) -> *mut ArrayObject {
    let desc = array_desc(element_kind);
    let object = ctx.heap.allocate(std::mem::size_of::<ArrayObject>(), desc) as *mut ArrayObject;
    // SAFETY: a fresh array object.
    unsafe {
        let grown = array::reserve(&mut *object, desc.element_size, len);
        std::ptr::write_bytes((*object).data, 0, len * desc.element_size);
        (*object).len = len as i64;
        ctx.heap.account(grown);
    }
    ctx.check_heap();
    object
}

fn bytes<'a>(string: *const StrObject) -> &'a [u8] {
    // SAFETY: compiled code passes only live string objects.
    unsafe { str_bytes(string) }
}

fn text<'a>(string: *const StrObject) -> &'a str {
    // Strings are valid UTF-8 except those built by `from_bytes`, which checks.
    std::str::from_utf8(bytes(string)).unwrap_or("")
}

/// A string literal: copied into runtime memory (never left in a module's data, so freeing
/// old code never leaves a dangling string) and never collected.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_literal(_ctx: Ctx<'_>, data: *const u8, len: u64) -> *mut StrObject {
    let size = STR_BYTES_OFFSET as usize + len as usize;
    let layout = std::alloc::Layout::from_size_align(size, 16).expect("literal layout");
    // SAFETY: the layout is non-empty; the compiler passes `len` readable bytes at `data`.
    unsafe {
        let object = std::alloc::alloc_zeroed(layout) as *mut StrObject;
        if object.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        (*object).header.desc = &STR_DESC;
        (*object).header.flags = FLAG_IMMORTAL;
        (*object).len = len;
        std::ptr::copy_nonoverlapping(data, (object as *mut u8).add(STR_BYTES_OFFSET as usize), len as usize);
        object
    }
}

/// Registers a struct type from its description `Name;field:r;field:w` (`r` for a reference
/// field) and returns its descriptor, which lives for the rest of the process.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_struct_desc(_ctx: Ctx<'_>, description: *const u8) -> *const TypeDesc {
    // SAFETY: the compiler emits NUL-terminated descriptions.
    let description = unsafe { CStr::from_ptr(description as *const std::ffi::c_char) };
    // Hot-reload structs (`hot:LAYOUT_HASH:Name;...`) have their fields in a payload.
    let description = lang_abi::layout::Descriptor::parse(&description.to_string_lossy());
    let hot = description.hot_layout_hash;
    let name = description.name;
    let fields: Vec<FieldDesc> = description
        .fields
        .into_iter()
        .map(|field| FieldDesc {
            name: field.name,
            is_reference: field.is_reference,
            ty: field.ty,
        })
        .collect();
    let defaults = fields.iter().map(|_| std::sync::atomic::AtomicUsize::new(0)).collect();
    Box::leak(Box::new(TypeDesc {
        kind: Kind::Struct,
        element_size: 8,
        holds_references: false,
        string_keys: false,
        name,
        fields,
        fields_offset: if hot.is_some() {
            HOT_FIELDS_OFFSET as usize
        } else {
            STRUCT_FIELDS_OFFSET as usize
        },
        layout_hash: hot.unwrap_or(0),
        defaults,
    }))
}

#[repr(C)]
pub struct WordAndStatus {
    pub word: u64,
    pub status: u64,
}

/// A field default of a hot-reload struct: `fn(ctx) -> (word, status)`.
pub type DefaultFunction = extern "C" fn(*mut Context) -> WordAndStatus;

/// Hot reload: a struct (handle and payload) of the current layout `desc`. Code compiled for
/// another layout (`layout_hash`; an old version still running) does not know every field,
/// so each field with a default gets it first; the code then stores the fields it has.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_alloc_hot_struct(ctx: Ctx<'_>, desc: *const TypeDesc, layout_hash: u64) -> *mut u8 {
    // SAFETY: descriptors live forever.
    let desc_ref = unsafe { &*desc };
    let fields = desc_ref.fields.len();
    // A new struct is its own handle: a payload whose owner word (which is where a handle
    // keeps its payload pointer) names itself. One allocation per struct; only a migration
    // gives it a separate payload and turns it into a plain handle.
    let payload = ctx.heap.allocate(HOT_FIELDS_OFFSET as usize + fields * 8, desc);
    let handle = payload;
    // SAFETY: the object is fresh and large enough.
    unsafe {
        *(payload.add(PAYLOAD_OWNER_OFFSET as usize) as *mut usize) = handle as usize;
    }
    ctx.check_heap();
    if desc_ref.layout_hash != layout_hash {
        for (index, default) in desc_ref.defaults.iter().enumerate() {
            let function = default.load(std::sync::atomic::Ordering::SeqCst);
            if function == 0 {
                continue;
            }
            // SAFETY: defaults are compiled functions with this ABI.
            let function: DefaultFunction = unsafe { std::mem::transmute(function) };
            let result = function(ctx);
            if result.status != 0 {
                ctx.error_flag = 1;
                return handle;
            }
            // SAFETY: the payload has `fields` words after its header.
            unsafe { *(payload.add(HOT_FIELDS_OFFSET as usize + index * 8) as *mut u64) = result.word };
        }
    }
    handle
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_alloc_struct(ctx: Ctx<'_>, desc: *const TypeDesc) -> *mut u8 {
    // SAFETY: descriptors come from `lang_rt_struct_desc` and live forever.
    let fields = unsafe { (*desc).fields.len() };
    let object = ctx.heap.allocate(STRUCT_FIELDS_OFFSET as usize + fields * 8, desc);
    ctx.check_heap();
    object
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_box(ctx: Ctx<'_>, value: u64) -> *mut BoxObject {
    let object = ctx.heap.allocate(std::mem::size_of::<BoxObject>(), &BOX_DESC) as *mut BoxObject;
    // SAFETY: a fresh box.
    unsafe { (*object).value = value };
    ctx.check_heap();
    object
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_register_globals(ctx: Ctx<'_>, start: *mut u64, words: u64) {
    ctx.heap.add_root_block(start as usize, words as usize);
}

// ----------------------------------------------------------------- errors

/// Records an error that compiled code detected with an inline check.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_raise(ctx: Ctx<'_>, kind: u32, a: i64, b: i64) {
    let message = match kind {
        RAISE_DIVISION_BY_ZERO => "division by zero".to_string(),
        RAISE_REMAINDER_BY_ZERO => "remainder by zero".to_string(),
        RAISE_INDEX_OUT_OF_BOUNDS => format!("index out of bounds: the index is {a} but the length is {b}"),
        RAISE_UNWRAP_NIL => "unwrap of nil".to_string(),
        RAISE_ASSERTION => format!("assertion failed: {}", text(a as *const StrObject)),
        RAISE_PANIC => text(a as *const StrObject).to_string(),
        RAISE_STACK_OVERFLOW => "stack overflow".to_string(),
        RAISE_UNINITIALIZED => {
            // SAFETY: the compiler passes the variable's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("module variable `{name}` was read before its initializer ran")
        }
        RAISE_FIELD_GONE => {
            // SAFETY: the compiler passes the field's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("field `{name}` was removed or changed its type in a reload")
        }
        RAISE_VARIABLE_GONE => {
            // SAFETY: the compiler passes the variable's NUL-terminated name.
            let name = unsafe { CStr::from_ptr(a as *const std::ffi::c_char) }.to_string_lossy();
            format!("module variable `{name}` was removed or changed its type in a reload")
        }
        _ => format!("runtime error {kind}"),
    };
    ctx.fail(message);
}

/// Adds the frame at `site` to the error being propagated.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_trace(ctx: Ctx<'_>, site: *const u8) {
    // SAFETY: the compiler emits NUL-terminated sites.
    unsafe { ctx.trace(site) };
}

// ----------------------------------------------------------------- strings

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_concat(ctx: Ctx<'_>, a: *const StrObject, b: *const StrObject) -> *mut StrObject {
    let (a, b) = (bytes(a), bytes(b));
    let object = ctx
        .heap
        .allocate(STR_BYTES_OFFSET as usize + a.len() + b.len(), &STR_DESC) as *mut StrObject;
    // SAFETY: the new object has room for both parts.
    unsafe {
        (*object).len = (a.len() + b.len()) as u64;
        let data = (object as *mut u8).add(STR_BYTES_OFFSET as usize);
        std::ptr::copy_nonoverlapping(a.as_ptr(), data, a.len());
        std::ptr::copy_nonoverlapping(b.as_ptr(), data.add(a.len()), b.len());
    }
    ctx.check_heap();
    object
}

/// Concatenates `count` strings stored at `parts` (string interpolation).
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_concat_n(ctx: Ctx<'_>, parts: *const *const StrObject, count: u64) -> *mut StrObject {
    // SAFETY: compiled code passes an array of `count` live strings.
    let parts = unsafe { std::slice::from_raw_parts(parts, count as usize) };
    let total: usize = parts.iter().map(|&part| bytes(part).len()).sum();
    let object = ctx.heap.allocate(STR_BYTES_OFFSET as usize + total, &STR_DESC) as *mut StrObject;
    // SAFETY: the new object has room for every part.
    unsafe {
        (*object).len = total as u64;
        let mut data = (object as *mut u8).add(STR_BYTES_OFFSET as usize);
        for &part in parts {
            let part = bytes(part);
            std::ptr::copy_nonoverlapping(part.as_ptr(), data, part.len());
            data = data.add(part.len());
        }
    }
    ctx.check_heap();
    object
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_eq(a: *const StrObject, b: *const StrObject) -> u8 {
    (a == b || bytes(a) == bytes(b)) as u8
}

/// Bytewise comparison: -1, 0 or 1.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_cmp(a: *const StrObject, b: *const StrObject) -> i64 {
    bytes(a).cmp(bytes(b)) as i64
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_int_to_str(ctx: Ctx<'_>, value: i64) -> *mut StrObject {
    let mut buffer = itoa_buffer(value);
    let text = buffer.as_str();
    let object = new_string(ctx, text.as_bytes());
    buffer.clear();
    object
}

fn itoa_buffer(value: i64) -> String {
    value.to_string()
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_float_to_str(ctx: Ctx<'_>, value: f64) -> *mut StrObject {
    string_from(ctx, &format::float_to_text(value))
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_bool_to_str(ctx: Ctx<'_>, value: u8) -> *mut StrObject {
    string_from(ctx, if value != 0 { "true" } else { "false" })
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_int(ctx: Ctx<'_>, string: *const StrObject) -> i64 {
    match format::parse_int(text(string)) {
        Some(value) => value,
        None => {
            ctx.fail(format!("cannot parse {:?} as int", text(string)));
            0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_float(ctx: Ctx<'_>, string: *const StrObject) -> f64 {
    match format::parse_float(text(string)) {
        Some(value) => value,
        None => {
            ctx.fail(format!("cannot parse {:?} as float", text(string)));
            0.0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_fixed(ctx: Ctx<'_>, value: f64, digits: i64) -> *mut StrObject {
    if !(0..=format::FIXED_MAX_DIGITS).contains(&digits) {
        ctx.fail(format!(
            "fixed: the number of digits must be between 0 and {}, not {digits}",
            format::FIXED_MAX_DIGITS
        ));
        return string_from(ctx, "");
    }
    string_from(ctx, &format::fixed(value, digits as usize))
}

// ----------------------------------------------------------------- output

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_str(_ctx: Ctx<'_>, string: *const StrObject, newline: u8) {
    let text = bytes(string);
    if newline != 0 {
        let mut line = Vec::with_capacity(text.len() + 1);
        line.extend_from_slice(text);
        line.push(b'\n');
        write_output(&line);
    } else {
        write_output(text);
    }
}

fn print_text(mut text: String, newline: u8) {
    if newline != 0 {
        text.push('\n');
    }
    write_output(text.as_bytes());
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_int(_ctx: Ctx<'_>, value: i64, newline: u8) {
    print_text(value.to_string(), newline);
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_float(_ctx: Ctx<'_>, value: f64, newline: u8) {
    print_text(format::float_to_text(value), newline);
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_print_bool(_ctx: Ctx<'_>, value: u8, newline: u8) {
    print_text(if value != 0 { "true" } else { "false" }.to_string(), newline);
}

// ----------------------------------------------------------------- arrays

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

// ----------------------------------------------------------------- maps

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

// ----------------------------------------------------------------- math, time, process

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_fmod(a: f64, b: f64) -> f64 {
    libm::fmod(a, b)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_sin(x: f64) -> f64 {
    crate::math::sin(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_cos(x: f64) -> f64 {
    crate::math::cos(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_tan(x: f64) -> f64 {
    crate::math::tan(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_atan2(y: f64, x: f64) -> f64 {
    crate::math::atan2(y, x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_exp(x: f64) -> f64 {
    crate::math::exp(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_log(x: f64) -> f64 {
    crate::math::log(x)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_pow(x: f64, y: f64) -> f64 {
    crate::math::pow(x, y)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_clock(ctx: Ctx<'_>) -> f64 {
    ctx.start.elapsed().as_secs_f64()
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_sleep(_ctx: Ctx<'_>, milliseconds: i64) {
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};
    flush_output();
    if milliseconds <= 0 {
        return;
    }
    // In slices, towards one deadline: a Ctrl-C under hot reload ends the sleep early.
    let start = Instant::now();
    let deadline = start.checked_add(Duration::from_millis(milliseconds as u64));
    loop {
        if crate::signals::INTERRUPT_PENDING.load(Ordering::SeqCst) {
            return;
        }
        let now = Instant::now();
        let left = match deadline {
            Some(deadline) if now >= deadline => return,
            Some(deadline) => deadline - now,
            None => Duration::MAX,
        };
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

/// xorshift64*: uniform in [0, 1) with 53 random bits.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_random(ctx: Ctx<'_>) -> f64 {
    let mut state = ctx.random_state;
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    ctx.random_state = state;
    let bits = state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
    bits as f64 / (1u64 << 53) as f64
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_args(ctx: Ctx<'_>) -> *mut ArrayObject {
    let arguments = ctx.args.clone();
    let array = new_array(ctx, ELEMENT_REFERENCE, arguments.len());
    ctx.heap.pause += 1;
    for (index, argument) in arguments.iter().enumerate() {
        let string = string_from(ctx, argument);
        // SAFETY: the array has room for every argument.
        unsafe { array::set(&mut *array, 8, index, string as u64) };
    }
    ctx.heap.pause -= 1;
    array
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_exit(_ctx: Ctx<'_>, code: i64) {
    exit_process(code as i32)
}

// ----------------------------------------------------------------- stdlib intrinsics

fn string_array(ctx: Ctx<'_>, parts: &[&[u8]]) -> *mut ArrayObject {
    let array = new_array(ctx, ELEMENT_REFERENCE, parts.len());
    ctx.heap.pause += 1;
    for (index, part) in parts.iter().enumerate() {
        let string = new_string(ctx, part);
        // SAFETY: the array has room for every part.
        unsafe { array::set(&mut *array, 8, index, string as u64) };
    }
    ctx.heap.pause -= 1;
    array
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_split(
    ctx: Ctx<'_>,
    string: *const StrObject,
    separator: *const StrObject,
) -> *mut ArrayObject {
    let (whole, separator) = (text(string), text(separator));
    if separator.is_empty() {
        let parts: Vec<&[u8]> = whole
            .char_indices()
            .map(|(at, c)| &whole.as_bytes()[at..at + c.len_utf8()])
            .collect();
        return string_array(ctx, &parts);
    }
    let parts: Vec<&[u8]> = whole.split(separator).map(str::as_bytes).collect();
    string_array(ctx, &parts)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_trim(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, text(string).trim())
}

/// The byte offset of the first occurrence, or -1.
#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_find(string: *const StrObject, needle: *const StrObject) -> i64 {
    text(string).find(text(needle)).map_or(-1, |at| at as i64)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_replace(
    ctx: Ctx<'_>,
    string: *const StrObject,
    from: *const StrObject,
    to: *const StrObject,
) -> *mut StrObject {
    let from = text(from);
    if from.is_empty() {
        return new_string(ctx, bytes(string));
    }
    string_from(ctx, &text(string).replace(from, text(to)))
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_starts_with(string: *const StrObject, prefix: *const StrObject) -> u8 {
    bytes(string).starts_with(bytes(prefix)) as u8
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_ends_with(string: *const StrObject, suffix: *const StrObject) -> u8 {
    bytes(string).ends_with(bytes(suffix)) as u8
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_upper(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, &text(string).to_uppercase())
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_to_lower(ctx: Ctx<'_>, string: *const StrObject) -> *mut StrObject {
    string_from(ctx, &text(string).to_lowercase())
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_byte_at(ctx: Ctx<'_>, string: *const StrObject, index: i64) -> i64 {
    let all = bytes(string);
    match usize::try_from(index).ok().and_then(|index| all.get(index)) {
        Some(&byte) => byte as i64,
        None => {
            ctx.fail(format!(
                "index out of bounds: the index is {index} but the length is {}",
                all.len()
            ));
            0
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_from_bytes(ctx: Ctx<'_>, array: *const ArrayObject) -> *mut StrObject {
    // SAFETY: a live `[int]` array.
    let array = unsafe { &*array };
    let mut collected = Vec::with_capacity(array.len as usize);
    for index in 0..array.len as usize {
        // SAFETY: the index is below the length.
        let value = unsafe { array::get(array, 8, index) } as i64;
        if !(0..=255).contains(&value) {
            ctx.fail(format!("from_bytes: {value} is not a byte (0 to 255)"));
            return string_from(ctx, "");
        }
        collected.push(value as u8);
    }
    if std::str::from_utf8(&collected).is_err() {
        ctx.fail("from_bytes: the bytes are not valid UTF-8");
        return string_from(ctx, "");
    }
    new_string(ctx, &collected)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_slice(ctx: Ctx<'_>, string: *const StrObject, start: i64, end: i64) -> *mut StrObject {
    let whole = text(string);
    let len = whole.len() as i64;
    if start < 0 || end > len || start > end {
        ctx.fail(format!(
            "slice {start}..{end} is out of bounds for a string of length {len}"
        ));
        return string_from(ctx, "");
    }
    let (start, end) = (start as usize, end as usize);
    if !whole.is_char_boundary(start) || !whole.is_char_boundary(end) {
        ctx.fail(format!("slice {start}..{end} does not fall on character boundaries"));
        return string_from(ctx, "");
    }
    let part = whole[start..end].to_string();
    string_from(ctx, &part)
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_char_count(string: *const StrObject) -> i64 {
    text(string).chars().count() as i64
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_parse_int(ctx: Ctx<'_>, string: *const StrObject) -> *mut BoxObject {
    match format::parse_int(text(string).trim()) {
        Some(value) => lang_rt_box(ctx, value as u64),
        None => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn lang_rt_str_parse_float(ctx: Ctx<'_>, string: *const StrObject) -> *mut BoxObject {
    match format::parse_float(text(string).trim()) {
        Some(value) => lang_rt_box(ctx, value.to_bits()),
        None => std::ptr::null_mut(),
    }
}
