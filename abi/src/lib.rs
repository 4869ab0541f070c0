//! The interface between compiled lang code, the compiler and the runtime, in one place (as
//! Mun's `mun_abi`): the table of runtime functions with their signatures
//! ([`functions`]), object offsets, error codes and kind codes ([`constants`]), the text and
//! hash of a struct's layout ([`layout`]), the records a hot-reload module is described by
//! ([`records`]), the metadata format of `lang build --hmr` libraries ([`metadata`]), the
//! manifest of such a build ([`manifest`]), and the one FNV-1a hash they all use ([`hash`]).
//!
//! The compiler and the runtime both depend on this crate and on nothing of each other, so a
//! fact stated here cannot drift between them. It has no dependencies.

pub mod constants;
pub mod enums;
pub mod format;
pub mod functions;
pub mod hash;
pub mod layout;
pub mod manifest;
pub mod metadata;
pub mod records;

pub use constants::*;
pub use enums::{PayloadKind, VARIANT_NUMBER_OFFSET, VariantDescriptor, immediate_variant};
pub use format::PackedFormat;
pub use functions::{AbiType, RUNTIME_FUNCTIONS, RuntimeFunction, runtime_function};
pub use hash::{StableHasher, fnv1a};
pub use layout::{Descriptor, DescriptorField, layout_hash, layout_text};
pub use metadata::abi_hash;
pub use records::{DefaultRecord, EnumRecord, FieldRecord, FunctionRecord, StructRecord, VariableRecord};
