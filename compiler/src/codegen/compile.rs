//! Compiling translated bodies to machine code: inside the Cranelift module one by one (release
//! builds, hot reload), or apart from it — on several threads, each function looked up in the
//! compile cache first — and then defined in the module as bytes (`lang run`).
//!
//! A `JITModule` is not `Sync`, but compiling a function needs only the ISA: each worker thread
//! has its own Cranelift `Context` and turns a share of the bodies into code, bytes and
//! relocations; the module then defines them on this thread in the original order, so the
//! program's code is laid out the same whatever the number of threads.

use std::collections::HashMap;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir;
use cranelift_codegen::isa::TargetIsa;
use cranelift_module::{FuncId, Module, ModuleReloc};

use crate::cache::{CodeCache, CraneliftStore};
use crate::codegen::config::quick_isa;
use crate::codegen::inline::{Inliner, inline_candidates};
use crate::codegen::target::RunOnceCode;
use crate::codegen::{CodegenError, CodegenOptions, ProgramState};

/// Compiles every translated body into the module, inlining small callees when enabled.
pub(crate) fn compile_bodies(state: &mut ProgramState<'_>) -> Result<(), CodegenError> {
    let bodies = std::mem::take(&mut state.bodies);
    let candidates = inline_candidates(state, &bodies);
    if state.options.keep_ir {
        for (_, symbol, function) in &bodies {
            state.ir.push_str(&format!("; {symbol}\n{}\n", function.display()));
        }
    }
    let quick = match state.target.run_once_code() {
        // A shared library's code is position-independent, as its module's ISA says.
        RunOnceCode::Quick => quick_isa(state.module.isa().flags().is_pic()),
        RunOnceCode::Optimized => None,
    };
    if state.options.compiles_outside_the_module() {
        let compiled = compile_apart(state.module.isa(), quick, bodies, &candidates, state.options);
        for body in compiled {
            let body = body?;
            state
                .module
                .define_function_bytes(body.id, body.alignment, &body.code, &body.relocations)
                .map_err(|error| CodegenError(format!("cannot define `{}`: {error:?}", body.symbol)))?;
            record(state, body.id, body.symbol, body.size, body.disassembly);
        }
        return Ok(());
    }
    // One context for all the bodies: Cranelift keeps its working memory (the register
    // allocator's above all) from one function to the next, instead of allocating and
    // touching it afresh for each (a hot module version is hundreds of small functions).
    let mut context = state.module.make_context();
    for (id, symbol, function) in bodies {
        if let Some(quick) = quick.filter(|_| runs_once(&symbol)) {
            let body = compile_one(&mut context, quick, id, symbol, function, &candidates, state.options)?;
            state
                .module
                .define_function_bytes(body.id, body.alignment, &body.code, &body.relocations)
                .map_err(|error| CodegenError(format!("cannot define `{}`: {error:?}", body.symbol)))?;
            record(state, body.id, body.symbol, body.size, body.disassembly);
            continue;
        }
        state.module.clear_context(&mut context);
        context.func = function;
        inline_into(&mut context, &candidates, &symbol)?;
        context.set_disasm(state.options.disassemble);
        state
            .module
            .define_function(id, &mut context)
            .map_err(|error| CodegenError(format!("cannot compile `{symbol}`: {error:?}")))?;
        let size = context.compiled_code().map_or(0, |code| code.code_info().total_size);
        let disassembly = context.compiled_code().and_then(|code| code.vcode.clone());
        record(state, id, symbol, size, disassembly);
    }
    Ok(())
}

/// Whether `symbol` names code a hot module version runs once (see `RunOnceCode`): its setup
/// (`m.<setup>`), a variable initializer (`m.<init x>`, run again only when a reload
/// re-evaluates it), its poll trampoline (`lang.poll`, at a reload) or a field default
/// (`S.<default S.f>`, run only when a reload migrates instances of a changed struct; a
/// reload compiles every default of each module it compiles, 13 of the 14 optimized
/// functions of a body edit of the 100,000-line program's middle module). Script functions'
/// symbols are `module.name`, whose name cannot hold `<`; a script function `poll` of a module
/// `lang` would only be compiled without optimization.
fn runs_once(symbol: &str) -> bool {
    symbol == "lang.poll" || symbol.ends_with(".<setup>") || symbol.contains(".<init ") || symbol.contains(".<default ")
}

fn record(state: &mut ProgramState<'_>, id: FuncId, symbol: String, size: u32, disassembly: Option<String>) {
    if let Some(text) = disassembly {
        state.disassembly.push_str(&format!("; {symbol}\n{text}\n"));
    }
    state.translated.push((id, symbol, size));
}

fn inline_into(
    context: &mut cranelift_codegen::Context,
    candidates: &HashMap<u32, ir::Function>,
    symbol: &str,
) -> Result<(), CodegenError> {
    if !candidates.is_empty() {
        context
            .inline(Inliner { candidates })
            .map_err(|error| CodegenError(format!("cannot inline into `{symbol}`: {error:?}")))?;
    }
    Ok(())
}

/// One function's machine code, ready to be defined in the module.
struct CompiledBody {
    id: FuncId,
    symbol: String,
    alignment: u64,
    code: Vec<u8>,
    relocations: Vec<ModuleReloc>,
    size: u32,
    disassembly: Option<String>,
}

/// Below this many bodies one thread compiles them all: starting threads would cost more than
/// it saves (a hot reload of one module, a small script).
const BODIES_PER_THREAD: usize = 64;
/// More threads than this gain little: the module defines the results on one thread.
const MAXIMUM_THREADS: usize = 8;

/// Compiles `bodies` on worker threads; the results come back in the order of `bodies`. Code
/// that runs once (`runs_once`) is compiled with `quick` when given. The largest bodies are
/// handed out first, each thread taking the next when done with one: a small program's time
/// is often one large function (a benchmark's loop), which should not wait behind the others.
fn compile_apart(
    isa: &dyn TargetIsa,
    quick: Option<&dyn TargetIsa>,
    bodies: Vec<(FuncId, String, ir::Function)>,
    candidates: &HashMap<u32, ir::Function>,
    options: CodegenOptions,
) -> Vec<Result<CompiledBody, CodegenError>> {
    let isa_of = |symbol: &str| quick.filter(|_| runs_once(symbol)).unwrap_or(isa);
    let threads = thread_count(options.compile_threads, bodies.len());
    if threads <= 1 {
        let mut context = cranelift_codegen::Context::new();
        return bodies
            .into_iter()
            .map(|(id, symbol, function)| {
                compile_one(&mut context, isa_of(&symbol), id, symbol, function, candidates, options)
            })
            .collect();
    }
    let count = bodies.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by_key(|&index| std::cmp::Reverse(bodies[index].2.dfg.num_insts()));
    let bodies: Vec<std::sync::Mutex<Option<(FuncId, String, ir::Function)>>> = bodies
        .into_iter()
        .map(|body| std::sync::Mutex::new(Some(body)))
        .collect();
    let compiled = crate::threads::map_in_order(count, threads, "lang-compile", |position| {
        let index = order[position];
        let taken = bodies[index]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let result = match taken {
            Some((id, symbol, function)) => COMPILE_CONTEXT.with(|context| {
                let mut context = context.borrow_mut();
                compile_one(&mut context, isa_of(&symbol), id, symbol, function, candidates, options)
            }),
            None => Err(CodegenError("a body was handed out twice".into())),
        };
        (index, result)
    });
    let mut results: Vec<Option<Result<CompiledBody, CodegenError>>> = (0..count).map(|_| None).collect();
    for (index, result) in compiled {
        results[index] = Some(result);
    }
    results
        .into_iter()
        .map(|result| result.unwrap_or_else(|| Err(CodegenError("a compiling thread failed".into()))))
        .collect()
}

thread_local! {
    /// Each compiling thread's Cranelift context, kept from one body to the next (its working
    /// memory, the register allocator's above all, is reused rather than allocated afresh).
    static COMPILE_CONTEXT: std::cell::RefCell<cranelift_codegen::Context> =
        std::cell::RefCell::new(cranelift_codegen::Context::new());
}

fn thread_count(asked: usize, bodies: usize) -> usize {
    if asked != 0 {
        return asked;
    }
    let available = std::thread::available_parallelism().map_or(1, |count| count.get());
    available.min(MAXIMUM_THREADS).min(bodies / BODIES_PER_THREAD).max(1)
}

/// Compiles `function` in `context` (cleared first, so that one context serves many bodies).
fn compile_one(
    context: &mut cranelift_codegen::Context,
    isa: &dyn TargetIsa,
    id: FuncId,
    symbol: String,
    function: ir::Function,
    candidates: &HashMap<u32, ir::Function>,
    options: CodegenOptions,
) -> Result<CompiledBody, CodegenError> {
    context.clear();
    context.func = function;
    inline_into(context, candidates, &symbol)?;
    context.set_disasm(options.disassemble);
    let mut control_plane = ControlPlane::default();
    // Disassembly is only made by a real compile, so `LANG_DUMP_ASM` bypasses the cache.
    let cache: Option<&CodeCache> = options.code_cache.filter(|_| !options.disassemble);
    let compiled = match cache {
        Some(cache) => context
            .compile_with_cache(isa, &mut CraneliftStore(cache), &mut control_plane)
            .map(|_| ()),
        None => context.compile(isa, &mut control_plane).map(|_| ()),
    };
    compiled.map_err(|error| CodegenError(format!("cannot compile `{symbol}`: {:?}", error.inner)))?;
    let Some(code) = context.compiled_code() else {
        return Err(CodegenError(format!("no code for `{symbol}`")));
    };
    let relocations = code
        .buffer
        .relocs()
        .iter()
        .map(|relocation| ModuleReloc::from_mach_reloc(relocation, &context.func, id))
        .collect();
    Ok(CompiledBody {
        id,
        alignment: code.buffer.alignment as u64,
        code: code.code_buffer().to_vec(),
        relocations,
        size: code.code_info().total_size,
        disassembly: code.vcode.clone(),
        symbol,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn code_that_runs_once_per_version_is_told_from_script_functions_by_its_symbol() {
        for symbol in [
            "lang.poll",
            "game.<setup>",
            "game.<init score>",
            "Item.<default Item.tags>",
            "Shape.Circle.<default Shape.Circle.radius>",
        ] {
            assert!(super::runs_once(symbol), "{symbol}");
        }
        for symbol in ["game.update", "game.poll", "lang.main", "game.init_default"] {
            assert!(!super::runs_once(symbol), "{symbol}");
        }
    }
}
