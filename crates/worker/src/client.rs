//! The simulated network's endpoints on the control plane
//! (`/api/worker/{tenant}/sim/…`), as this worker's client. Everything
//! else between worker and control plane goes over the link.

use std::time::Duration;

use flowhq_domain::TenantId;
use flowhq_domain::protocol::{SimPoll, SimSend, SimSent, SimView};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Result, WorkerError};

#[derive(Clone)]
pub struct ControlPlane {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl std::fmt::Debug for ControlPlane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlPlane")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl ControlPlane {
    pub fn new(url: &str, tenant: TenantId, token: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .pool_max_idle_per_host(2)
            .build()?;
        Ok(Self {
            http,
            base: format!("{}/api/worker/{tenant}", url.trim_end_matches('/')),
            token: token.to_owned(),
        })
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        timeout: Duration,
    ) -> Result<T> {
        let response = request
            .bearer_auth(&self.token)
            .timeout(timeout)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(WorkerError::Status { status, body });
        }
        Ok(response.json().await?)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T> {
        let request = self.http.post(format!("{}{path}", self.base)).json(body);
        self.send(request, Duration::from_secs(10)).await
    }

    pub async fn sim_poll(&self, poll: &SimPoll) -> Result<SimView> {
        let request = self.http.post(format!("{}/sim/poll", self.base)).json(poll);
        let timeout = Duration::from_millis(poll.wait_ms) + Duration::from_secs(10);
        self.send(request, timeout).await
    }

    pub async fn sim_send(&self, send: &SimSend) -> Result<SimSent> {
        self.post("/sim/send", send).await
    }

    /// Hands the control plane a file a customer sent
    /// (`PUT /api/worker/{tenant}/media/{sha256}`), for the inbox.
    pub async fn upload_media(&self, sha256: &str, bytes: Vec<u8>) -> Result<()> {
        let response = self
            .http
            .put(format!("{}/media/{sha256}", self.base))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(60))
            .body(bytes)
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(WorkerError::Status { status, body });
        }
        Ok(())
    }

    /// One of the tenant's files (`GET /api/worker/{tenant}/media/{sha256}`).
    pub async fn media(&self, sha256: &str) -> Result<Vec<u8>> {
        let response = self
            .http
            .get(format!("{}/media/{sha256}", self.base))
            .bearer_auth(&self.token)
            .timeout(Duration::from_secs(60))
            .send()
            .await?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(WorkerError::Status { status, body });
        }
        Ok(response.bytes().await?.to_vec())
    }
}
