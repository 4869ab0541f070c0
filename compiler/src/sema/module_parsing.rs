//! Parsing a program's modules on several threads while the loader goes on reading files.
//!
//! Modules are independent until names are resolved: lexing, the habits pass and parsing of
//! one file read nothing of the others. The loader (`module_loading`) hands each file to a
//! [`ParseQueue`] as soon as it has read it, and takes the module's tree back when its
//! breadth-first walk reaches the module and needs its imports; meanwhile worker threads
//! parse the files waiting in the queue, in the order they were read. The thread that loads
//! parses too: the file it waits for when nobody has started it, or any waiting file. What
//! each module gets (tree, diagnostics) does not depend on which thread parsed it, and the
//! loader puts the results in the program in its own order, so the checked program and its
//! diagnostics are the same whatever the number of threads.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::Scope;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{self, ast, stage_times};

/// A file to parse: its place among the program's modules, its text and its id.
struct Job {
    position: usize,
    text: Arc<String>,
    file: FileId,
}

/// What parsing one file gave.
pub(super) type Parsed = (ast::Module, Vec<Diagnostic>);

#[derive(Default)]
struct State {
    waiting: VecDeque<Job>,
    done: HashMap<usize, Parsed>,
    /// Set when the loader has read every file: idle workers then end.
    closed: bool,
    /// The stage times of the workers that ended, for `LANG_CHECK_TIMES`.
    worker_times: stage_times::Totals,
}

/// What the loader and the workers share.
#[derive(Default)]
pub(super) struct Shared {
    state: Mutex<State>,
    /// Signalled when a job is queued, a result is done or the queue is closed.
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked poisons the lock; the panic itself reaches the loader when the
        // scope joins the worker, so the state is still usable until then.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The files waiting to be parsed and the threads parsing them, for one load of a program.
pub(super) struct ParseQueue<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    shared: &'env Shared,
    /// How many worker threads may be started (besides the loading thread).
    max_workers: usize,
    started_workers: usize,
}

/// The stack of a parsing thread: that of the thread `lang` checks programs on (`cli`'s
/// compiler thread). The chumsky parser, which reads every file with a syntax error, recurses
/// as deeply as the file nests (up to the lexer's limit); the space is only reserved.
const PARSER_STACK_SIZE: usize = crate::threads::DEEP_STACK_SIZE;

/// How many threads lex and parse a program's modules, and compile the first version's
/// modules under hot reload: `LANG_COMPILE_THREADS` (the knob of `lang run`'s code
/// generation) when it is a positive number, else one per core, at most four.
pub fn compile_threads() -> usize {
    std::env::var("LANG_COMPILE_THREADS")
        .ok()
        .and_then(|value| value.parse::<usize>().ok())
        .filter(|threads| *threads > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map_or(1, |count| count.get())
                .min(4)
        })
}

fn parse(job: &Job) -> Parsed {
    syntax::parse_file(&job.text, job.file)
}

impl<'scope, 'env> ParseQueue<'scope, 'env> {
    /// A queue parsing on up to `threads` threads, the calling one included.
    pub(super) fn new(scope: &'scope Scope<'scope, 'env>, shared: &'env Shared, threads: usize) -> Self {
        ParseQueue {
            scope,
            shared,
            max_workers: threads.saturating_sub(1),
            started_workers: 0,
        }
    }

    /// Queues the file of the module at `position`. A worker is started when there is more
    /// waiting than the loading thread will take next (a one-file program starts none).
    pub(super) fn submit(&mut self, position: usize, text: &Arc<String>, file: FileId) {
        let waiting = {
            let mut state = self.shared.lock();
            state.waiting.push_back(Job {
                position,
                text: text.clone(),
                file,
            });
            state.waiting.len()
        };
        self.shared.changed.notify_one();
        if waiting >= 2 && self.started_workers < self.max_workers {
            let shared = self.shared;
            let spawned = std::thread::Builder::new()
                .name("parser".into())
                .stack_size(PARSER_STACK_SIZE)
                .spawn_scoped(self.scope, move || work(shared));
            match spawned {
                Ok(_) => self.started_workers += 1,
                // Without the thread the loading thread parses everything, as with one thread.
                Err(_) => self.max_workers = self.started_workers,
            }
        }
    }

    /// The tree and diagnostics of the module at `position` (submitted before): parsed by a
    /// worker, or now by this thread, which also parses other waiting files while it waits.
    pub(super) fn take(&mut self, position: usize) -> Parsed {
        let mut state = self.shared.lock();
        loop {
            if let Some(parsed) = state.done.remove(&position) {
                return parsed;
            }
            let job = match state.waiting.iter().position(|job| job.position == position) {
                Some(index) => state.waiting.remove(index),
                None => state.waiting.pop_front(),
            };
            match job {
                Some(job) => {
                    drop(state);
                    let parsed = parse(&job);
                    if job.position == position {
                        return parsed;
                    }
                    state = self.shared.lock();
                    state.done.insert(job.position, parsed);
                }
                None => {
                    state = self
                        .shared
                        .changed
                        .wait(state)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
            }
        }
    }
}

/// Dropping the queue ends the workers once nothing is waiting (also when the loader panics,
/// so that the scope joining them does not wait forever); their stage times are added to the
/// loading thread's after the scope has joined them ([`Shared::add_worker_times`]).
impl Drop for ParseQueue<'_, '_> {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
    }
}

impl Shared {
    /// Adds the stage times of the ended workers to this thread's (`LANG_CHECK_TIMES`: lexing
    /// and parsing are then summed over threads).
    pub(super) fn add_worker_times(&self) {
        stage_times::add_totals(std::mem::take(&mut self.lock().worker_times));
    }
}

/// A worker: parses waiting files, first come first served, until the queue is closed.
fn work(shared: &Shared) {
    let mut state = shared.lock();
    loop {
        if let Some(job) = state.waiting.pop_front() {
            drop(state);
            let parsed = parse(&job);
            state = shared.lock();
            state.done.insert(job.position, parsed);
            shared.changed.notify_all();
        } else if state.closed {
            let times = stage_times::take_totals();
            stage_times::add_to(&mut state.worker_times, times);
            return;
        } else {
            state = shared
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files with and without syntax errors, parsed through queues of 1 to 4 threads: each
    /// module gets what parsing its file alone gives.
    #[test]
    fn every_module_gets_its_own_parse_whatever_the_threads() {
        let texts: Vec<String> = (0..24)
            .map(|index| match index % 3 {
                0 => format!("fn f{index}(x: int) -> int {{\n    return x * {index}\n}}\n"),
                1 => format!("fn broken{index}( {{\n    let = {index}\n}}\n"),
                _ => format!("let value{index} = \"{{1 + {index}}}\"\n"),
            })
            .collect();
        let alone: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(index, text)| format!("{:?}", syntax::parse_file(text, FileId(index as u32))))
            .collect();
        for threads in [1, 2, 4] {
            let shared = Shared::default();
            let through_queue: Vec<String> = std::thread::scope(|scope| {
                let mut queue = ParseQueue::new(scope, &shared, threads);
                let mut parsed = Vec::new();
                // Submitted in two waves, taken in order, as the loader does.
                for (index, text) in texts.iter().enumerate().take(12) {
                    queue.submit(index, &Arc::new(text.to_string()), FileId(index as u32));
                }
                for index in 0..12 {
                    parsed.push(format!("{:?}", queue.take(index)));
                }
                for (index, text) in texts.iter().enumerate().skip(12) {
                    queue.submit(index, &Arc::new(text.to_string()), FileId(index as u32));
                }
                for index in 12..texts.len() {
                    parsed.push(format!("{:?}", queue.take(index)));
                }
                parsed
            });
            shared.add_worker_times();
            assert_eq!(through_queue, alone, "{threads} threads");
        }
    }
}
