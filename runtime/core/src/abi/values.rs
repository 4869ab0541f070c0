//! Allocation shared by the entry points (strings, arrays), and the entry points that
//! create values of the program: string literals, struct descriptors (plain and hot-reload,
//! read from `lang_abi::layout::Descriptor` text), plain structs, boxes, and the registration
//! of module variables as roots.

use std::ffi::CStr;

use crate::array;
use crate::context::*;
use crate::object::*;

#[inline]
pub(super) fn new_string(ctx: Ctx<'_>, bytes: &[u8]) -> *mut StrObject {
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

/// A new string object holding `text`.
#[inline]
pub fn string_from(ctx: Ctx<'_>, text: &str) -> *mut StrObject {
    new_string(ctx, text.as_bytes())
}

#[inline]
pub(super) fn new_array(ctx: Ctx<'_>, element_kind: u32, len: usize) -> *mut ArrayObject {
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

#[inline]
pub(super) fn bytes<'a>(string: *const StrObject) -> &'a [u8] {
    // SAFETY: compiled code passes only live string objects.
    unsafe { str_bytes(string) }
}

#[inline]
pub(super) fn text<'a>(string: *const StrObject) -> &'a str {
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
        variant_number: 0,
        enum_index: 0,
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
