//! The public HTTP API as the stress test uses it: an admin with a bearer
//! token, owners with session cookies, and the simulated network (the
//! control plane's own, or a `flowhq sim` run apart). Every 5xx answer is
//! counted: overload must be shed, never turned into server errors.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::check::{LogRow, SentRow};

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    token: String,
    /// Where the simulated network answers (the control plane's own by
    /// default).
    sim_base: String,
    /// 5xx answers seen.
    server_errors: Arc<AtomicU64>,
}

/// The page sizes the API allows at most.
const MESSAGES_PAGE: u32 = 500;

impl Api {
    pub fn new(base: &str, token: &str, connections: usize) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        let base = base.trim_end_matches('/').to_string();
        Ok(Self {
            http,
            sim_base: base.clone(),
            base,
            token: token.to_string(),
            server_errors: Arc::default(),
        })
    }

    /// The simulated network runs apart, at `url` (with the same token).
    pub fn with_sim(mut self, url: &str) -> Self {
        self.sim_base = url.trim_end_matches('/').to_string();
        self
    }

    /// 5xx answers seen so far.
    pub fn server_errors(&self) -> u64 {
        self.server_errors.load(Ordering::Relaxed)
    }

    fn sim(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.sim_base))
            .bearer_auth(&self.token)
    }

    /// Sends `request` and decodes the JSON answer.
    async fn call<T: DeserializeOwned>(
        &self,
        request: RequestBuilder,
        path: &str,
    ) -> anyhow::Result<T> {
        let response = request.send().await.with_context(|| path.to_string())?;
        self.decode(response, path).await
    }

    async fn decode<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
        path: &str,
    ) -> anyhow::Result<T> {
        let status = response.status();
        if status.is_server_error() {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        let body = response.text().await?;
        if !status.is_success() {
            bail!("{path}: {status}: {body}");
        }
        serde_json::from_str(&body).with_context(|| format!("{path}: decoding {body}"))
    }

    fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn admin_get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        self.call(self.admin(Method::GET, path), path).await
    }

    pub async fn admin_post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        self.call(self.admin(Method::POST, path).json(body), path)
            .await
    }

    /// A GET (with the admin token, which `/healthz` ignores) that only
    /// says how it went: its status.
    pub async fn probe(&self, path: &str) -> anyhow::Result<reqwest::StatusCode> {
        let response = self.admin(Method::GET, path).send().await?;
        let status = response.status();
        if status.is_server_error() {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        Ok(status)
    }

    pub async fn text(&self, path: &str) -> anyhow::Result<String> {
        let response = self.admin(Method::GET, path).send().await?;
        if response.status().is_server_error() {
            self.server_errors.fetch_add(1, Ordering::Relaxed);
        }
        Ok(response.error_for_status()?.text().await?)
    }

    /// Signs an owner up; returns the response and their session cookie.
    pub async fn signup(&self, body: &Value) -> anyhow::Result<(Value, String)> {
        let response = self
            .http
            .post(format!("{}/api/portal/signup", self.base))
            .json(body)
            .send()
            .await?;
        let cookie = response
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("flowhq_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        let value = self.decode(response, "/api/portal/signup").await?;
        Ok((value, cookie.context("signup set no session cookie")?))
    }

    pub async fn owner_post(
        &self,
        cookie: &str,
        path: &str,
        body: &Value,
    ) -> anyhow::Result<Value> {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::COOKIE, cookie)
            .json(body);
        self.call(request, path).await
    }

    /// A customer writes to a tenant; returns the network's message id.
    pub async fn inbound(&self, tenant: &str, from: &str, text: &str) -> anyhow::Result<String> {
        let path = format!("/api/sim/tenants/{tenant}/inbound");
        let body = serde_json::json!({ "from": from, "text": text });
        let value: Value = self
            .call(self.sim(Method::POST, &path).json(&body), &path)
            .await?;
        value["wa_message_id"]
            .as_str()
            .map(str::to_string)
            .context("inbound answered without a wa_message_id")
    }

    /// The phone scans the tenant's QR code.
    pub async fn sim_scan(&self, tenant: &str) -> anyhow::Result<()> {
        let path = format!("/api/sim/tenants/{tenant}/scan");
        let _: Value = self.call(self.sim(Method::POST, &path), &path).await?;
        Ok(())
    }

    /// Every message-log row of a tenant, following the cursor.
    pub async fn all_messages(&self, tenant: &str) -> anyhow::Result<Vec<LogRow>> {
        let mut rows = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let mut path = format!("/api/admin/tenants/{tenant}/messages?limit={MESSAGES_PAGE}");
            if let Some(cursor) = &before {
                path.push_str(&format!("&before={cursor}"));
            }
            let page: Page<LogRow> = self.admin_get(&path).await?;
            rows.extend(page.items);
            match page.next_cursor {
                Some(cursor) => before = Some(cursor),
                None => return Ok(rows),
            }
        }
    }

    pub async fn sim_outbox(&self, tenant: &str) -> anyhow::Result<Vec<SentRow>> {
        let path = format!("/api/sim/tenants/{tenant}/outbox");
        let page: Page<SentRow> = self.call(self.sim(Method::GET, &path), &path).await?;
        Ok(page.items)
    }

    /// Inbound messages logged so far, from `/metrics`.
    pub async fn inbound_logged(&self) -> anyhow::Result<u64> {
        let metrics = self.text("/metrics").await?;
        metrics
            .lines()
            .find_map(|line| {
                line.strip_prefix("flowhq_messages_logged_total{direction=\"INBOUND\"} ")
            })
            .and_then(|n| n.trim().parse().ok())
            .context("/metrics has no inbound message count")
    }
}

#[derive(serde::Deserialize)]
struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}
