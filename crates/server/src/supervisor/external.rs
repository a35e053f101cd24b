//! `external` mode: an orchestrator (systemd, Kubernetes, …) runs the
//! workers with tokens from `POST …/worker/token`; the supervisor only
//! records what should run and tells connected workers to stop.

use std::sync::Arc;

use flowhq_domain::entities::WorkerProcess;
use flowhq_domain::protocol::Command;
use flowhq_domain::{TenantId, WorkerStatus};
use flowhq_store::workers::Desired;

use super::{Result, Shared, Strategy};

pub struct External {
    pub(super) shared: Arc<Shared>,
}

#[async_trait::async_trait]
impl Strategy for External {
    async fn start(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let store = &self.shared.store;
        store.worker_runtime(tenant).await?;
        store.set_worker_desired(tenant, Desired::Running).await?;
        Ok(store.worker(tenant).await?)
    }

    async fn stop(&self, tenant: TenantId) -> Result<WorkerProcess> {
        let store = &self.shared.store;
        store.worker_runtime(tenant).await?;
        store.set_worker_desired(tenant, Desired::Stopped).await?;
        // Told now if it is connected here; otherwise its next welcome or
        // heartbeat correction says so.
        self.shared.link.tell(tenant, Command::Stop);
        self.shared.beats.forget(tenant);
        Ok(store
            .set_worker_status(tenant, WorkerStatus::Stopped, None)
            .await?)
    }
}
