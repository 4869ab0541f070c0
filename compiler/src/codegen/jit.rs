//! The JIT driver: translates a whole program into one cranelift-jit module (direct calls)
//! and hands back the entry point.
//!
//! The runtime's entry points are passed in as a symbol table by the caller, so the compiler
//! does not depend on the runtime crate.

use cranelift_jit::{ArenaMemoryProvider, JITBuilder, JITModule};

pub use super::config::{flags, flags_with};
use super::image::{ProgramImage, RecordingModule};
use super::{CodegenError, CodegenOptions, TranslatedProgram, translate_program};
use crate::sema::CheckedProgram;

/// A compiled program living in JIT memory. Dropping it would free the code, so it is kept
/// for as long as the program runs.
pub struct JitProgram {
    module: Option<JITModule>,
    entry: *const u8,
    /// Each function's address, size and symbol name, for perf maps.
    pub functions: Vec<(usize, u32, String)>,
    /// Machine code as text, when asked for.
    pub disassembly: String,
}

impl std::fmt::Debug for JitProgram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitProgram").field("entry", &self.entry).finish()
    }
}

/// A JIT module for this machine that resolves the runtime's symbols from `symbols`.
fn new_jit_module(symbols: &[(&str, *const u8)]) -> Result<JITModule, CodegenError> {
    let isa_builder =
        cranelift_native::builder().map_err(|error| CodegenError(format!("this machine is not supported: {error}")))?;
    let isa = isa_builder
        .finish(flags(false)?)
        .map_err(|error| CodegenError(format!("cannot configure code generation: {error}")))?;
    let mut builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
    for (name, address) in symbols {
        builder.symbol(*name, *address);
    }
    // All of a module's code and data in one reserved range: calls between its functions and
    // references to its data are 32-bit PC-relative, which the default provider (a separate
    // mapping per allocation) can place too far apart to reach, now and then.
    let arena = ArenaMemoryProvider::new_with_size(JIT_ARENA_SIZE)
        .map_err(|error| CodegenError(format!("cannot reserve memory for compiled code: {error}")))?;
    builder.memory_provider(Box::new(arena));
    Ok(JITModule::new(builder))
}

/// The address range reserved for one JIT module: well within the ±2 GiB of a 32-bit
/// PC-relative reference, and only reserved (pages are committed as code is written).
const JIT_ARENA_SIZE: usize = 1 << 30;

impl JitProgram {
    /// Compiles `checked` for this machine. `symbols` maps runtime symbol names to addresses.
    pub fn compile(
        checked: &CheckedProgram,
        symbols: &[(&str, *const u8)],
        options: CodegenOptions,
    ) -> Result<JitProgram, CodegenError> {
        let mut module = new_jit_module(symbols)?;
        let translated = translate_program(checked, &mut module, options)?;
        JitProgram::finish(module, translated)
    }

    /// Like [`JitProgram::compile`], and also returns the program's image: what a later start
    /// of the same program can replay instead of checking and compiling it.
    pub fn compile_recording(
        checked: &CheckedProgram,
        symbols: &[(&str, *const u8)],
        options: CodegenOptions,
    ) -> Result<(JitProgram, ProgramImage), CodegenError> {
        let mut module = new_jit_module(symbols)?;
        let mut recording = RecordingModule {
            inner: &mut module,
            image: ProgramImage::default(),
        };
        let translated = translate_program(checked, &mut recording, options)?;
        let mut image = recording.image;
        image.entry = translated.entry.as_u32();
        image.functions = translated
            .functions
            .iter()
            .map(|(id, name, size)| (id.as_u32(), name.clone(), *size))
            .collect();
        Ok((JitProgram::finish(module, translated)?, image))
    }

    /// Finalizes `module`, into which `translated` was compiled.
    fn finish(mut module: JITModule, mut translated: TranslatedProgram) -> Result<JitProgram, CodegenError> {
        module.finalize_definitions()?;
        let entry = module.get_finalized_function(translated.entry);
        let functions = std::mem::take(&mut translated.functions)
            .into_iter()
            .map(|(id, name, size)| (module.get_finalized_function(id) as usize, size, name))
            .collect();
        Ok(JitProgram {
            module: Some(module),
            entry,
            functions,
            disassembly: translated.disassembly,
        })
    }

    /// The program an image describes, linked against `symbols` in this process.
    pub fn from_image(image: &ProgramImage, symbols: &[(&str, *const u8)]) -> Result<JitProgram, CodegenError> {
        let mut module = new_jit_module(symbols)?;
        let entry = image.replay(&mut module)?;
        module.finalize_definitions()?;
        let entry = module.get_finalized_function(entry);
        let functions = image
            .functions
            .iter()
            .map(|(id, name, size)| {
                let address = module.get_finalized_function(cranelift_module::FuncId::from_u32(*id)) as usize;
                (address, *size, name.clone())
            })
            .collect();
        Ok(JitProgram {
            module: Some(module),
            entry,
            functions,
            disassembly: String::new(),
        })
    }

    /// The address of `lang_entry(ctx) -> status`.
    pub fn entry(&self) -> *const u8 {
        self.entry
    }

    /// Writes `/tmp/perf-PID.map` so that `perf report` names script functions.
    pub fn write_perf_map(&self) -> std::io::Result<()> {
        use std::io::Write;
        let path = format!("/tmp/perf-{}.map", std::process::id());
        let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (address, size, name) in &self.functions {
            writeln!(file, "{address:x} {size:x} {name}")?;
        }
        file.flush()
    }
}

impl Drop for JitProgram {
    fn drop(&mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the program is no longer running when its JitProgram is dropped.
            unsafe { module.free_memory() };
        }
    }
}

/// One module of a program compiled for hot reload into its own JIT module (DESIGN.md: the
/// unit that is compiled, kept while frames may return into it, and freed).
pub struct HotModule {
    module: Option<JITModule>,
    /// The setup function: `fn(ctx) -> status`.
    pub setup: usize,
    /// Each script function and its address.
    pub functions: Vec<lang_abi::FunctionRecord<usize>>,
    /// Each module variable and its initializer `fn(ctx) -> status`.
    pub variables: Vec<lang_abi::VariableRecord<usize>>,
    /// Slots to point at these wrappers of built-ins.
    pub slot_patches: Vec<(u64, usize)>,
    /// The module's structs and their layouts.
    pub structs: Vec<lang_abi::StructRecord>,
    /// Field defaults as `fn(ctx) -> (word, status)`.
    pub defaults: Vec<lang_abi::DefaultRecord<usize>>,
    /// The module's enums and their variant numbers.
    pub enums: Vec<lang_abi::EnumRecord>,
    /// The lowest and highest code addresses, to tell whether a frame returns into it.
    pub code_range: (usize, usize),
    /// Each function's address, size and symbol name, for perf maps.
    pub symbols: Vec<(usize, u32, String)>,
    /// The machine code of each function as text, when `CodegenOptions::disassemble` is set.
    pub disassembly: String,
}

impl std::fmt::Debug for HotModule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HotModule")
            .field("code_range", &self.code_range)
            .finish()
    }
}

impl HotModule {
    /// Compiles module `target` of `checked` for hot reload.
    pub fn compile(
        checked: &CheckedProgram,
        target: super::HotTarget<'_>,
        symbols: &[(&str, *const u8)],
        options: CodegenOptions,
    ) -> Result<HotModule, CodegenError> {
        Self::compile_with(checked, target, symbols, options, None)
    }

    /// `compile`, with the program's analysis shared among the modules of one version
    /// (`codegen::ProgramAnalysis`; `None` makes it here).
    pub fn compile_with(
        checked: &CheckedProgram,
        target: super::HotTarget<'_>,
        symbols: &[(&str, *const u8)],
        options: CodegenOptions,
        analysis: Option<&super::ProgramAnalysis>,
    ) -> Result<HotModule, CodegenError> {
        let mut module = new_jit_module(symbols)?;
        let translated = super::translate_hot_module_with(checked, &mut module, options, target, analysis)?;
        module.finalize_definitions()?;
        let address = |id| module.get_finalized_function(id) as usize;
        let functions = translated
            .hot_functions
            .iter()
            .map(|function| function.clone().map(address))
            .collect();
        let variables = translated
            .hot_variables
            .iter()
            .map(|variable| variable.clone().map(address))
            .collect();
        let defaults = translated
            .hot_defaults
            .iter()
            .map(|default| default.clone().map(address))
            .collect();
        let slot_patches = translated
            .slot_patches
            .iter()
            .map(|(slot, id)| (*slot, address(*id)))
            .collect();
        let symbols: Vec<(usize, u32, String)> = translated
            .functions
            .iter()
            .map(|(id, name, size)| (address(*id), *size, name.clone()))
            .collect();
        let low = symbols.iter().map(|(start, _, _)| *start).min().unwrap_or(0);
        let high = symbols
            .iter()
            .map(|(start, size, _)| start + *size as usize)
            .max()
            .unwrap_or(0);
        Ok(HotModule {
            setup: address(translated.entry),
            functions,
            variables,
            slot_patches,
            structs: translated.hot_structs.clone(),
            enums: translated.hot_enums.clone(),
            defaults,
            code_range: (low, high),
            symbols,
            disassembly: translated.disassembly,
            module: Some(module),
        })
    }

    /// Frees the module's code and data.
    ///
    /// # Safety
    /// No frame may still return into this module, and nothing may call into it again.
    pub unsafe fn free(mut self) {
        if let Some(module) = self.module.take() {
            // SAFETY: the caller guarantees the code is no longer in use.
            unsafe { module.free_memory() };
        }
    }
}
