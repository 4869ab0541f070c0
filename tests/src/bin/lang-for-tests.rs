//! The `lang` command, built inside the test package so that its integration tests can run
//! the real command line (`CARGO_BIN_EXE_lang-for-tests`) on every case.

fn main() -> std::process::ExitCode {
    lang::main()
}
