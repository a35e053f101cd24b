//! glibc malloc settings for small processes.

/// One malloc arena for the whole process. glibc gives each thread that
/// allocates an arena of its own (up to 8 per core), and every arena keeps
/// its own partly used pages and free lists; a worker's runtime is one
/// thread, and the few others it may start (name lookups, the WhatsApp
/// library's) are not busy enough to contend for a lock. Must run before any thread starts.
pub fn single_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before any
    // other thread exists, so nothing allocates concurrently.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// glibc raises its mmap threshold to the largest block freed so far, so
/// after a few password hashes (19 MiB of argon2 memory each) such blocks
/// come from per-thread heaps and stay resident once freed: a burst of
/// sign-ups left the control plane at 400 MiB. A fixed threshold keeps big
/// blocks mmapped, and unmapped when freed. Must run before any thread
/// starts.
pub fn return_large_blocks_to_the_os() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: as above.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
