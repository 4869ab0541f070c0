//! Hot reload only: allocating a struct of the current layout (a payload that is its own
//! handle) whose fields missing from older code get their defaults. Whole-program modes
//! never call this; it lives in the core runtime because the collector must know the layout.

use crate::context::*;
use crate::object::*;

/// What a field default returns: its value and a status (0 = ok, 1 = a runtime error).
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
