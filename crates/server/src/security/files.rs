//! The data dir is private to the account that runs Flow HQ.
//!
//! It holds the database, each tenant's outbox and WhatsApp credentials
//! (whoever copies `whatsapp.db` can act as that linked device) and the
//! workers' logs. Folders are 0700 and files 0600: `flowhq serve` and
//! `flowhq worker` set the umask to 0077 before creating anything, so
//! every file they or their libraries (SQLite, with its `-wal` and `-shm`)
//! make is private, and the folders are also created with an explicit mode.
//! An existing data dir is tightened on start, so an upgrade from a version
//! that made 0644 files in 0755 folders is private from its first run.

use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

/// Folders of the data dir.
pub const DIR_MODE: u32 = 0o700;
/// Files of the data dir.
pub const FILE_MODE: u32 = 0o600;

/// Makes files and folders this process creates from now on private. Call
/// it first thing, before threads start: the umask is per process.
pub fn private_umask() {
    // SAFETY: umask only sets the process's file-mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Creates `dir` and any missing parents, 0700 (parents it creates too).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    let mode = std::fs::metadata(dir)?.permissions().mode();
    if mode & 0o777 != DIR_MODE {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(DIR_MODE))?;
    }
    Ok(())
}

/// Takes group and other permissions off `dir` and everything under it:
/// folders become 0700 and files 0600. Symbolic links are left alone and
/// not followed. Returns how many entries it changed.
pub fn tighten(dir: &Path) -> io::Result<usize> {
    let mut changed = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            // Gone meanwhile (a worker removed its -shm, say).
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        let wanted = if meta.is_dir() {
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
            DIR_MODE
        } else if meta.is_file() {
            FILE_MODE
        } else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & wanted))?;
            changed += 1;
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path)
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn tighten_takes_group_and_other_permissions_off_everything() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        let worker = data.join("workers").join("t1");
        std::fs::create_dir_all(&worker).unwrap();
        for dir in [&data, &data.join("workers"), &worker] {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let files = [data.join("flowhq.db"), worker.join("whatsapp.db")];
        for file in &files {
            std::fs::write(file, b"x").unwrap();
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        std::os::unix::fs::symlink("/etc/passwd", data.join("link")).unwrap();

        assert_eq!(tighten(&data).unwrap(), 5);

        for dir in [&data, &data.join("workers"), &worker] {
            assert_eq!(mode(dir), 0o700, "{}", dir.display());
        }
        for file in &files {
            assert_eq!(mode(file), 0o600, "{}", file.display());
        }
        // The link's target is not touched.
        assert_ne!(mode(Path::new("/etc/passwd")) & 0o004, 0);
        assert_eq!(tighten(&data).unwrap(), 0, "nothing left to change");
    }

    #[test]
    fn a_private_dir_is_0700_with_its_new_parents() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("b");
        create_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
    }
}
