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

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The index of `mi_option_allow_thp` in the `mi_option_t` enum of mimalloc 3's `mimalloc.h`
/// (libmimalloc-sys 0.1.49). `cli/tests/allocator.rs` checks that it names that option, from
/// the options mimalloc prints under `MIMALLOC_VERBOSE=1`.
const OPTION_ALLOW_TRANSPARENT_HUGE_PAGES: libmimalloc_sys::mi_option_t = 43;

/// Sets mimalloc's options. It must run before mimalloc reads its configuration, in its own
/// constructor of priority 101: it is a constructor of priority 100.
extern "C" fn configure_before_mimalloc_starts() {
    // SAFETY: `mi_option_set` only writes mimalloc's static option table.
    unsafe { libmimalloc_sys::mi_option_set(OPTION_ALLOW_TRANSPARENT_HUGE_PAGES, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00100")]
static CONFIGURE_ALLOCATOR: extern "C" fn() = configure_before_mimalloc_starts;
