//! What the stress test reads and does to processes on this machine.

use std::io;

/// Resident set size of a live process, in MiB (`VmRSS` of
/// `/proc/<pid>/status`); `None` when it is gone or not ours to read.
pub fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024.0)
}

/// Whether `pid` is a running (or stopped) process; a zombie waiting to be
/// reaped by its parent is not.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// Sends `signal` (`libc::SIGKILL`, `libc::SIGSTOP`, …) to `pid`.
pub fn signal(pid: u32, signal: libc::c_int) -> io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "pid out of range"))?;
    // SAFETY: kill(2) has no memory effects; a wrong pid is an error return.
    if unsafe { libc::kill(pid, signal) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_rss() {
        let rss = rss_mib(std::process::id()).expect("our own status");
        assert!(rss > 0.5 && rss < 4096.0, "{rss}");
        assert!(alive(std::process::id()));
        assert_eq!(rss_mib(u32::MAX), None);
    }
}
