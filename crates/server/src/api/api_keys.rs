//! Managing a tenant's API keys, as the owner (`/api/portal/tenant/current/
//! api-keys`) and the operators (`/api/admin/tenants/{id}/api-keys`) do it
//! alike: the bodies, the checks and the answers both areas share.

use axum::http::StatusCode;
use flowhq_domain::TenantId;
use flowhq_domain::api_keys::{ApiKey, KeyName, Scopes};
use flowhq_store::StoreError;
use flowhq_store::api_keys::NewApiKey;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::api_key::new_secret;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A new key: what its holder calls it and what it may do.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyBody {
    /// 1 to 60 characters, e.g. "Shop" or "n8n".
    pub name: String,
    /// At least one of `messages:send`, `messages:read`, `contacts:read`,
    /// `webhooks:manage`.
    pub scopes: Vec<String>,
}

/// A key just made, with its secret: the only time the secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// `fhq_…`: send it as `Authorization: Bearer <secret>`. It is not
    /// stored and cannot be shown again.
    pub secret: String,
}

/// A tenant's keys, newest first, revoked ones included.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub items: Vec<ApiKey>,
}

/// Checks `body`, naming every refused field at once.
pub fn parse(body: &NewKeyBody) -> AppResult<(KeyName, Scopes)> {
    let name = KeyName::parse(&body.name).map_err(|e| ("name", format!("name {e}")));
    let scopes = Scopes::parse(&body.scopes).map_err(|e| ("scopes", format!("scopes: {e}")));
    match (name, scopes) {
        (Ok(name), Ok(scopes)) => Ok((name, scopes)),
        (name, scopes) => {
            let errors: Vec<(&str, String)> =
                [name.err(), scopes.err()].into_iter().flatten().collect();
            let message = errors
                .iter()
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            Err(AppError::invalid(errors[0].0, message))
        }
    }
}

/// Makes a key for `tenant`; `created_by` goes into the list.
pub async fn create(
    state: &AppState,
    tenant: TenantId,
    body: &NewKeyBody,
    created_by: &str,
) -> AppResult<(StatusCode, axum::Json<CreatedKey>)> {
    let (name, scopes) = parse(body)?;
    // The tenant exists (a deleted one has no keys to make).
    state.store.tenant(tenant).await?;
    // Two secrets with the same 8 characters after `fhq_` are a one in
    // 10^14 chance; one more try settles it.
    for _ in 0..2 {
        let made = new_secret();
        let new = NewApiKey {
            name: &name,
            scopes: &scopes,
            prefix: &made.prefix,
            secret_hash: &made.hash,
            created_by,
        };
        match state.store.create_api_key(tenant, &new).await {
            Ok(key) => {
                tracing::info!(key = %key.id, prefix = %key.prefix, "API key created");
                let created = CreatedKey {
                    key,
                    secret: made.secret.expose().to_owned(),
                };
                return Ok((StatusCode::CREATED, axum::Json(created)));
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "two key prefixes in a row were taken"
    )))
}

pub async fn list(state: &AppState, tenant: TenantId) -> AppResult<axum::Json<KeyList>> {
    state.store.tenant(tenant).await?;
    let items = state.store.list_api_keys(tenant).await?;
    Ok(axum::Json(KeyList { items }))
}

/// Revokes `tenant`'s key `raw_id`; another tenant's key is not found.
pub async fn revoke(
    state: &AppState,
    tenant: TenantId,
    raw_id: &str,
) -> AppResult<axum::Json<ApiKey>> {
    let id = crate::extract::parse_id(raw_id, "api key")?;
    let key = state.store.revoke_api_key(tenant, id).await?;
    tracing::info!(key = %key.id, "API key revoked");
    Ok(axum::Json(key))
}
