//! `lang lsp`: the language server, on stdin and stdout (the `lang-lsp` crate).

/// Serves until the client says `exit`; the exit code follows the protocol (0 after
/// `shutdown`, 1 otherwise).
pub fn run() -> u8 {
    lang_lsp::run()
}
