//! The `lang` compiler: source text in, diagnostics or checked programs out.
//!
//! Data flows one way through the stages: [`syntax`] (lexer, parser, AST) then [`sema`]
//! (module loading, name resolution, type checking). Every stage returns its result together
//! with the diagnostics it collected; only [`diagnostics::render`] turns them into text. The
//! compiler reads source files only through [`source::SourceLoader`] and depends on no part
//! of the runtime.

pub mod analysis;
pub mod cache;
pub mod codegen;
pub mod diagnostics;
pub mod format;
pub mod sema;
pub mod source;
pub mod syntax;
pub mod threads;

pub use diagnostics::{Code, Diagnostic, Severity};
pub use sema::{CheckedProgram, ParseCache, RootLoadError, check_program, check_program_with_cache};

pub use source::{FileId, FileSystemLoader, LoadError, SourceLoader, SourceMap, Span};
