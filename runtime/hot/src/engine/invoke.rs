//! Calling compiled code from the host's thread: the stack bounds a call needs, and the
//! script ABI's register convention and result shapes.

use lang_runtime_core::Context;

use super::values::ResultKind;

/// Runs `work` with the context's stack bounds set for this thread: the collector scans from
/// here down, and deep recursion stops with a runtime error before the thread's stack ends.
#[inline(never)]
pub(super) fn with_stack<T>(ctx: &mut Context, work: impl FnOnce(&mut Context) -> T) -> T {
    let marker = 0u64;
    let base = std::hint::black_box(&marker) as *const u64 as usize;
    let (saved_base, saved_limit) = (ctx.heap.stack_base, ctx.stack_limit);
    ctx.heap.stack_base = base + 64;
    ctx.stack_limit = stack_low_end().map_or(base.saturating_sub(1 << 20), |low| low + (256 << 10));
    let result = work(ctx);
    ctx.heap.stack_base = saved_base;
    ctx.stack_limit = saved_limit;
    result
}

/// The lowest address of the calling thread's stack.
fn stack_low_end() -> Option<usize> {
    // SAFETY: pthread_getattr_np fills the attribute object, which is destroyed after.
    unsafe {
        let mut attributes: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attributes) != 0 {
            return None;
        }
        let mut address: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let found = libc::pthread_attr_getstack(&attributes, &mut address, &mut size) == 0;
        libc::pthread_attr_destroy(&mut attributes);
        found.then_some(address as usize)
    }
}

/// The result of a script function returning an integer-class word.
#[repr(C)]
pub(super) struct WordAndStatus {
    pub(super) word: u64,
    pub(super) status: u64,
}

/// The result of a script function returning a float.
#[repr(C)]
pub(super) struct FloatAndStatus {
    pub(super) value: f64,
    pub(super) status: u64,
}

/// Calls compiled code with the script ABI. Integer-class and float-class arguments travel in
/// separate register sequences, so passing every integer register and every float register
/// in order reaches the parameters whatever their interleaving; the callee ignores the rest.
#[inline(never)]
pub(super) fn invoke(ctx: &mut Context, code: usize, ints: &[u64], floats: &[f64], kind: ResultKind) -> (u64, u8) {
    let int = |index: usize| ints.get(index).copied().unwrap_or(0);
    let float = |index: usize| floats.get(index).copied().unwrap_or(0.0);
    type Args = (u64, u64, u64, u64, u64, f64, f64, f64, f64, f64, f64, f64, f64);
    let a: Args = (
        int(0),
        int(1),
        int(2),
        int(3),
        int(4),
        float(0),
        float(1),
        float(2),
        float(3),
        float(4),
        float(5),
        float(6),
        float(7),
    );
    let ctx: *mut Context = ctx;
    // SAFETY: `code` is compiled code of the signature the caller looked up; the extra
    // arguments land in registers the callee does not read.
    unsafe {
        match kind {
            ResultKind::None => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> u64 = std::mem::transmute(code);
                let status = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (0, status as u8)
            }
            ResultKind::Word => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> WordAndStatus = std::mem::transmute(code);
                let result = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (result.word, result.status as u8)
            }
            ResultKind::Float => {
                let function: extern "C" fn(
                    *mut Context,
                    u64,
                    u64,
                    u64,
                    u64,
                    u64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                    f64,
                ) -> FloatAndStatus = std::mem::transmute(code);
                let result = function(ctx, a.0, a.1, a.2, a.3, a.4, a.5, a.6, a.7, a.8, a.9, a.10, a.11, a.12);
                (result.value.to_bits(), result.status as u8)
            }
        }
    }
}
