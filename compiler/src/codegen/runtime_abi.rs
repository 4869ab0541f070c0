//! The runtime's entry points, offsets and codes as the code generator sees them: the
//! `lang-abi` crate, which the runtime uses too, under the name the translator has always
//! used (`runtime_abi::...`).

pub use lang_abi::constants::*;
pub use lang_abi::functions::{AbiType, RUNTIME_FUNCTIONS, RuntimeFunction, runtime_function};
