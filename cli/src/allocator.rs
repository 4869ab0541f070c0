//! The memory allocator of the `lang` binary: mimalloc, with transparent huge pages off.
//!
//! Why mimalloc and not the C library's malloc: the compiler makes about a million small
//! allocations for a 100,000-line program (syntax trees, types, Cranelift's data), from several
//! threads, and glibc's malloc spent a quarter of `lang check`'s instructions on them (about
//! 140 instructions an allocation, with its per-thread arenas); mimalloc took 14% of all the
//! instructions off, and the CPU time of `lang run --hmr`'s first output fell by 16%.
//!
//! Only the `lang` binary uses it, for its compiler. The executables it builds (release builds,
//! the host of `lang build --hmr`) keep the C library's malloc: the runtime allocates a
//! program's objects in pages of its own (`runtime/core/src/heap.rs`), so the allocator made no
//! difference there (binarytrees: the same instruction count), and release executables stay
//! free of a C library built into them.
//!
//! Transparent huge pages are turned off for mimalloc (its `allow_thp` option, set before
//! mimalloc starts): with them, the first output of `lang run --hmr` on a 100,000-line program
//! took 98 MB of peak memory against glibc's 75 MB; without them, the same as glibc
//! (bench/results/start-up.md).
//!
//! `LANG_SYSTEM_ALLOCATOR=1` runs `lang` on the C library's malloc instead, for valgrind.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, or the C library's malloc when `LANG_SYSTEM_ALLOCATOR=1`: valgrind's memcheck
/// sees every block malloc hands out, but mimalloc's pages only as one mapping, so
/// `tools/valgrind.sh` runs `lang` on malloc. The choice is made once, before the first
/// allocation (see [`configure_before_mimalloc_starts`]), so a block is always freed by the
/// allocator that made it.
struct Allocator;

/// Set when `LANG_SYSTEM_ALLOCATOR=1`; written once, before `main` and any allocation.
static USE_SYSTEM_ALLOCATOR: AtomicBool = AtomicBool::new(false);

// SAFETY: each method forwards to one allocator, the same one for the whole process.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if USE_SYSTEM_ALLOCATOR.load(Ordering::Relaxed) {
            // SAFETY: the caller's contract is passed on.
            unsafe { System.alloc(layout) }
        } else {
            // SAFETY: the caller's contract is passed on.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if USE_SYSTEM_ALLOCATOR.load(Ordering::Relaxed) {
            // SAFETY: the caller's contract is passed on.
            unsafe { System.alloc_zeroed(layout) }
        } else {
            // SAFETY: the caller's contract is passed on.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        if USE_SYSTEM_ALLOCATOR.load(Ordering::Relaxed) {
            // SAFETY: the block came from the same allocator (the choice never changes).
            unsafe { System.dealloc(pointer, layout) }
        } else {
            // SAFETY: the block came from the same allocator (the choice never changes).
            unsafe { mimalloc::MiMalloc.dealloc(pointer, layout) }
        }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if USE_SYSTEM_ALLOCATOR.load(Ordering::Relaxed) {
            // SAFETY: the block came from the same allocator (the choice never changes).
            unsafe { System.realloc(pointer, layout, new_size) }
        } else {
            // SAFETY: the block came from the same allocator (the choice never changes).
            unsafe { mimalloc::MiMalloc.realloc(pointer, layout, new_size) }
        }
    }
}

/// The index of `mi_option_allow_thp` in the `mi_option_t` enum of mimalloc 3's `mimalloc.h`
/// (libmimalloc-sys 0.1.49). `cli/tests/allocator.rs` checks that it names that option, from
/// the options mimalloc prints under `MIMALLOC_VERBOSE=1`.
const OPTION_ALLOW_TRANSPARENT_HUGE_PAGES: libmimalloc_sys::mi_option_t = 43;

/// Chooses the allocator and sets mimalloc's options. It must run before mimalloc reads its
/// configuration, in its own constructor of priority 101: it is a constructor of priority 100.
/// It allocates nothing (`getenv` reads the environment in place).
extern "C" fn configure_before_mimalloc_starts() {
    // SAFETY: the name is a NUL-terminated literal; the result is read before any other
    // thread exists, and only its first two bytes.
    let system = unsafe {
        let value = libc::getenv(c"LANG_SYSTEM_ALLOCATOR".as_ptr());
        !value.is_null() && *value == b'1' as libc::c_char && *value.add(1) == 0
    };
    USE_SYSTEM_ALLOCATOR.store(system, Ordering::Relaxed);
    // SAFETY: `mi_option_set` only writes mimalloc's static option table.
    unsafe { libmimalloc_sys::mi_option_set(OPTION_ALLOW_TRANSPARENT_HUGE_PAGES, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_before_mimalloc_starts;
