//! The target machine's code generation settings, shared by every backend (JIT, object
//! files, shared libraries): the Cranelift flags and the optimization level.

use std::sync::OnceLock;

use cranelift_codegen::isa::{OwnedTargetIsa, TargetIsa};
use cranelift_codegen::settings::{self, Configurable};

use super::CodegenError;

/// How hard Cranelift optimizes (`--opt-level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptLevel {
    None,
    Speed,
    SpeedAndSize,
}

impl OptLevel {
    pub fn cranelift_name(self) -> &'static str {
        match self {
            OptLevel::None => "none",
            OptLevel::Speed => "speed",
            OptLevel::SpeedAndSize => "speed_and_size",
        }
    }
}

/// Cranelift settings shared by every backend: optimize for speed, keep frame pointers (for
/// stack walks and profilers), align functions, and verify the IR in debug builds of the
/// compiler.
pub fn flags(pic: bool) -> Result<settings::Flags, CodegenError> {
    flags_with(pic, OptLevel::Speed)
}

/// [`flags`] with a chosen optimization level.
pub fn flags_with(pic: bool, opt_level: OptLevel) -> Result<settings::Flags, CodegenError> {
    let mut builder = settings::builder();
    let set = |builder: &mut settings::Builder, name: &str, value: &str| {
        builder
            .set(name, value)
            .map_err(|error| CodegenError(format!("cannot set Cranelift flag {name}: {error}")))
    };
    set(&mut builder, "opt_level", opt_level.cranelift_name())?;
    set(&mut builder, "preserve_frame_pointers", "true")?;
    set(&mut builder, "use_colocated_libcalls", "false")?;
    set(&mut builder, "is_pic", if pic { "true" } else { "false" })?;
    // Functions start on a 32-byte boundary in every backend. Cranelift's x64 minimum is one
    // byte: in object files (release builds) a function then starts wherever the last one
    // ended, and the same machine code ran up to 25% slower or faster by where its loop fell
    // against the processor's fetch blocks (fib, sieve), so that a release build was slower
    // than `lang run` of the same code. gcc and clang align functions too.
    set(&mut builder, "log2_min_function_alignment", "5")?;
    set(
        &mut builder,
        "enable_verifier",
        if cfg!(debug_assertions) { "true" } else { "false" },
    )?;
    Ok(settings::Flags::new(builder))
}

/// This machine's ISA for code that runs once (`target::RunOnceCode::Quick`): the settings of
/// the module's ISA ([`flags`]; position-independent code for a shared library, `pic`) but no
/// optimizer and the single-pass register allocator, which compile a small function several
/// times faster. Made once per process for each `pic`; `None` if this machine or the settings
/// are refused (the caller then compiles as usual).
pub(crate) fn quick_isa(pic: bool) -> Option<&'static dyn TargetIsa> {
    static QUICK: [OnceLock<Option<OwnedTargetIsa>>; 2] = [OnceLock::new(), OnceLock::new()];
    QUICK[usize::from(pic)]
        .get_or_init(|| {
            let mut builder = settings::builder();
            let base = flags_with(pic, OptLevel::None).ok()?;
            for value in base.iter() {
                builder.set(value.name, &value.value_string()).ok()?;
            }
            builder.set("regalloc_algorithm", "single_pass").ok()?;
            cranelift_native::builder()
                .ok()?
                .finish(settings::Flags::new(builder))
                .ok()
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_quick_isa_is_this_machines_without_the_optimizer() {
        for pic in [false, true] {
            let quick = super::quick_isa(pic).expect("the quick ISA is made on this machine");
            assert_eq!(quick.flags().opt_level(), cranelift_codegen::settings::OptLevel::None);
            assert_eq!(
                quick.flags().regalloc_algorithm(),
                cranelift_codegen::settings::RegallocAlgorithm::SinglePass
            );
            assert!(quick.flags().preserve_frame_pointers());
            assert_eq!(quick.flags().is_pic(), pic);
        }
    }
}
