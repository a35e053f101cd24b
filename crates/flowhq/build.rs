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
}
