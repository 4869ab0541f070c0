//! Compiling the modules of the first version on several threads: each module is its own JIT
//! module, translated and compiled apart from the others, so a program of N modules starts
//! in about N / threads module compiles (issue 20: `lang run --hmr` at 100,000 lines in 50
//! modules spent ~200 ms compiling them one after another, each with a handful of bodies,
//! too few for `lang run`'s threads per body).

use lang_compiler::codegen::CodegenError;
use lang_compiler::codegen::jit::HotModule;

/// A module compiled on a worker, with what else the worker made for it, on its way to the
/// compiler thread.
struct Compiled<T>(HotModule, T);

// SAFETY: a JIT module owns its code and data alone; the worker that compiled it hands it over
// whole and does not touch it again (as `compile::JitCode` hands modules to the script thread).
unsafe impl<T: Send> Send for Compiled<T> {}

/// The addresses of the runtime's functions, which generated code calls: only read.
pub(super) struct SharedSymbols<'a>(pub(super) &'a [(&'a str, *const u8)]);

// SAFETY: the pointers are addresses of functions, never dereferenced here; the slice is only
// read.
unsafe impl Sync for SharedSymbols<'_> {}

impl<'a> SharedSymbols<'a> {
    /// The symbols (a method, so that a closure captures the whole `Sync` wrapper).
    pub(super) fn get(&self) -> &'a [(&'a str, *const u8)] {
        self.0
    }
}

/// `compile(position)` for each position below `count`, on up to `threads` threads (this one
/// among them), each taking the next module when done with one; the results in order. The
/// first error (by position) is returned. Beside its module, a compile returns whatever else
/// is made per module (`T`), so that work too is spread over the threads.
pub(super) fn compile_modules<T: Send>(
    count: usize,
    threads: usize,
    compile: impl Fn(usize) -> Result<(HotModule, T), CodegenError> + Sync,
) -> Result<Vec<(HotModule, T)>, CodegenError> {
    // The results stay in order, so the first error by position is the one returned.
    lang_compiler::threads::map_in_order(count, threads, "module compile", |position| {
        compile(position).map(|(hot, extra)| Compiled(hot, extra))
    })
    .into_iter()
    .map(|result| result.map(|compiled| (compiled.0, compiled.1)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_and_the_first_error_wins() {
        let failing = |position: usize| -> Result<(HotModule, ()), CodegenError> {
            Err(CodegenError(format!("module {position}")))
        };
        let error = compile_modules(5, 3, failing).expect_err("every module failed");
        assert_eq!(error.0, "module 0");
        let none = compile_modules(0, 3, failing).expect("nothing to compile");
        assert!(none.is_empty());
    }
}
