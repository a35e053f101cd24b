//! Keeping an idle worker's resident set to what it still uses.
//!
//! A worker maps the whole `flowhq` binary and its shared libraries, and
//! every page of code or read-only data it ever touched stays mapped, and
//! counted in its RSS, until it exits: argument parsing, opening the
//! outbox, the first connection. What an idle worker runs afterwards
//! (timers, heartbeats, the channel's keep-alive) is a small part of that.
//! Unmapping those files' clean pages from time to time lets the kernel
//! map back only what is used; the pages stay in the page cache, shared by
//! every process that maps the files, so mapping one back is a minor
//! fault, not a read from disk.

use std::time::Duration;

/// The first trim: start-up is long over by then.
pub const FIRST_TRIM: Duration = Duration::from_secs(10);
/// Later trims, for what a burst of messages brought in. A page an idle
/// worker still uses comes back at its next use: a few hundred minor
/// faults a minute at most.
pub const TRIM_EVERY: Duration = Duration::from_secs(60);

/// Trims now, then every [`TRIM_EVERY`]; runs until the runtime stops.
pub async fn trim_periodically() {
    tokio::time::sleep(FIRST_TRIM).await;
    let mut tick = tokio::time::interval(TRIM_EVERY);
    loop {
        tick.tick().await;
        trim();
    }
}

/// Returns freed heap pages to the OS and unmaps the clean read-only
/// pages of mapped files (they map back at their next use).
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only releases free memory.
        unsafe {
            libc::malloc_trim(0);
        }
        if let Err(e) = unmap_clean_file_pages() {
            tracing::debug!(error = %e, "trimming resident file pages");
        }
    }
}

/// The private mappings of files (the binary, its libraries) that are
/// read-only and hold no private copy of a page: code and read-only data,
/// not the relocated parts that the loader wrote to (`.data.rel.ro`, the
/// GOT) and that are only readable now.
#[cfg(target_os = "linux")]
fn clean_file_mappings(smaps: &str) -> Vec<(usize, usize)> {
    // Clean only once its `Anonymous:` line says so.
    let mut mappings: Vec<(Mapping, bool)> = Vec::new();
    for line in smaps.lines() {
        if let Some(mapping) = Mapping::parse(line) {
            mappings.push((mapping, false));
        } else if let Some(kib) = line.strip_prefix("Anonymous:")
            && let Some((_, clean)) = mappings.last_mut()
        {
            *clean = kib.trim() == "0 kB";
        }
    }
    mappings
        .into_iter()
        .filter(|(m, clean)| *clean && m.inode != 0 && !m.writable && m.private)
        .map(|(m, _)| (m.start, m.end - m.start))
        .collect()
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn unmap_clean_file_pages() -> std::io::Result<()> {
    let smaps = std::fs::read_to_string("/proc/self/smaps")?;
    for (start, len) in clean_file_mappings(&smaps) {
        // SAFETY: the range is a private, read-only mapping of a file with
        // no page of its own (Anonymous: 0 kB), so every page reads back
        // from the file exactly as it was. Nothing in this process can
        // write to it in between: it is not writable.
        let rc = unsafe { libc::madvise(start as *mut libc::c_void, len, libc::MADV_DONTNEED) };
        if rc != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// One mapping's header line in `/proc/<pid>/smaps`.
#[cfg(target_os = "linux")]
struct Mapping {
    start: usize,
    end: usize,
    writable: bool,
    private: bool,
    /// 0 for anonymous memory and the kernel's own mappings (`[vdso]`).
    inode: u64,
}

#[cfg(target_os = "linux")]
impl Mapping {
    /// `start-end perms offset dev inode [path]`; `None` for the other
    /// lines (`Rss: …`).
    fn parse(line: &str) -> Option<Self> {
        let mut fields = line.split_whitespace();
        let (start, end) = fields.next()?.split_once('-')?;
        let perms = fields.next()?.as_bytes();
        let _offset = fields.next()?;
        let _device = fields.next()?;
        let inode = fields.next()?.parse().ok()?;
        Some(Self {
            start: usize::from_str_radix(start, 16).ok()?,
            end: usize::from_str_radix(end, 16).ok()?,
            writable: perms.get(1) == Some(&b'w'),
            private: perms.get(3) == Some(&b'p'),
            inode,
        })
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn only_clean_read_only_file_mappings_are_trimmed() {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let trimmed = clean_file_mappings(&smaps);
        let here = clean_file_mappings as fn(&str) -> Vec<(usize, usize)> as usize;
        assert!(
            trimmed
                .iter()
                .any(|&(start, len)| start <= here && here < start + len),
            "the code of this test binary is among them: {trimmed:x?}"
        );
        let mut header: Option<&str> = None;
        let (mut checked, mut relocated_kept) = (0, 0);
        for line in smaps.lines() {
            if Mapping::parse(line).is_some() {
                header = Some(line);
                continue;
            }
            let (Some(header), Some(kib)) = (header, line.strip_prefix("Anonymous:")) else {
                continue;
            };
            let mapping = Mapping::parse(header).unwrap();
            let perms = header.split_whitespace().nth(1).unwrap();
            if trimmed.contains(&(mapping.start, mapping.end - mapping.start)) {
                assert!(perms == "r--p" || perms == "r-xp", "{header}");
                assert_eq!(kib.trim(), "0 kB", "{header}");
                assert!(header.contains('/'), "a file: {header}");
                checked += 1;
            } else if perms == "r--p" && header.contains('/') && kib.trim() != "0 kB" {
                relocated_kept += 1;
            }
        }
        assert_eq!(checked, trimmed.len());
        // The relocated, now read-only data (RELRO) of this binary and its
        // libraries holds pages of their own: those mappings stay.
        assert!(relocated_kept > 0, "no relocated mapping seen");
    }

    #[test]
    fn code_runs_on_after_a_trim() {
        trim();
        // Back from the file on demand: this runs, allocates and formats.
        assert_eq!(format!("{}", 6 * 7), "42");
        trim();
    }
}
