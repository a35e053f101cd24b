//! The public HTTP API as the stress test uses it: an admin with a bearer
//! token, owners with session cookies, and the simulated network.

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
}

/// The page sizes the API allows at most.
const MESSAGES_PAGE: u32 = 500;

impl Api {
    pub fn new(base: &str, token: &str, connections: usize) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(connections)
            .timeout(std::time::Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: token.to_string(),
        })
    }

    fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
    }

    pub async fn admin_get<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        expect_json(self.admin(Method::GET, path), path).await
    }

    pub async fn admin_post(&self, path: &str, body: &Value) -> anyhow::Result<Value> {
        expect_json(self.admin(Method::POST, path).json(body), path).await
    }

    pub async fn text(&self, path: &str) -> anyhow::Result<String> {
        let response = self.admin(Method::GET, path).send().await?;
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
        let value = decode(response, "/api/portal/signup").await?;
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
        expect_json(request, path).await
    }

    /// A customer writes to a tenant; returns the network's message id.
    pub async fn inbound(&self, tenant: &str, from: &str, text: &str) -> anyhow::Result<String> {
        let path = format!("/api/sim/tenants/{tenant}/inbound");
        let body = serde_json::json!({ "from": from, "text": text });
        let value = self.admin_post(&path, &body).await?;
        value["wa_message_id"]
            .as_str()
            .map(str::to_string)
            .context("inbound answered without a wa_message_id")
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
        let page: Page<SentRow> = self
            .admin_get(&format!("/api/sim/tenants/{tenant}/outbox"))
            .await?;
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

async fn expect_json<T: DeserializeOwned>(
    request: RequestBuilder,
    path: &str,
) -> anyhow::Result<T> {
    decode(
        request.send().await.with_context(|| path.to_string())?,
        path,
    )
    .await
}

async fn decode<T: DeserializeOwned>(response: reqwest::Response, path: &str) -> anyhow::Result<T> {
    let status = response.status();
    let body = response.text().await?;
    if !status.is_success() {
        bail!("{path}: {status}: {body}");
    }
    serde_json::from_str(&body).with_context(|| format!("{path}: decoding {body}"))
}
