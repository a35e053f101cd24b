//! argon2id password hashing, run off the async runtime: a hash takes tens
//! of milliseconds of CPU on purpose.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::auth::Secret;

pub async fn hash(password: Secret) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
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
    tokio::task::spawn_blocking(move || {
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
    use std::sync::OnceLock;
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
