//! What happens around a tenant's status changes beyond the database row:
//! the status itself only ever changes through `Store::transition`, driven
//! by `flowhq_domain::lifecycle::next`.

use flowhq_domain::TenantId;

use crate::error::AppResult;
use crate::state::AppState;

/// After a setup request is approved (tenant APPROVED): the supervisor starts
/// the tenant's worker, which moves it on to QR_PENDING.
pub async fn after_approval(_state: &AppState, tenant: TenantId) -> AppResult<()> {
    tracing::debug!(tenant_id = %tenant, "approved; the worker starts when the supervisor runs it");
    Ok(())
}
