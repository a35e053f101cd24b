//! Where a tenant's WhatsApp credentials live: the library's SQLite store
//! (device identity, Signal sessions, keys) in the worker's state dir,
//! `<data dir>/workers/<tenant id>/whatsapp.db`. Deleting the tenant
//! deletes that dir and with it the link.

use std::path::{Path, PathBuf};

/// The store's file name inside the worker's state dir.
pub const STORE_FILE: &str = "whatsapp.db";

pub fn store_path(state_dir: &Path) -> PathBuf {
    state_dir.join(STORE_FILE)
}

/// The store and the files SQLite keeps beside it.
fn store_files(state_dir: &Path) -> [PathBuf; 4] {
    let db = store_path(state_dir);
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", db.display()));
    [with("-wal"), with("-shm"), with("-journal"), db]
}

/// Whether a previous link left credentials to reconnect with.
pub fn saved(state_dir: &Path) -> bool {
    store_path(state_dir).exists()
}

/// Forgets the link: after a logout the credentials are void, and the next
/// session starts from a fresh identity with new QR codes.
pub fn clear(state_dir: &Path) -> std::io::Result<()> {
    for file in store_files(state_dir) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_lives_in_the_state_dir_and_clearing_removes_it_all() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(store_path(dir.path()), dir.path().join("whatsapp.db"));
        assert!(!saved(dir.path()));
        for name in [
            "whatsapp.db",
            "whatsapp.db-wal",
            "whatsapp.db-shm",
            "outbox.db",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert!(saved(dir.path()));
        clear(dir.path()).unwrap();
        assert!(!saved(dir.path()));
        assert!(!dir.path().join("whatsapp.db-wal").exists());
        assert!(!dir.path().join("whatsapp.db-shm").exists());
        assert!(
            dir.path().join("outbox.db").exists(),
            "the outbox is not a credential"
        );
        clear(dir.path()).unwrap();
    }
}
