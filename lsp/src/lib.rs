//! `lang lsp`: the language server of LANGUAGE.md section 12, over stdin and stdout.
//!
//! A protocol layer over the compiler's own analysis (`lang_compiler::analysis`): `server`
//! runs the main loop, `worker` checks programs and answers requests on its own thread,
//! `requests` converts between the protocol and the analysis, `positions` converts
//! positions, `transport` reads and writes the framed messages, and `stdlib_files` gives the
//! standard library's modules files to go to.

mod format;
mod positions;
mod requests;
mod server;
mod stdlib_files;
mod transport;
mod worker;

pub use server::run;
