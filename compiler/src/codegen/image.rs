//! A program image: everything `lang run` put into its JIT module (each declaration in order,
//! each function's machine code with its relocations, each data object), recorded while the
//! program is compiled and replayed into a fresh JIT module by a later start.
//!
//! Replaying needs neither the source nor the checker: a second start of an unchanged program
//! declares the same functions and data in the same order (so every `FuncId` and `DataId` is the
//! one the code's relocations name), defines the recorded bytes, and lets the JIT module link
//! them against this process's runtime as it links freshly compiled code. Nothing recorded is an
//! address of the process that compiled it: calls and data references are relocations, runtime
//! entry points are imports resolved by name, and `lang run` code holds no slot addresses (only
//! hot code does, and hot code is never recorded).

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::{Context, ir, isa};
use cranelift_module::{
    DataDescription, DataId, FuncId, Linkage, Module, ModuleDeclarations, ModuleReloc, ModuleRelocTarget, ModuleResult,
};
use serde::{Deserialize, Serialize};

/// What a program's compile did to its JIT module, in order.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProgramImage {
    steps: Vec<Step>,
    /// The entry point `lang_entry`.
    pub(crate) entry: u32,
    /// Each compiled function: its id, symbol and code size (for perf maps).
    pub(crate) functions: Vec<(u32, String, u32)>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
enum Step {
    DeclareFunction {
        name: Option<String>,
        linkage: Linkage,
        signature: ir::Signature,
    },
    DeclareData {
        name: Option<String>,
        linkage: Linkage,
        writable: bool,
        tls: bool,
    },
    DefineFunction {
        id: u32,
        alignment: u64,
        code: Vec<u8>,
        relocations: Vec<Relocation>,
    },
    DefineData {
        id: u32,
        description: DataDescription,
    },
}

/// A `ModuleReloc`, which has no serde form of its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Relocation {
    offset: u32,
    kind: cranelift_codegen::binemit::Reloc,
    target: ModuleRelocTarget,
    addend: i64,
}

impl Relocation {
    fn from_module(relocation: &ModuleReloc) -> Relocation {
        Relocation {
            offset: relocation.offset,
            kind: relocation.kind,
            target: relocation.name.clone(),
            addend: relocation.addend,
        }
    }

    fn to_module(&self) -> ModuleReloc {
        ModuleReloc {
            offset: self.offset,
            kind: self.kind,
            name: self.target.clone(),
            addend: self.addend,
        }
    }
}

impl ProgramImage {
    /// The image as bytes, for the compile cache.
    pub fn to_bytes(&self) -> Option<Vec<u8>> {
        postcard::to_allocvec(self).ok()
    }

    /// An image from [`ProgramImage::to_bytes`]'s bytes; `None` when they do not decode (the
    /// entry they came from was already verified, so this only guards against a format change).
    pub fn from_bytes(bytes: &[u8]) -> Option<ProgramImage> {
        postcard::from_bytes(bytes).ok()
    }

    /// How many functions the image defines.
    pub fn function_count(&self) -> usize {
        self.functions.len()
    }

    /// Replays every recorded step into `module`, which must be fresh: its ids are then the
    /// recorded ones. Returns the entry point's id.
    pub(crate) fn replay(&self, module: &mut dyn Module) -> ModuleResult<FuncId> {
        for step in &self.steps {
            match step {
                Step::DeclareFunction {
                    name: Some(name),
                    linkage,
                    signature,
                } => {
                    module.declare_function(name, *linkage, signature)?;
                }
                Step::DeclareFunction {
                    name: None, signature, ..
                } => {
                    module.declare_anonymous_function(signature)?;
                }
                Step::DeclareData {
                    name: Some(name),
                    linkage,
                    writable,
                    tls,
                } => {
                    module.declare_data(name, *linkage, *writable, *tls)?;
                }
                Step::DeclareData {
                    name: None,
                    writable,
                    tls,
                    ..
                } => {
                    module.declare_anonymous_data(*writable, *tls)?;
                }
                Step::DefineFunction {
                    id,
                    alignment,
                    code,
                    relocations,
                } => {
                    let relocations: Vec<ModuleReloc> = relocations.iter().map(Relocation::to_module).collect();
                    module.define_function_bytes(FuncId::from_u32(*id), *alignment, code, &relocations)?;
                }
                Step::DefineData { id, description } => {
                    module.define_data(DataId::from_u32(*id), description)?;
                }
            }
        }
        Ok(FuncId::from_u32(self.entry))
    }
}

/// A module that does what the module it wraps does and writes each step into an image.
pub(crate) struct RecordingModule<'a> {
    pub(crate) inner: &'a mut dyn Module,
    pub(crate) image: ProgramImage,
}

impl Module for RecordingModule<'_> {
    fn isa(&self) -> &dyn isa::TargetIsa {
        self.inner.isa()
    }

    fn declarations(&self) -> &ModuleDeclarations {
        self.inner.declarations()
    }

    fn declare_function(&mut self, name: &str, linkage: Linkage, signature: &ir::Signature) -> ModuleResult<FuncId> {
        let id = self.inner.declare_function(name, linkage, signature)?;
        self.image.steps.push(Step::DeclareFunction {
            name: Some(name.to_string()),
            linkage,
            signature: signature.clone(),
        });
        Ok(id)
    }

    fn declare_anonymous_function(&mut self, signature: &ir::Signature) -> ModuleResult<FuncId> {
        let id = self.inner.declare_anonymous_function(signature)?;
        self.image.steps.push(Step::DeclareFunction {
            name: None,
            linkage: Linkage::Local,
            signature: signature.clone(),
        });
        Ok(id)
    }

    fn declare_data(&mut self, name: &str, linkage: Linkage, writable: bool, tls: bool) -> ModuleResult<DataId> {
        let id = self.inner.declare_data(name, linkage, writable, tls)?;
        self.image.steps.push(Step::DeclareData {
            name: Some(name.to_string()),
            linkage,
            writable,
            tls,
        });
        Ok(id)
    }

    fn declare_anonymous_data(&mut self, writable: bool, tls: bool) -> ModuleResult<DataId> {
        let id = self.inner.declare_anonymous_data(writable, tls)?;
        self.image.steps.push(Step::DeclareData {
            name: None,
            linkage: Linkage::Local,
            writable,
            tls,
        });
        Ok(id)
    }

    fn define_function_with_control_plane(
        &mut self,
        function: FuncId,
        context: &mut Context,
        control_plane: &mut ControlPlane,
    ) -> ModuleResult<()> {
        self.inner
            .define_function_with_control_plane(function, context, control_plane)?;
        // The module compiled the function into `context`: record what it defined.
        if let Some(compiled) = context.compiled_code() {
            let relocations = compiled
                .buffer
                .relocs()
                .iter()
                .map(|relocation| {
                    Relocation::from_module(&ModuleReloc::from_mach_reloc(relocation, &context.func, function))
                })
                .collect();
            self.image.steps.push(Step::DefineFunction {
                id: function.as_u32(),
                alignment: compiled.buffer.alignment as u64,
                code: compiled.code_buffer().to_vec(),
                relocations,
            });
        }
        Ok(())
    }

    fn define_function_bytes(
        &mut self,
        function: FuncId,
        alignment: u64,
        bytes: &[u8],
        relocations: &[ModuleReloc],
    ) -> ModuleResult<()> {
        self.inner
            .define_function_bytes(function, alignment, bytes, relocations)?;
        self.image.steps.push(Step::DefineFunction {
            id: function.as_u32(),
            alignment,
            code: bytes.to_vec(),
            relocations: relocations.iter().map(Relocation::from_module).collect(),
        });
        Ok(())
    }

    fn define_data(&mut self, data: DataId, description: &DataDescription) -> ModuleResult<()> {
        self.inner.define_data(data, description)?;
        self.image.steps.push(Step::DefineData {
            id: data.as_u32(),
            description: description.clone(),
        });
        Ok(())
    }
}
