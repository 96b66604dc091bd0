//! Print a synthetic Compose file with N services (default 1000), as the
//! benchmarks generate it: `cargo run --release --example synthetic -- 20000`.

#[path = "../benches/support/mod.rs"]
#[allow(dead_code)]
mod support;

fn main() {
    let n = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a number of services"))
        .unwrap_or(1000);
    print!("{}", support::compose(n));
}
