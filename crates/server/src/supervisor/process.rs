//! Operating-system side of local workers: spawning them detached from the
//! control plane, recognising them by pid and process name, signalling
//! them, and rotating their logs.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use flowhq_domain::TenantId;

/// A log grows to this size before it is rotated.
pub const LOG_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Rotated logs kept: `<name>.log.1` … `<name>.log.N`.
pub const LOG_KEEP: u32 = 3;

/// What a worker process is started with.
pub struct Launch<'a> {
    pub exe: &'a Path,
    pub tenant: TenantId,
    pub process_name: &'a str,
    pub control_plane_url: &'a str,
    pub token: &'a str,
    pub data_dir: &'a Path,
    pub heartbeat_interval: std::time::Duration,
    /// `whatsapp-web` or `simulator`: the control plane's own setting.
    pub channel: &'a str,
    /// Set last: [`crate::config::Settings::worker_env`].
    pub extra_env: &'a [(String, String)],
    pub log_path: &'a Path,
}

/// Variables passed through to workers; everything else of the control
/// plane's environment (database URL, admin secrets) stays behind.
const PASSED_THROUGH: &[&str] = &[
    "PATH",
    "RUST_LOG",
    "RUST_BACKTRACE",
    "FLOWHQ_LOG_FORMAT",
    "TZ",
    // Where the whatsapp-web channel dials and which WhatsApp Web version
    // it claims: for a relay, a pinned version, or a test's closed port.
    "FLOWHQ_WHATSAPP_URL",
    "FLOWHQ_WHATSAPP_VERSION",
];

pub fn spawn(launch: &Launch<'_>) -> std::io::Result<Child> {
    if let Some(dir) = launch.log_path.parent() {
        crate::security::files::create_private_dir(dir)?;
    }
    // Logs may quote what customers wrote: private, like the data dir.
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(crate::security::files::FILE_MODE)
        .open(launch.log_path)?;
    let mut command = Command::new(launch.exe);
    command
        // `ps` and /proc/<pid>/cmdline show the unique process name.
        .arg0(launch.process_name)
        .args(["worker", "--tenant", &launch.tenant.to_string()])
        .env_clear()
        .env("FLOWHQ_CONTROL_PLANE_URL", launch.control_plane_url)
        .env("FLOWHQ_TENANT_ID", launch.tenant.to_string())
        .env("FLOWHQ_WORKER_TOKEN", launch.token)
        .env("FLOWHQ_DATA_DIR", launch.data_dir)
        .env("FLOWHQ_CHANNEL", launch.channel)
        .env(
            "FLOWHQ_HEARTBEAT_INTERVAL",
            humantime::format_duration(launch.heartbeat_interval).to_string(),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group: a Ctrl-C or a signal to the control
        // plane's group does not take the workers down with it.
        .process_group(0);
    for name in PASSED_THROUGH {
        if let Some(value) = std::env::var_os(name) {
            command.env(name, value);
        }
    }
    command.envs(launch.extra_env.iter().map(|(k, v)| (k, v)));
    command.spawn()
}

/// Whether `pid` is a live (not zombie) process started as `process_name`.
pub fn is_worker(pid: u32, process_name: &str) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let argv0 = cmdline.split(|b| *b == 0).next().unwrap_or_default();
    if argv0 != process_name.as_bytes() {
        return false;
    }
    // A zombie keeps its pid until reaped but is not running.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rsplit_once(") ")
            .and_then(|(_, rest)| rest.chars().next())
            .is_some_and(|state| state != 'Z' && state != 'X'),
        Err(_) => false,
    }
}

/// Whether a process with this pid exists and we may signal it: one
/// `kill(pid, 0)`, not [`is_worker`]'s two `/proc` reads (about 0.5 µs
/// against 12 µs), for the supervisor's frequent look at re-adopted
/// workers. It does not tell a worker from a process that reused its pid,
/// so [`is_worker`] still runs now and then. A pid taken by another
/// user's process answers EPERM and counts as gone: workers are ours.
pub fn exists(pid: u32) -> bool {
    signal(pid, 0)
}

pub fn terminate(pid: u32) {
    signal(pid, libc::SIGTERM);
}

pub fn kill(pid: u32) {
    signal(pid, libc::SIGKILL);
}

/// kill(2) for one process (signal 0 sends nothing, only checks); whether
/// it was delivered. Pids that would name a group or every process are
/// refused.
fn signal(pid: u32, signal: libc::c_int) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill(2) has no memory-safety preconditions; a pid that has
    // gone away makes it fail with ESRCH, which is fine.
    unsafe { libc::kill(pid, signal) == 0 }
}

pub fn log_path(data_dir: &Path, process_name: &str) -> PathBuf {
    data_dir.join("logs").join(format!("{process_name}.log"))
}

/// Rotates `path` when it is larger than `max`: `.1` becomes `.2` and so
/// on, the log is copied to `.1` and truncated in place. Truncating rather
/// than renaming keeps working with a worker that holds the file open in
/// append mode (it may outlive this control plane).
pub fn rotate_if_large(path: &Path, max: u64, keep: u32) -> std::io::Result<bool> {
    let size = match std::fs::metadata(path) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    if size <= max || keep == 0 {
        return Ok(false);
    }
    let numbered = |n: u32| PathBuf::from(format!("{}.{n}", path.display()));
    for n in (1..keep).rev() {
        let from = numbered(n);
        if from.exists() {
            std::fs::rename(&from, numbered(n + 1))?;
        }
    }
    std::fs::copy(path, numbered(1))?;
    OpenOptions::new().write(true).open(path)?.set_len(0)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_rotate_by_size_keeping_a_few() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("w.log");
        std::fs::write(&log, "x".repeat(10)).unwrap();
        assert!(!rotate_if_large(&log, 100, 2).unwrap());
        for round in 0..3 {
            std::fs::write(&log, format!("{round}").repeat(200)).unwrap();
            assert!(rotate_if_large(&log, 100, 2).unwrap());
            assert_eq!(std::fs::metadata(&log).unwrap().len(), 0);
        }
        let one = std::fs::read_to_string(dir.path().join("w.log.1")).unwrap();
        let two = std::fs::read_to_string(dir.path().join("w.log.2")).unwrap();
        assert!(one.starts_with('2') && two.starts_with('1'));
        assert!(!dir.path().join("w.log.3").exists());
    }

    #[test]
    fn only_the_named_live_process_is_a_worker() {
        let me = std::process::id();
        let cmdline = std::fs::read(format!("/proc/{me}/cmdline")).unwrap();
        let argv0 =
            String::from_utf8_lossy(cmdline.split(|b| *b == 0).next().unwrap()).into_owned();
        assert!(is_worker(me, &argv0));
        assert!(!is_worker(me, "flowhq-worker-someone-else"));
        assert!(!is_worker(u32::MAX - 1, &argv0));
    }

    #[test]
    fn a_reaped_process_no_longer_exists() {
        assert!(exists(std::process::id()));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(!exists(pid));
        assert!(!exists(0), "0 would mean our own process group");
        assert!(!exists(u32::MAX), "-1 would mean every process");
    }
}
