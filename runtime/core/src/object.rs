//! The layout of heap objects and their type descriptors, shared with the code generator.
//!
//! Every value of a reference type is a pointer to an object that starts with a [`Header`]
//! naming its [`TypeDesc`]. The offsets below are part of the ABI between compiled code and
//! the runtime (their values come from `lang-abi`): the code generator reads array lengths and
//! elements, struct fields and string bytes directly, and calls into the runtime for
//! everything else. Hot reload knowledge: handles (`Kind::Handle`) and payloads, and the
//! layout hash and defaults of a descriptor, exist for struct migration.

use std::ptr;

/// The first 16 bytes of every heap object.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Header {
    pub desc: *const TypeDesc,
    /// Bit 0: marked by the collector. Bit 1: immortal (literals; never collected).
    pub flags: u32,
    /// For objects of the collected heap: the index of their size class (or `u32::MAX` for
    /// a large object).
    pub size_class: u32,
}

pub const FLAG_MARKED: u32 = 1;
pub const FLAG_IMMORTAL: u32 = lang_abi::OBJECT_FLAG_IMMORTAL as u32;

/// A string: its length in bytes, then the bytes (UTF-8, not NUL-terminated).
#[repr(C)]
pub struct StrObject {
    pub header: Header,
    pub len: u64,
    // followed by `len` bytes
}

pub use lang_abi::STR_BYTES_OFFSET;
pub use lang_abi::STR_LEN_OFFSET;

/// A growable array: elements live in a separately allocated buffer of `cap` elements.
#[repr(C)]
pub struct ArrayObject {
    pub header: Header,
    pub len: i64,
    pub cap: i64,
    pub data: *mut u8,
}

pub use lang_abi::ARRAY_CAPACITY_OFFSET;
pub use lang_abi::ARRAY_DATA_OFFSET;
pub use lang_abi::ARRAY_LEN_OFFSET;

/// A boxed `int`, `float` or `bool`: the representation of a non-nil `?int`, `?float` or
/// `?bool` (nil is the null pointer).
#[repr(C)]
pub struct BoxObject {
    pub header: Header,
    pub value: u64,
}

pub use lang_abi::BOX_VALUE_OFFSET;

/// Struct fields start right after the header, one 8-byte word each.
pub use lang_abi::STRUCT_FIELDS_OFFSET;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Kind {
    Str = 1,
    Array = 2,
    Map = 3,
    Struct = 4,
    Box = 5,
    /// Hot reload: a struct's identity, pointing to its payload (a `Struct` object whose
    /// fields start at `HOT_FIELDS_OFFSET`), so migration can replace the payload.
    Handle = 6,
    /// A closure with captures: the code address, the number of captured words, then the
    /// captures (LANGUAGE.md section 10). Captures are traced conservatively: a word that
    /// points into a heap object keeps it, whatever its type.
    Closure = 7,
    /// A captured variable that is assigned: one word, traced like a closure's captures.
    Cell = 8,
}

pub use lang_abi::{CELL_VALUE_OFFSET, CLOSURE_CAPTURES_OFFSET, CLOSURE_COUNT_OFFSET, FUNCTION_CODE_OFFSET};

/// Hot reload: a handle's payload pointer.
pub use lang_abi::HANDLE_PAYLOAD_OFFSET;
pub use lang_abi::HOT_FIELDS_OFFSET;
/// Hot reload: a payload's back-pointer to its handle, then its fields. A struct starts as
/// its own handle (a payload whose owner is itself: the owner word doubles as the handle's
/// payload pointer), and becomes a plain `Handle` object when a migration moves its fields
/// to a new payload.
pub use lang_abi::PAYLOAD_OWNER_OFFSET;

/// What the collector and the built-ins need to know about an object's type. `repr(C)`:
/// compiled code reads `variant_number` at `lang_abi::VARIANT_NUMBER_OFFSET`.
#[derive(Debug)]
#[repr(C)]
pub struct TypeDesc {
    /// Enum payload variants: the variant's number (the tag `match` dispatches on).
    pub variant_number: i64,
    /// Enum payload variants: the index of the enum in the enum registry (`abi/enums.rs`).
    pub enum_index: u32,
    pub kind: Kind,
    /// Arrays: the size of one element in bytes (1 for `bool`, 8 otherwise).
    pub element_size: usize,
    /// Arrays: elements are references. Maps: values are references.
    pub holds_references: bool,
    /// Maps: keys are strings (otherwise `int`).
    pub string_keys: bool,
    /// Structs: the name and the fields in layout order.
    pub name: String,
    pub fields: Vec<FieldDesc>,
    /// Where the fields start: `STRUCT_FIELDS_OFFSET`, or `HOT_FIELDS_OFFSET` for the
    /// payloads of hot-reload structs.
    pub fields_offset: usize,
    /// Hot reload: identifies the layout (compiled code passes the one it was built for).
    pub layout_hash: u64,
    /// Hot reload: per field, a function `fn(ctx) -> (word, status)` computing its default,
    /// or 0.
    pub defaults: Vec<std::sync::atomic::AtomicUsize>,
}

#[derive(Clone, Debug)]
pub struct FieldDesc {
    pub name: String,
    pub is_reference: bool,
    /// Hot reload: the field's type as written, to match fields across layouts.
    pub ty: String,
}

impl TypeDesc {
    const fn builtin(kind: Kind, element_size: usize, holds_references: bool, string_keys: bool) -> TypeDesc {
        TypeDesc {
            variant_number: 0,
            enum_index: 0,
            kind,
            element_size,
            holds_references,
            string_keys,
            name: String::new(),
            fields: Vec::new(),
            fields_offset: STRUCT_FIELDS_OFFSET as usize,
            layout_hash: 0,
            defaults: Vec::new(),
        }
    }
}

pub static STR_DESC: TypeDesc = TypeDesc::builtin(Kind::Str, 0, false, false);
pub static BOX_DESC: TypeDesc = TypeDesc::builtin(Kind::Box, 0, false, false);
pub static HANDLE_DESC: TypeDesc = TypeDesc::builtin(Kind::Handle, 0, false, false);
pub static CLOSURE_DESC: TypeDesc = TypeDesc::builtin(Kind::Closure, 0, false, false);
pub static CELL_DESC: TypeDesc = TypeDesc::builtin(Kind::Cell, 0, false, false);

/// The element kinds of arrays, as the code generator names them in calls.
pub const ELEMENT_WORD: u32 = lang_abi::ELEMENT_WORD as u32;
pub const ELEMENT_BYTE: u32 = lang_abi::ELEMENT_BYTE as u32;
pub const ELEMENT_REFERENCE: u32 = lang_abi::ELEMENT_REFERENCE as u32;

static ARRAY_WORD_DESC: TypeDesc = TypeDesc::builtin(Kind::Array, 8, false, false);
static ARRAY_BYTE_DESC: TypeDesc = TypeDesc::builtin(Kind::Array, 1, false, false);
static ARRAY_REFERENCE_DESC: TypeDesc = TypeDesc::builtin(Kind::Array, 8, true, false);

pub fn array_desc(element_kind: u32) -> &'static TypeDesc {
    match element_kind {
        ELEMENT_BYTE => &ARRAY_BYTE_DESC,
        ELEMENT_REFERENCE => &ARRAY_REFERENCE_DESC,
        _ => &ARRAY_WORD_DESC,
    }
}

/// Map kinds: bit 0 set for string keys, bit 1 set for reference values.
pub const MAP_STRING_KEYS: u32 = lang_abi::MAP_STRING_KEYS as u32;
pub const MAP_REFERENCE_VALUES: u32 = lang_abi::MAP_REFERENCE_VALUES as u32;

static MAP_DESCS: [TypeDesc; 4] = [
    TypeDesc::builtin(Kind::Map, 8, false, false),
    TypeDesc::builtin(Kind::Map, 8, false, true),
    TypeDesc::builtin(Kind::Map, 8, true, false),
    TypeDesc::builtin(Kind::Map, 8, true, true),
];

pub fn map_desc(map_kind: u32) -> &'static TypeDesc {
    &MAP_DESCS[(map_kind & 3) as usize]
}

/// The bytes of a string object.
///
/// # Safety
/// `string` must point to a live string object.
pub unsafe fn str_bytes<'a>(string: *const StrObject) -> &'a [u8] {
    // SAFETY: the caller guarantees a live string object, whose bytes follow the length.
    unsafe {
        let len = (*string).len as usize;
        std::slice::from_raw_parts((string as *const u8).add(STR_BYTES_OFFSET as usize), len)
    }
}

/// The header of any object.
///
/// # Safety
/// `object` must point to a live object.
pub unsafe fn desc_of<'a>(object: *const u8) -> &'a TypeDesc {
    // SAFETY: every object starts with a header whose descriptor outlives it.
    unsafe { &*(*(object as *const Header)).desc }
}

/// A null object pointer, for optionals.
pub const NIL: *mut u8 = ptr::null_mut();
