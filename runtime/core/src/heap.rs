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

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::collections::{BTreeMap, HashMap};

use crate::map::MapObject;
use crate::memory::{CHUNK_SIZE, PAGE_SIZE, map_chunk, spill_callee_saved_registers};
use crate::object::*;

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
    /// Mapped pages not yet given to a size class, highest address first (pages are taken
    /// from the end, so they are used in address order).
    spare_pages: Vec<usize>,
    /// Every chunk mapped for pages (start, size), unmapped when the heap is dropped.
    chunks: Vec<(usize, usize)>,
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
            spare_pages: Vec::new(),
            chunks: Vec::new(),
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
        self.add_page_with(class, 0);
    }

    /// Gives a fresh page to size class `class`; its first `taken` slots are marked allocated
    /// (the caller initializes them) and the rest are threaded onto the free list. Returns the
    /// page's start. Fresh pages come straight from the system, so they are zeroed.
    fn add_page_with(&mut self, class: usize, taken: usize) -> usize {
        if self.spare_pages.is_empty() {
            self.map_pages(CHUNK_SIZE / PAGE_SIZE, false);
        }
        let start = self.spare_pages.pop().expect("a page was just mapped");
        let slot_size = SIZE_CLASSES[class];
        let slots = (PAGE_SIZE - PAGE_HEADER) / slot_size;
        let taken = taken.min(slots);
        // SAFETY: the header lies inside the new page.
        unsafe { *(start as *mut usize) = self.pages.len() };
        // Thread the free slots onto the free list, lowest address first.
        let mut next = self.free_lists[class];
        for slot in (taken..slots).rev() {
            let address = start + PAGE_HEADER + slot * slot_size;
            // SAFETY: the slot lies inside the new page.
            unsafe { *(address as *mut usize) = next };
            next = address;
        }
        self.free_lists[class] = next;
        let mut allocated = vec![0u64; slots.div_ceil(64)];
        for (index, word) in allocated.iter_mut().enumerate() {
            let first = index * 64;
            if taken >= first + 64 {
                *word = u64::MAX;
            } else if taken > first {
                *word = (1u64 << (taken - first)) - 1;
            }
        }
        CLASS_PAGES[class].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.page_index.insert(start, self.pages.len());
        self.pages.push(Page {
            start,
            size_class: class,
            slot_size,
            slots,
            allocated,
        });
        start
    }

    /// Adds at least `count` fresh pages to `spare_pages`: pages prepared by another thread
    /// first, then pages mapped now. With `populate`, pages mapped now are backed by memory at
    /// once, in bulk, rather than on first touch one fault at a time.
    fn map_pages(&mut self, count: usize, populate: bool) {
        self.take_prepared_pages();
        if self.spare_pages.len() >= count {
            return;
        }
        let (start, size) = map_chunk(count - self.spare_pages.len(), populate);
        self.add_spare_pages(start, size);
    }

    /// Moves the pages `prepare_pages` mapped into `spare_pages`.
    fn take_prepared_pages(&mut self) {
        let chunks = std::mem::take(&mut *PREPARED_CHUNKS.lock().unwrap_or_else(|poisoned| poisoned.into_inner()));
        for (start, size) in chunks {
            self.add_spare_pages(start, size);
        }
    }

    fn add_spare_pages(&mut self, start: usize, size: usize) {
        self.chunks.push((start, size));
        // Pages are taken from the end of the list; keep the lowest addresses there.
        let mut pages: Vec<usize> = (0..size / PAGE_SIZE)
            .rev()
            .map(|page| start + page * PAGE_SIZE)
            .collect();
        pages.append(&mut self.spare_pages);
        self.spare_pages = pages;
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

    /// Allocates up to `wanted` objects of `size` bytes with descriptor `desc` for a bulk
    /// copy (struct migration), without collecting: a run of objects `stride` bytes apart.
    /// Each is zeroed, has its header, and is accounted. Objects the caller does not use
    /// must be given back with [`Heap::free_object`].
    ///
    /// A free slot of the size class makes a run of one; otherwise the run is a fresh page,
    /// taken from the pages `prepare_pages` populated beforehand when there are some.
    pub fn allocate_run(&mut self, size: usize, desc: *const TypeDesc, wanted: usize) -> Run {
        let Some(class) = size_class(size) else {
            let first = self.allocate(size, desc) as usize;
            return Run {
                first,
                stride: 0,
                count: 1,
            };
        };
        let slot_size = SIZE_CLASSES[class];
        let header = Header {
            desc,
            flags: 0,
            size_class: class as u32,
        };
        let first = self.free_lists[class];
        if first != 0 {
            // Free slots threaded in address order (the rest of a page) make one run.
            let mut count = 0;
            while count < wanted.max(1) {
                let object = first + count * slot_size;
                if self.free_lists[class] != object {
                    break;
                }
                // SAFETY: free slots hold the address of the next free slot in their first
                // word.
                self.free_lists[class] = unsafe { *(object as *const usize) };
                // SAFETY: every page starts with its number (see `add_page`).
                let page = unsafe { *((object & !(PAGE_SIZE - 1)) as *const usize) };
                let page = &mut self.pages[page];
                let slot = (object - page.start - PAGE_HEADER) / page.slot_size;
                page.set_allocated(slot, true);
                // SAFETY: the slot is `slot_size` bytes of page memory with room for a header;
                // a freed slot holds garbage, so it is zeroed.
                unsafe {
                    std::ptr::write_bytes(object as *mut u8, 0, slot_size);
                    *(object as *mut Header) = header;
                }
                count += 1;
            }
            self.account(slot_size * count);
            return Run {
                first,
                stride: slot_size,
                count,
            };
        }
        if self.spare_pages.is_empty() {
            self.map_pages(1, true);
        }
        let taken = wanted.min((PAGE_SIZE - PAGE_HEADER) / slot_size);
        let start = self.add_page_with(class, taken);
        let first = start + PAGE_HEADER;
        for slot in 0..taken {
            // SAFETY: the slot is zeroed page memory (fresh from the system) with room for a
            // header.
            unsafe { *((first + slot * slot_size) as *mut Header) = header };
        }
        self.account(slot_size * taken);
        Run {
            first,
            stride: slot_size,
            count: taken,
        }
    }

    /// Frees an object at once (one that [`Heap::allocate_run`] gave and that is not used).
    ///
    /// # Safety
    /// Nothing may refer to `object` afterwards.
    pub unsafe fn free_object(&mut self, object: usize) {
        // SAFETY: the caller passes an object of this heap with a valid header.
        let class = unsafe { (*(object as *const Header)).size_class };
        if class == LARGE {
            if let Some(large) = self.large.remove(&object) {
                // SAFETY: as above; the object owns nothing (it was never used).
                unsafe {
                    dealloc(
                        object as *mut u8,
                        Layout::from_size_align(large.size, 16).expect("object layout"),
                    );
                }
                self.release(large.size);
            }
            return;
        }
        let class = class as usize;
        // SAFETY: every page starts with its number (see `add_page`).
        let page = unsafe { *((object & !(PAGE_SIZE - 1)) as *const usize) };
        let page = &mut self.pages[page];
        let slot = (object - page.start - PAGE_HEADER) / page.slot_size;
        page.set_allocated(slot, false);
        // SAFETY: the slot is free now; its first word links the free list.
        unsafe { *(object as *mut usize) = self.free_lists[class] };
        self.free_lists[class] = object;
        self.release(SIZE_CLASSES[class]);
    }

    /// How many pages the heap has; pages are numbered from 0 and never go away.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Calls `visit` with every object too large for a size class whose descriptor is `desc`.
    pub fn for_each_large_instance(&self, desc: *const TypeDesc, visit: &mut dyn FnMut(*mut u8)) {
        for &start in self.large.keys() {
            // SAFETY: large objects are live allocations.
            if unsafe { (*(start as *const Header)).desc } == desc {
                visit(start as *mut u8);
            }
        }
    }

    /// Appends to `out` every object in page `page_number` whose descriptor is `desc`, if
    /// that page serves objects of `size` bytes. Struct migration walks the heap page by
    /// page, so that it may allocate in between.
    pub fn instances_in_page(&self, page_number: usize, desc: *const TypeDesc, size: usize, out: &mut Vec<usize>) {
        let page = &self.pages[page_number];
        if Some(page.size_class) != size_class(size) {
            return;
        }
        for (word_index, &word) in page.allocated.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let slot = word_index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let object = page.start + PAGE_HEADER + slot * page.slot_size;
                // SAFETY: allocated slots hold objects.
                if unsafe { (*(object as *const Header)).desc } == desc {
                    out.push(object);
                }
            }
        }
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
        // An odd word in a reference field is an enum variant without payload, an immediate
        // (`lang_abi::enums`), not a pointer.
        if object == 0 || object & 1 != 0 {
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
                Kind::Closure => {
                    // SAFETY: a closure object holds its capture count, then that many words.
                    let count = unsafe { *((object + CLOSURE_COUNT_OFFSET as usize) as *const usize) };
                    for index in 0..count {
                        // SAFETY: as above.
                        let word =
                            unsafe { *((object + CLOSURE_CAPTURES_OFFSET as usize + index * 8) as *const usize) };
                        self.mark_conservative(word);
                    }
                }
                Kind::Cell => {
                    // SAFETY: a cell holds one word.
                    let word = unsafe { *((object + CELL_VALUE_OFFSET as usize) as *const usize) };
                    self.mark_conservative(word);
                }
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

/// A heap is dropped with its context (an embedding host or a fuzzer runs many programs in
/// one process): what objects own outside the heap is freed, then the pages themselves.
impl Drop for Heap {
    fn drop(&mut self) {
        for page in &self.pages {
            for slot in 0..page.slots {
                if page.is_allocated(slot) {
                    // SAFETY: allocated slots hold objects, and nothing uses them any more.
                    unsafe { finalize((page.start + PAGE_HEADER + slot * page.slot_size) as *mut u8) };
                }
            }
        }
        for (&start, object) in &self.large {
            // SAFETY: a live large object, never used again.
            unsafe {
                finalize(start as *mut u8);
                dealloc(
                    start as *mut u8,
                    Layout::from_size_align(object.size, 16).expect("object layout"),
                );
            }
        }
        for &(start, size) in &self.chunks {
            // SAFETY: the chunk was mapped by `map_chunk` and nothing points into it now.
            unsafe { libc::munmap(start as *mut libc::c_void, size) };
        }
    }
}

/// Objects allocated together by [`Heap::allocate_run`]: `count` objects, the first at
/// `first`, each `stride` bytes after the previous.
#[derive(Clone, Copy, Debug)]
pub struct Run {
    pub first: usize,
    pub stride: usize,
    pub count: usize,
}

/// Chunks of pages mapped and populated by `prepare_pages`, waiting for a heap to take them.
static PREPARED_CHUNKS: std::sync::Mutex<Vec<(usize, usize)>> = std::sync::Mutex::new(Vec::new());

/// How many pages each size class has, across the process: an estimate of how much memory a
/// struct migration will need, available to other threads.
static CLASS_PAGES: [std::sync::atomic::AtomicUsize; SIZE_CLASSES.len()] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; SIZE_CLASSES.len()];

/// The size class serving objects of `size` bytes, if any.
fn size_class(size: usize) -> Option<usize> {
    SIZE_CLASSES.iter().position(|&class| class >= size.max(16))
}

/// Maps, on the calling thread, enough populated pages for every object of `old_size` bytes
/// to be allocated again at `new_size` bytes, for the heap to take when it next needs pages.
///
/// Struct migration allocates a new payload for every instance while the program is paused;
/// the hot-reload compiler thread calls this beforehand, so that the kernel's work of
/// backing that memory (zeroing it, and possibly compacting memory for huge pages) happens
/// while the program keeps running. The estimate counts every object of the old size class,
/// not only the struct's instances: pages not used by the migration serve later allocations.
///
/// Returns the estimated number of instances.
pub fn prepare_pages(old_size: usize, new_size: usize) -> usize {
    let (Some(old_class), Some(new_class)) = (size_class(old_size), size_class(new_size)) else {
        return 0;
    };
    let old_slots = (PAGE_SIZE - PAGE_HEADER) / SIZE_CLASSES[old_class];
    let new_slots = (PAGE_SIZE - PAGE_HEADER) / SIZE_CLASSES[new_class];
    let objects = CLASS_PAGES[old_class].load(std::sync::atomic::Ordering::Relaxed) * old_slots;
    let pages = objects.div_ceil(new_slots);
    // Small migrations are quick anyway; the bulk path is for the large ones.
    if pages < CHUNK_SIZE / PAGE_SIZE {
        return objects;
    }
    let chunk = map_chunk(pages, true);
    PREPARED_CHUNKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(chunk);
    objects
}
