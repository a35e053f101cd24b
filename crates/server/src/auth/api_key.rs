//! Keys to the public API: making a secret (shown once, kept as its
//! SHA-256) and [`ApiCaller`], the extractor of `/api/v1/*`, which opens
//! the API for the key's tenant only. No cookie is looked at: a page on
//! another site cannot attach the header, so there is nothing to forge.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use chrono::Utc;
use flowhq_domain::TenantId;
use flowhq_domain::api_keys::{self, ApiKey, PREFIX_CHARS, SECRET_CHARS, SECRET_PREFIX, Scope};
use rand::Rng;
use rand::distributions::Alphanumeric;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::Secret;
use crate::error::AppError;
use crate::state::AppState;

/// A new key's secret, its shown prefix and the hash the store keeps.
pub struct NewSecret {
    pub secret: Secret,
    pub prefix: String,
    pub hash: String,
}

/// Makes a secret: `fhq_` and [`SECRET_CHARS`] letters and digits from
/// the operating system's generator.
pub fn new_secret() -> NewSecret {
    let random: String = rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(SECRET_CHARS)
        .map(char::from)
        .collect();
    let secret = format!("{SECRET_PREFIX}{random}");
    NewSecret {
        prefix: secret[..PREFIX_CHARS].to_owned(),
        hash: hash(&secret),
        secret: Secret::new(secret),
    }
}

/// The stored form of a secret. A plain SHA-256 suffices: the secret has
/// about 238 random bits, beyond guessing, so a slow hash adds nothing.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A request to the public API with a live key: its tenant and scopes.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub key: ApiKey,
}

impl ApiCaller {
    pub fn tenant_id(&self) -> TenantId {
        self.key.tenant_id
    }

    /// Refuses (403) unless the key holds `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), AppError> {
        if self.key.scopes.contains(scope) {
            return Ok(());
        }
        Err(AppError::Forbidden(match scope {
            Scope::MessagesSend => "this key lacks the scope messages:send",
            Scope::MessagesRead => "this key lacks the scope messages:read",
            Scope::ContactsRead => "this key lacks the scope contacts:read",
            Scope::WebhooksManage => "this key lacks the scope webhooks:manage",
        }))
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        // Unknown, malformed and revoked keys are refused alike.
        let prefix = api_keys::prefix_of(presented).ok_or(AppError::Unauthorized)?;
        let (key, stored_hash) = state
            .store
            .api_key_by_prefix(prefix)
            .await?
            .ok_or(AppError::Unauthorized)?;
        let matches: bool = hash(presented)
            .as_bytes()
            .ct_eq(stored_hash.as_bytes())
            .into();
        if !matches || key.revoked_at.is_some() {
            return Err(AppError::Unauthorized);
        }
        // Best effort: a failed note of the last use does not refuse the
        // request it came with.
        if let Err(e) = state.store.touch_api_key(&key, Utc::now()).await {
            tracing::warn!(error = %e, key = %key.id, "noting an API key's last use");
        }
        Ok(ApiCaller { key })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_have_the_documented_shape_and_hash_to_what_is_stored() {
        let made = new_secret();
        let secret = made.secret.expose();
        assert_eq!(secret.len(), SECRET_PREFIX.len() + SECRET_CHARS);
        assert_eq!(api_keys::prefix_of(secret), Some(made.prefix.as_str()));
        assert_eq!(made.hash, hash(secret));
        assert_ne!(new_secret().secret.expose(), secret);
        assert_eq!(format!("{:?}", made.secret), "Secret(***)");
    }
}
