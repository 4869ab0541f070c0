//! The `lang` binary: everything happens in the library, so tests can run the same code.

mod allocator;

fn main() -> std::process::ExitCode {
    lang::main()
}
