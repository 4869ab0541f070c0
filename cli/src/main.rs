//! The `lang` binary: everything happens in the library, so tests can run the same code.

fn main() -> std::process::ExitCode {
    lang::main()
}
