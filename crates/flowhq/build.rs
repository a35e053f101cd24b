//! Link settings for the `flowhq` binary.

fn main() {
    // Pack the ~50,000 relative relocations of a position-independent
    // executable as RELR (a bitmap, ~1/60th of the size) instead of
    // 24-byte RELA entries: the dynamic loader reads the whole table at
    // every start, so with RELA each worker process maps 1.2 MiB of it.
    // Needs glibc 2.36 (Debian 12) at run time; the binary stays PIE.
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux-gnu") {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }

    // Place the functions an idle worker runs (worker.order, made by
    // bench/worker-order.sh from a profile of one) together at the start
    // of .text. The kernel maps 64 KiB or more around each page fault in
    // the binary ("fault-around"), so scattered among the control plane's
    // code every function a worker calls brings its neighbours in;
    // together, the neighbours are worker code too. Only with lld, which rustc uses on this target
    // unless told otherwise; other linkers do not know the flag.
    //
    // A stale file degrades gracefully: names that no longer exist are
    // skipped (without a warning per name), and only the layout suffers.
    // Legacy symbol names end in a hash of the crate's metadata (version,
    // features, profile, compiler), not of its source, so most names
    // survive code changes; a dependency or toolchain bump changes those
    // crates' names. The ~11 % ending in `.llvm.<number>` hash their
    // codegen unit's contents, the checkout's path included, so the file
    // is best regenerated in the checkout that builds releases
    // (BENCHMARKS.md, "Idle simulator worker memory"). Debug builds have
    // other names: nothing matches there, and nothing breaks.
    println!("cargo::rerun-if-changed=worker.order");
    if target == "x86_64-unknown-linux-gnu" && links_with_lld() {
        let order = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
            .join("worker.order");
        println!(
            "cargo::rustc-link-arg-bin=flowhq=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo::rustc-link-arg-bin=flowhq=-Wl,--no-warn-symbol-ordering");
    }
}

/// Whether rustc links with its own lld, its default on
/// x86_64-unknown-linux-gnu since 1.90 (this workspace needs 1.94), i.e.
/// the build's flags neither turn it off nor pick another linker.
fn links_with_lld() -> bool {
    if std::env::var_os("RUSTC_LINKER").is_some() {
        // A linker configured for the target: it may not be lld.
        return false;
    }
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    !flags.split('\x1f').any(|flag| {
        flag.contains("linker-features=-lld")
            || flag.contains("link-self-contained=-linker")
            || flag.contains("linker=")
            || (flag.contains("fuse-ld=") && !flag.contains("fuse-ld=lld"))
    })
}
