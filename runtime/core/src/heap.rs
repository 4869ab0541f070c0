//! The garbage-collected heap: a non-moving mark-sweep collector with conservative stack
//! scanning and precise tracing of objects.
//!
//! Why this design (see ARCHITECTURE.md): compiled code needs no reference-count updates, no
//! shadow stack and no stack maps, so the code generator stays simple and fast; objects never
//! move, so compiled code may hold raw pointers anywhere; and because every object lives in a
//! page of one size class, the collector can enumerate every instance of a type (what struct
//! migration needs) and can tell whether an arbitrary word points into an object.
//!
//! Roots are the script thread's stack (scanned conservatively, from the collector's own frame
//! up to the base recorded when the script thread started, after spilling callee-saved
//! registers), the module-variable blocks registered by compiled code, and objects pinned by
//! the runtime itself. Inside objects, tracing is precise: the type descriptor says which
//! words are references.

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc};
use std::collections::{BTreeMap, HashMap};

use crate::object::*;

const PAGE_SIZE: usize = 1 << 16;

/// The start of each page holds its number in `Heap::pages`, so an allocation finds its page
/// without a hash lookup; slots start after this header.
const PAGE_HEADER: usize = 64;

/// Object sizes served from pages; larger objects are allocated one by one.
const SIZE_CLASSES: [usize; 28] = [
    16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024, 1280,
    1536, 1792, 2048, 4096,
];

const LARGE: u32 = u32::MAX;

/// Collections start once this much has been allocated, whatever the live size.
const MINIMUM_THRESHOLD: usize = 8 << 20;

struct Page {
    start: usize,
    size_class: usize,
    slot_size: usize,
    slots: usize,
    /// One bit per slot: the slot holds an object.
    allocated: Vec<u64>,
}

impl Page {
    fn is_allocated(&self, slot: usize) -> bool {
        self.allocated[slot / 64] & (1 << (slot % 64)) != 0
    }

    fn set_allocated(&mut self, slot: usize, value: bool) {
        if value {
            self.allocated[slot / 64] |= 1 << (slot % 64);
        } else {
            self.allocated[slot / 64] &= !(1 << (slot % 64));
        }
    }
}

struct LargeObject {
    size: usize,
}

pub struct Heap {
    pages: Vec<Page>,
    /// Page start address -> index in `pages`, for conservative pointer lookups.
    page_index: HashMap<usize, usize>,
    /// Free slots of each size class, linked through their first word.
    free_lists: [usize; SIZE_CLASSES.len()],
    large: BTreeMap<usize, LargeObject>,
    /// Bytes in live objects and the buffers they own, as of the last collection plus
    /// everything allocated since.
    pub bytes_in_use: usize,
    /// Bytes allocated since the last collection.
    allocated_since_collection: usize,
    threshold: usize,
    /// The largest heap a program may have (`LANG_MAX_HEAP`).
    pub limit: usize,
    /// Collections are postponed while positive: runtime functions that hold new objects
    /// only in Rust memory raise it.
    pub pause: usize,
    /// Module-variable blocks: (start, number of words).
    roots: Vec<(usize, usize)>,
    /// The highest address of the script thread's stack that may hold references.
    pub stack_base: usize,
    mark_stack: Vec<usize>,
    pub collections: usize,
}

impl Heap {
    pub fn new(limit: usize) -> Heap {
        Heap {
            pages: Vec::new(),
            page_index: HashMap::new(),
            free_lists: [0; SIZE_CLASSES.len()],
            large: BTreeMap::new(),
            bytes_in_use: 0,
            allocated_since_collection: 0,
            threshold: MINIMUM_THRESHOLD,
            limit,
            pause: 0,
            roots: Vec::new(),
            stack_base: 0,
            mark_stack: Vec::new(),
            collections: 0,
        }
    }

    pub fn add_root_block(&mut self, start: usize, words: usize) {
        self.roots.push((start, words));
    }

    /// Whether allocating `extra` more bytes would exceed the limit.
    pub fn over_limit(&self) -> bool {
        self.bytes_in_use > self.limit
    }

    /// Accounts for `bytes` of memory owned by an object but allocated outside the heap
    /// (array buffers, map tables), and collects when due.
    pub fn account(&mut self, bytes: usize) {
        self.bytes_in_use += bytes;
        self.allocated_since_collection += bytes;
    }

    pub fn release(&mut self, bytes: usize) {
        self.bytes_in_use = self.bytes_in_use.saturating_sub(bytes);
    }

    /// Collects if enough was allocated since the last collection.
    pub fn maybe_collect(&mut self) {
        if self.allocated_since_collection >= self.threshold && self.pause == 0 && self.stack_base != 0 {
            self.collect();
        }
    }

    /// Allocates a zeroed object of `size` bytes with the given descriptor.
    pub fn allocate(&mut self, size: usize, desc: *const TypeDesc) -> *mut u8 {
        self.maybe_collect();
        let size = size.max(16);
        let object = match SIZE_CLASSES.iter().position(|&class| class >= size) {
            Some(class) => {
                let slot_size = SIZE_CLASSES[class];
                if self.free_lists[class] == 0 {
                    self.add_page(class);
                }
                let object = self.free_lists[class];
                // SAFETY: free slots hold the address of the next free slot in their first word.
                self.free_lists[class] = unsafe { *(object as *const usize) };
                // SAFETY: the slot is `slot_size` bytes of page memory owned by the heap.
                unsafe { std::ptr::write_bytes(object as *mut u8, 0, slot_size) };
                // SAFETY: every page starts with its number (see `add_page`).
                let page = unsafe { *((object & !(PAGE_SIZE - 1)) as *const usize) };
                let page = &mut self.pages[page];
                let slot = (object - page.start - PAGE_HEADER) / page.slot_size;
                page.set_allocated(slot, true);
                self.account(slot_size);
                // SAFETY: the slot is at least 16 bytes: room for the header.
                unsafe {
                    (*(object as *mut Header)).size_class = class as u32;
                }
                object as *mut u8
            }
            None => {
                let layout = Layout::from_size_align(size, 16).expect("object size fits a layout");
                // SAFETY: the layout has a non-zero size.
                let object = unsafe { alloc_zeroed(layout) };
                if object.is_null() {
                    std::alloc::handle_alloc_error(layout);
                }
                self.large.insert(object as usize, LargeObject { size });
                self.account(size);
                // SAFETY: the allocation is at least 16 bytes.
                unsafe {
                    (*(object as *mut Header)).size_class = LARGE;
                }
                object
            }
        };
        // SAFETY: `object` is a fresh, zeroed allocation with room for a header.
        unsafe {
            (*(object as *mut Header)).desc = desc;
        }
        object
    }

    fn add_page(&mut self, class: usize) {
        let layout = Layout::from_size_align(PAGE_SIZE, PAGE_SIZE).expect("page layout");
        // SAFETY: the layout has a non-zero size.
        let start = unsafe { alloc(layout) } as usize;
        if start == 0 {
            std::alloc::handle_alloc_error(layout);
        }
        let slot_size = SIZE_CLASSES[class];
        let slots = (PAGE_SIZE - PAGE_HEADER) / slot_size;
        // SAFETY: the header lies inside the new page.
        unsafe { *(start as *mut usize) = self.pages.len() };
        // Thread the new slots onto the free list, lowest address first.
        let mut next = self.free_lists[class];
        for slot in (0..slots).rev() {
            let address = start + PAGE_HEADER + slot * slot_size;
            // SAFETY: the slot lies inside the new page.
            unsafe { *(address as *mut usize) = next };
            next = address;
        }
        self.free_lists[class] = next;
        self.page_index.insert(start, self.pages.len());
        self.pages.push(Page {
            start,
            size_class: class,
            slot_size,
            slots,
            allocated: vec![0; slots.div_ceil(64)],
        });
    }

    /// The object containing address `word`, if any (interior pointers count).
    pub fn find_object(&self, word: usize) -> Option<usize> {
        if let Some(&page) = self.page_index.get(&(word & !(PAGE_SIZE - 1))) {
            let page = &self.pages[page];
            if word < page.start + PAGE_HEADER {
                return None;
            }
            let slot = (word - page.start - PAGE_HEADER) / page.slot_size;
            if slot < page.slots && page.is_allocated(slot) {
                return Some(page.start + PAGE_HEADER + slot * page.slot_size);
            }
            return None;
        }
        let (&start, object) = self.large.range(..=word).next_back()?;
        (word < start + object.size).then_some(start)
    }

    /// Allocates `count` zeroed objects of `size` bytes with descriptor `desc`, without
    /// collecting (struct migration allocates every new payload at once).
    pub fn allocate_many(&mut self, size: usize, desc: *const TypeDesc, count: usize) -> Vec<usize> {
        let size = size.max(16);
        let Some(class) = SIZE_CLASSES.iter().position(|&class| class >= size) else {
            return (0..count).map(|_| self.allocate(size, desc) as usize).collect();
        };
        let slot_size = SIZE_CLASSES[class];
        let mut objects = Vec::with_capacity(count);
        for _ in 0..count {
            if self.free_lists[class] == 0 {
                self.add_page(class);
            }
            let object = self.free_lists[class];
            // SAFETY: free slots hold the address of the next free slot in their first word.
            self.free_lists[class] = unsafe { *(object as *const usize) };
            // SAFETY: every page starts with its number (see `add_page`).
            let page = unsafe { *((object & !(PAGE_SIZE - 1)) as *const usize) };
            let page = &mut self.pages[page];
            let slot = (object - page.start - PAGE_HEADER) / page.slot_size;
            page.set_allocated(slot, true);
            // SAFETY: the slot is `slot_size` bytes of page memory with room for a header. It
            // is zeroed so the collector never traces garbage if the caller gives up on it.
            unsafe {
                std::ptr::write_bytes(object as *mut u8, 0, slot_size);
                *(object as *mut Header) = Header {
                    desc,
                    flags: 0,
                    size_class: class as u32,
                };
            }
            objects.push(object);
        }
        self.account(slot_size * count);
        objects
    }

    /// Runs a full collection.
    pub fn collect(&mut self) {
        self.collections += 1;
        self.mark_stack.clear();
        // SAFETY: called on the script thread, whose stack spans from here to `stack_base`.
        unsafe { self.scan_stack() };
        let roots = std::mem::take(&mut self.roots);
        for &(start, words) in &roots {
            for index in 0..words {
                // SAFETY: root blocks are registered by compiled code and stay allocated.
                let word = unsafe { *((start + index * 8) as *const usize) };
                self.mark_conservative(word);
            }
        }
        self.roots = roots;
        self.drain_mark_stack();
        self.sweep();
        self.allocated_since_collection = 0;
        self.threshold = self.bytes_in_use.max(MINIMUM_THRESHOLD);
    }

    /// Scans the stack from the current frame to the base, and the callee-saved registers.
    ///
    /// # Safety
    /// Must run on the script thread after `stack_base` was set.
    #[inline(never)]
    unsafe fn scan_stack(&mut self) {
        let registers = spill_callee_saved_registers();
        for &word in &registers {
            self.mark_conservative(word);
        }
        let here = std::hint::black_box(&registers) as *const _ as usize;
        let mut address = here & !7;
        while address < self.stack_base {
            // SAFETY: the range from this frame to the base is the live part of this thread's stack.
            let word = unsafe { *(address as *const usize) };
            self.mark_conservative(word);
            address += 8;
        }
    }

    fn mark_conservative(&mut self, word: usize) {
        if word < 4096 {
            return;
        }
        if let Some(object) = self.find_object(word) {
            self.mark_object(object);
        }
    }

    /// Marks an object reached through a precise reference (which may also point to an
    /// immortal object outside the heap).
    fn mark_object(&mut self, object: usize) {
        if object == 0 {
            return;
        }
        let header = object as *mut Header;
        // SAFETY: `object` is a live object: reached from a root or another live object.
        unsafe {
            if (*header).flags & (FLAG_MARKED | FLAG_IMMORTAL) != 0 {
                return;
            }
            (*header).flags |= FLAG_MARKED;
        }
        self.mark_stack.push(object);
    }

    fn drain_mark_stack(&mut self) {
        while let Some(object) = self.mark_stack.pop() {
            // SAFETY: only live objects are pushed.
            let desc = unsafe { desc_of(object as *const u8) };
            match desc.kind {
                Kind::Str | Kind::Box => {}
                Kind::Handle => {
                    // SAFETY: a handle holds its payload pointer after the header.
                    let payload = unsafe { *((object + HANDLE_PAYLOAD_OFFSET as usize) as *const usize) };
                    self.mark_object(payload);
                }
                Kind::Struct => {
                    for (index, field) in desc.fields.iter().enumerate() {
                        if field.is_reference {
                            // SAFETY: struct objects have one word per field from `fields_offset`.
                            let value = unsafe { *((object + desc.fields_offset + index * 8) as *const usize) };
                            self.mark_object(value);
                        }
                    }
                }
                Kind::Array => {
                    if desc.holds_references {
                        let array = object as *const ArrayObject;
                        // SAFETY: a live array's buffer holds `len` elements.
                        let (data, len) = unsafe { ((*array).data as *const usize, (*array).len as usize) };
                        for index in 0..len {
                            // SAFETY: as above.
                            let value = unsafe { *data.add(index) };
                            self.mark_object(value);
                        }
                    }
                }
                Kind::Map => {
                    let map = object as *const MapObject;
                    // SAFETY: a live map owns its table.
                    let table = unsafe { &*(*map).table };
                    let mut references = Vec::new();
                    table.for_each_reference(desc.string_keys, desc.holds_references, |value| references.push(value));
                    for value in references {
                        self.mark_object(value as usize);
                    }
                }
            }
        }
    }

    fn sweep(&mut self) {
        let mut freed = 0usize;
        for page_number in 0..self.pages.len() {
            let (start, slot_size, slots, class) = {
                let page = &self.pages[page_number];
                (page.start, page.slot_size, page.slots, page.size_class)
            };
            for slot in 0..slots {
                if !self.pages[page_number].is_allocated(slot) {
                    continue;
                }
                let object = start + PAGE_HEADER + slot * slot_size;
                let header = object as *mut Header;
                // SAFETY: allocated slots hold objects.
                unsafe {
                    if (*header).flags & FLAG_MARKED != 0 {
                        (*header).flags &= !FLAG_MARKED;
                        continue;
                    }
                    freed += slot_size + finalize(object as *mut u8);
                    *(object as *mut usize) = self.free_lists[class];
                }
                self.free_lists[class] = object;
                self.pages[page_number].set_allocated(slot, false);
            }
        }
        let large = std::mem::take(&mut self.large);
        for (start, object) in large {
            let header = start as *mut Header;
            // SAFETY: large objects are live allocations until freed here.
            unsafe {
                if (*header).flags & FLAG_MARKED != 0 {
                    (*header).flags &= !FLAG_MARKED;
                    self.large.insert(start, object);
                    continue;
                }
                freed += object.size + finalize(start as *mut u8);
                dealloc(
                    start as *mut u8,
                    Layout::from_size_align(object.size, 16).expect("object layout"),
                );
            }
        }
        self.release(freed);
    }

    /// Calls `visit` with every live object whose descriptor is `desc` (for struct migration).
    /// With `size`, only pages of that object size's class are searched.
    pub fn for_each_instance(&self, desc: *const TypeDesc, mut visit: impl FnMut(*mut u8)) {
        self.for_each_instance_sized(desc, None, &mut visit);
    }

    /// [`Heap::for_each_instance`] for objects of a known size: only the pages of its size
    /// class (or the large objects) are searched.
    pub fn for_each_instance_sized(&self, desc: *const TypeDesc, size: Option<usize>, visit: &mut dyn FnMut(*mut u8)) {
        let class = size.map(|size| SIZE_CLASSES.iter().position(|&class| class >= size.max(16)));
        for page in &self.pages {
            if let Some(Some(class)) = class
                && page.size_class != class
            {
                continue;
            }
            if matches!(class, Some(None)) {
                break;
            }
            for slot in 0..page.slots {
                if page.is_allocated(slot) {
                    let object = page.start + PAGE_HEADER + slot * page.slot_size;
                    // SAFETY: allocated slots hold objects.
                    if unsafe { (*(object as *const Header)).desc } == desc {
                        visit(object as *mut u8);
                    }
                }
            }
        }
        for &start in self.large.keys() {
            // SAFETY: large objects are live allocations.
            if unsafe { (*(start as *const Header)).desc } == desc {
                visit(start as *mut u8);
            }
        }
    }
}

/// Frees what an object owns outside the heap; returns the bytes released.
///
/// # Safety
/// `object` must be a dead object that is never used again.
unsafe fn finalize(object: *mut u8) -> usize {
    // SAFETY: the caller passes an object with a valid header.
    let desc = unsafe { desc_of(object) };
    match desc.kind {
        Kind::Array => {
            let array = object as *mut ArrayObject;
            // SAFETY: the array owns its buffer, allocated by `array::reserve`.
            unsafe { crate::array::free_buffer(&mut *array, desc.element_size) }
        }
        Kind::Map => {
            let map = object as *mut MapObject;
            // SAFETY: the map owns its table, allocated with `Box::new`.
            unsafe {
                let table = Box::from_raw((*map).table);
                let bytes = table.owned_bytes();
                drop(table);
                (*map).table = std::ptr::null_mut();
                bytes
            }
        }
        _ => 0,
    }
}

/// The values of the callee-saved registers, so that references held only in registers of
/// compiled frames further up the stack are seen by the collector.
#[inline(never)]
fn spill_callee_saved_registers() -> [usize; 12] {
    let mut registers = [0usize; 12];
    #[cfg(target_arch = "x86_64")]
    // SAFETY: only reads registers and writes the local array.
    unsafe {
        std::arch::asm!(
            "mov [{0}], rbx",
            "mov [{0} + 8], rbp",
            "mov [{0} + 16], r12",
            "mov [{0} + 24], r13",
            "mov [{0} + 32], r14",
            "mov [{0} + 40], r15",
            in(reg) registers.as_mut_ptr(),
            options(nostack, preserves_flags),
        );
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: only reads registers and writes the local array.
    unsafe {
        std::arch::asm!(
            "stp x19, x20, [{0}]",
            "stp x21, x22, [{0}, #16]",
            "stp x23, x24, [{0}, #32]",
            "stp x25, x26, [{0}, #48]",
            "stp x27, x28, [{0}, #64]",
            "stp x29, x30, [{0}, #80]",
            in(reg) registers.as_mut_ptr(),
            options(nostack, preserves_flags),
        );
    }
    std::hint::black_box(registers)
}
