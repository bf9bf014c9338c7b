//! Links the five gates as position-dependent executables on Linux, and with rustc's own lld
//! with identical functions folded ([`links_with_rust_lld`]).
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
    if links_with_rust_lld() {
        println!("cargo:rustc-link-arg-bins=-Wl,--icf=all");
    }
}

/// Whether the binaries are linked by rustc's own lld, as on x86_64 Linux from Rust 1.90 when
/// nothing chooses another linker. lld then folds functions whose code is identical
/// (`--icf=all`): the copies of one generic function that each crate instantiates for itself
/// without LTO. That is 85 to 130 KB of each binary (docs/performance.md, "The release
/// profile"). Rust makes no promise that two functions have different addresses, which is all
/// that folding changes. GNU ld does not know the option, so it is passed to lld only.
fn links_with_rust_lld() -> bool {
    println!("cargo:rerun-if-env-changed=RUSTC_LINKER");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let chosen = std::env::var_os("RUSTC_LINKER").is_some()
        || std::env::var("CARGO_ENCODED_RUSTFLAGS")
            .is_ok_and(|f| f.contains("linker") || f.contains("fuse-ld"));
    if chosen || std::env::var("TARGET").as_deref() != Ok("x86_64-unknown-linux-gnu") {
        return false;
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(out) = std::process::Command::new(rustc).arg("-vV").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(release) = text.lines().find_map(|l| l.strip_prefix("release: ")) else {
        return false;
    };
    let mut parts = release.split(['.', '-']).map(|p| p.parse::<u32>().ok());
    matches!((parts.next(), parts.next()), (Some(Some(1)), Some(Some(minor))) if minor >= 90)
}
