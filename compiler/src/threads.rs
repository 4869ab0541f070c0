//! Work spread over threads the way every parallel stage of the compiler does it: a queue of
//! positions that each thread takes from until it is empty, results in the order of the
//! positions, and threads with a deep stack.
//!
//! Every stage walks syntax trees recursively, as deep as the code nests, so a worker gets
//! the stack of the compiler thread (reserved, not committed: pages are touched only as deep
//! as a walk goes), and a nesting that the compiler thread survives does not overflow a
//! worker. A thread the system will not start leaves its share to the others, the calling
//! thread among them, so the work is done however many threads start.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of every compiler thread: the size the command line gives its compiler thread.
pub const DEEP_STACK_SIZE: usize = 1 << 30;

/// `work(position)` for every position below `count`, on up to `threads` threads (this one
/// among them, the others named `name`), each taking the next position when done with one;
/// the results in the order of the positions, whatever thread computed them.
pub fn map_in_order<T: Send>(count: usize, threads: usize, name: &str, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = threads.min(count).max(1);
    if threads == 1 {
        return (0..count).map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    let take_until_empty = || {
        loop {
            let position = next.fetch_add(1, Ordering::Relaxed);
            if position >= count {
                break;
            }
            let result = work(position);
            done.lock().unwrap_or_else(|poisoned| poisoned.into_inner())[position] = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            // A thread that cannot start leaves its share to the others.
            let _ = std::thread::Builder::new()
                .name(name.to_string())
                .stack_size(DEEP_STACK_SIZE)
                .spawn_scoped(scope, take_until_empty);
        }
        take_until_empty();
    });
    done.into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_iter()
        .map(|result| result.expect("the queue hands out every position once, and each is done before the scope ends"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_order_of_the_positions() {
        for threads in [1, 2, 3, 8] {
            let squares = map_in_order(10, threads, "test", |position| position * position);
            assert_eq!(squares, (0..10).map(|n| n * n).collect::<Vec<_>>());
        }
        assert!(map_in_order(0, 4, "test", |position| position).is_empty());
    }
}
