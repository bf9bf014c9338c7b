//! Links the five gates as position-dependent executables on Linux.
//!
//! A position-independent executable (rustc's default) is relocated by the dynamic loader at
//! every start: 18,000 pointers in each binary, written into 290 KB of pages that each fault
//! and are copied. A hook's whole run is a few milliseconds, and that was 70 of its 230 page
//! faults and 230,000 of its 1.27 M instructions (guard-master-commit in a small repository),
//! and 430 KB of relocation table in each binary. Linking with `-no-pie` resolves them when
//! the binary is linked (the code is still compiled position-independent, so no dependency is
//! built differently). The binaries lose address-space randomisation of their own code, which
//! matters for long-running services that take input from the network; relgate runs for
//! milliseconds over the repository it is asked to check, in a crate that forbids unsafe code.
//! A packager whose policy requires PIE builds with `RELGATE_LINK_PIE=1`.
//! Measured in docs/performance.md ("The release profile").

#![allow(clippy::print_stdout)] // Cargo reads its instructions from standard output.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RELGATE_LINK_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    let pie = std::env::var_os("RELGATE_LINK_PIE").is_some_and(|v| !v.is_empty() && v != "0");
    if linux && !pie {
        // Binaries only: test harnesses and build scripts link as rustc chooses.
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
