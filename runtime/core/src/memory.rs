//! What the heap asks of the operating system and the machine, with no knowledge of objects:
//! chunks of pages mapped with `mmap` (aligned for transparent huge pages), stopping when the
//! system refuses memory, and the callee-saved registers spilled for the collector's
//! conservative scan.

use std::alloc::Layout;

/// The size of a heap page.
pub const PAGE_SIZE: usize = 1 << 16;

/// Pages are carved out of chunks mapped from the system this large and this aligned, so that
/// the kernel can back a chunk with one transparent huge page: a program that allocates
/// megabytes takes one page fault per chunk instead of one per 4 KiB.
pub const CHUNK_SIZE: usize = 2 << 20;

/// Maps at least `count` fresh pages from the system, aligned to `CHUNK_SIZE`, and returns
/// their start and size. With `populate`, the kernel backs them with memory now, in bulk,
/// rather than on first touch one fault at a time.
///
/// Pages are never returned to the system: freed slots are reused by their size class.
pub fn map_chunk(count: usize, populate: bool) -> (usize, usize) {
    let size = (count * PAGE_SIZE).next_multiple_of(CHUNK_SIZE);
    // Map one chunk more than needed, to align the start to a chunk boundary; the unaligned
    // head and tail are unmapped at once.
    let mapped_size = size + CHUNK_SIZE;
    // SAFETY: an anonymous private mapping with no address hint has no preconditions.
    let mapped = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            mapped_size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if mapped == libc::MAP_FAILED {
        out_of_memory(mapped_size);
    }
    let mapped = mapped as usize;
    let start = mapped.next_multiple_of(CHUNK_SIZE);
    // SAFETY: both ranges lie inside the mapping just made, and nothing refers to them.
    unsafe {
        if start > mapped {
            libc::munmap(mapped as *mut libc::c_void, start - mapped);
        }
        let end = start + size;
        if mapped + mapped_size > end {
            libc::munmap(end as *mut libc::c_void, mapped + mapped_size - end);
        }
        // Both are hints: without transparent huge pages, or on a kernel older than 5.14 (no
        // MADV_POPULATE_WRITE), pages are simply faulted in on first touch.
        libc::madvise(start as *mut libc::c_void, size, libc::MADV_HUGEPAGE);
        if populate {
            libc::madvise(start as *mut libc::c_void, size, libc::MADV_POPULATE_WRITE);
        }
    }
    (start, size)
}

/// Stops the process when the system refuses memory, as the standard library does.
fn out_of_memory(size: usize) -> ! {
    std::alloc::handle_alloc_error(Layout::from_size_align(size, PAGE_SIZE).expect("page layout"))
}

/// The values of the callee-saved registers, so that references held only in registers of
/// compiled frames further up the stack are seen by the collector.
#[inline(never)]
pub fn spill_callee_saved_registers() -> [usize; 12] {
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
