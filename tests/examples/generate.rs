//! Prints the generated program for a seed: `cargo run -p lang-tests --example generate SEED`.

fn main() {
    let seed: u64 = std::env::args().nth(1).unwrap().parse().unwrap();
    print!("{}", lang_tests::generator::program(seed));
}
