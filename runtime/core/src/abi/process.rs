//! Time, randomness and the process: `clock`, `sleep` (hot reload knowledge: a Ctrl-C under
//! hot reload ends it early), `random`, the program's arguments and `exit`.

use super::values::{new_array, string_from};
use crate::array;
use crate::context::*;
use crate::object::*;

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
