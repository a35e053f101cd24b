use axum::extract::{FromRequestParts, Path};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use flowhq_domain::TenantId;

use crate::error::AppError;
use crate::extract::parse_id;
use crate::state::AppState;

/// A request from the worker of the tenant in the path.
#[derive(Clone, Copy, Debug)]
pub struct WorkerAuth {
    pub tenant: TenantId,
}

impl FromRequestParts<AppState> for WorkerAuth {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .ok_or(AppError::Unauthorized)?;
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
