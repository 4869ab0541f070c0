//! The object driver: translates a whole program into one relocatable object file with
//! cranelift-object, for `lang build --release`. The same translator as the JIT; only the
//! module differs. Linking is the command line's business (the compiler does no I/O).

use cranelift_object::{ObjectBuilder, ObjectModule};

pub use super::config::OptLevel;
use super::config::flags_with;
use super::{CodegenError, CodegenOptions, translate_program};
use crate::sema::CheckedProgram;

/// Compiles `checked` into the bytes of an ELF object file defining `lang_entry`.
pub fn compile_object(
    checked: &CheckedProgram,
    opt_level: OptLevel,
    options: CodegenOptions,
) -> Result<Vec<u8>, CodegenError> {
    let mut module = new_object_module("lang_program", opt_level)?;
    translate_program(checked, &mut module, options)?;
    let product = module.finish();
    product
        .emit()
        .map_err(|error| CodegenError(format!("cannot write the object file: {error}")))
}

/// An object module for this machine producing position-independent code (the system C
/// compiler links position-independent executables and shared libraries).
pub(super) fn new_object_module(name: &str, opt_level: OptLevel) -> Result<ObjectModule, CodegenError> {
    let isa_builder =
        cranelift_native::builder().map_err(|error| CodegenError(format!("this machine is not supported: {error}")))?;
    let isa = isa_builder
        .finish(flags_with(true, opt_level)?)
        .map_err(|error| CodegenError(format!("cannot configure code generation: {error}")))?;
    let builder = ObjectBuilder::new(isa, name, cranelift_module::default_libcall_names())
        .map_err(|error| CodegenError(format!("cannot create the object file: {error}")))?;
    Ok(ObjectModule::new(builder))
}
