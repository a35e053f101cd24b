//! argon2id password hashing, run off the async runtime: a hash takes tens
//! of milliseconds of CPU on purpose.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::auth::Secret;

/// Runs `work` on the blocking pool, at most one hash per core at a time:
/// each takes a core and 19 MiB for tens of milliseconds, so a burst of
/// sign-ups or logins beyond that only queues on the CPU while holding
/// memory.
async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
    });
    let _permit = permits.acquire().await?;
    Ok(tokio::task::spawn_blocking(work).await?)
}

pub async fn hash(password: Secret) -> anyhow::Result<String> {
    limited(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
    })
    .await?
}

/// Whether `password` matches `hash`. A malformed stored hash is an error,
/// not a mismatch.
pub async fn verify(password: Secret, hash: String) -> anyhow::Result<bool> {
    limited(move || {
        let parsed = PasswordHash::new(&hash).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A hash of a random password, verified against when an email is unknown,
/// so that a login for a missing account costs as much as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no account has this password", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let hash = hash(Secret::new("correct horse battery")).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify(Secret::new("correct horse battery"), hash.clone())
                .await
                .unwrap()
        );
        assert!(
            !verify(Secret::new("wrong horse battery"), hash)
                .await
                .unwrap()
        );
    }
}
