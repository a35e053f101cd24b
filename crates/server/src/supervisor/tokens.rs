//! Worker tokens: a fresh random secret for every worker start, kept only
//! as its SHA-256 and compared in constant time.

use std::collections::HashMap;
use std::sync::Mutex;

use flowhq_domain::TenantId;
use flowhq_store::Store;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Result, SupervisorError, lock};

/// The secret a worker presents: shown to it (or to an orchestrator) once.
pub struct WorkerToken(String);

impl WorkerToken {
    pub fn generate() -> Self {
        Self(hex::encode(rand::random::<[u8; 32]>()))
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash::of(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// What the database keeps of a token. No `PartialEq`: compare with
/// [`TokenHash::matches`], which takes the same time for every input.
#[derive(Clone, Copy, Debug)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(text, &mut out).ok()?;
        Some(Self(out))
    }

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn matches(&self, other: &TokenHash) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

/// The current token hash of each worker this replica has checked, read
/// through from the database on a miss (another replica may have started
/// the worker since).
#[derive(Default)]
pub struct Tokens {
    cache: Mutex<HashMap<TenantId, TokenHash>>,
}

impl Tokens {
    pub fn remember(&self, tenant: TenantId, hash: TokenHash) {
        lock(&self.cache).insert(tenant, hash);
    }

    /// Whether `token` is the current token of `tenant`'s worker.
    pub async fn verify(&self, store: &Store, tenant: TenantId, token: &str) -> Result<()> {
        let presented = TokenHash::of(token);
        let cached = lock(&self.cache).get(&tenant).copied();
        if cached.is_some_and(|h| h.matches(&presented)) {
            return Ok(());
        }
        let stored = store.worker_token_hash(tenant).await?;
        let Some(stored) = stored.as_deref().and_then(TokenHash::from_hex) else {
            return Err(SupervisorError::TokenRefused);
        };
        self.remember(tenant, stored);
        if stored.matches(&presented) {
            Ok(())
        } else {
            Err(SupervisorError::TokenRefused)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_round_trip_through_hex_and_tell_tokens_apart() {
        let token = WorkerToken::generate();
        assert_eq!(token.as_str().len(), 64);
        let hash = token.hash();
        let back = TokenHash::from_hex(&hash.to_hex()).unwrap();
        assert!(back.matches(&hash));
        assert!(TokenHash::from_hex("zz").is_none());
        assert!(!TokenHash::of("secret").matches(&TokenHash::of("secret2")));
    }
}
