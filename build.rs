//! Links the command-line binary as a position-dependent executable on Linux.
//!
//! A position-independent executable has every pointer in Typst's and the other
//! crates' tables (about 110,000) patched by the dynamic loader at each start, which
//! cost 2 of the 4 ms a run of `annual-report --version` took; linked at a fixed
//! address the loader has nothing to patch. Only the binaries are linked this way
//! (the crates are compiled as before), and only where the system linker is GCC's or
//! Clang's, which both know `-no-pie`.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let gnu_or_musl =
        std::env::var("CARGO_CFG_TARGET_ENV").is_ok_and(|env| env == "gnu" || env == "musl");
    if linux && gnu_or_musl {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
