use axum::extract::{FromRequestParts, Path};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use flowhq_domain::TenantId;
use flowhq_domain::protocol::TENANT_HEADER;

use crate::error::AppError;
use crate::extract::parse_id;
use crate::state::AppState;

/// A request from the worker of the tenant in the path (the simulated
/// network's endpoints).
#[derive(Clone, Copy, Debug)]
pub struct WorkerAuth {
    pub tenant: TenantId,
}

/// The worker link's request: the tenant in the `X-Flowhq-Tenant` header.
#[derive(Clone, Copy, Debug)]
pub struct LinkAuth {
    pub tenant: TenantId,
}

fn bearer(parts: &Parts) -> Result<String, AppError> {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .ok_or(AppError::Unauthorized)
}

impl FromRequestParts<AppState> for WorkerAuth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let Path(params) =
            Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound("tenant"))?;
        let raw = params.get("tenant").ok_or(AppError::NotFound("tenant"))?;
        let tenant: TenantId = parse_id(raw, "tenant")?;
        state.supervisor.verify_token(tenant, &token).await?;
        Ok(WorkerAuth { tenant })
    }
}

impl FromRequestParts<AppState> for LinkAuth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let raw = parts
            .headers
            .get(TENANT_HEADER)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AppError::invalid(TENANT_HEADER, "the worker's tenant id is missing"))?;
        let tenant: TenantId = parse_id(raw, "tenant")?;
        state.supervisor.verify_token(tenant, &token).await?;
        Ok(LinkAuth { tenant })
    }
}
