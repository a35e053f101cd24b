//! A local webhook receiver: records every request and answers with the
//! status codes it is told, in order (then 200).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
    pub answered: u16,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Inner {
    received: Vec<Received>,
    answers: VecDeque<u16>,
    /// Answer everything with this (a receiver that is down).
    always: Option<u16>,
}

#[derive(Clone, Default)]
pub struct WebhookSink {
    inner: Arc<Mutex<Inner>>,
    pub addr: Option<SocketAddr>,
}

impl WebhookSink {
    pub async fn start() -> Self {
        let mut sink = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        sink.addr = Some(listener.local_addr().unwrap());
        let app = Router::new()
            .route("/hook", post(receive))
            .with_state(sink.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        sink
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr.unwrap())
    }

    /// The next requests are answered with `codes`, in order.
    pub fn answer(&self, codes: &[u16]) {
        self.inner.lock().unwrap().answers.extend(codes);
    }

    pub fn always(&self, code: Option<u16>) {
        self.inner.lock().unwrap().always = code;
    }

    pub fn received(&self) -> Vec<Received> {
        self.inner.lock().unwrap().received.clone()
    }

    /// Waits until `n` requests came in (10 s at most).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} webhook request(s) not received: {:?}", self.received());
    }
}

async fn receive(State(sink): State<WebhookSink>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut inner = sink.inner.lock().unwrap();
    let code = inner
        .always
        .or_else(|| inner.answers.pop_front())
        .unwrap_or(200);
    inner.received.push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8(body.to_vec()).unwrap(),
        answered: code,
    });
    StatusCode::from_u16(code).unwrap()
}

/// HMAC-SHA256 (RFC 2104) written out over sha2, independent of the
/// signing crate the server uses.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Whether `request` carries a `v1,` signature made with `secret`
/// (`whsec_<base64 key>`) over `id.timestamp.body`.
pub fn signed_with(request: &Received, secret: &str) -> bool {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = b64
        .decode(secret.strip_prefix("whsec_").expect("a whsec_ secret"))
        .unwrap();
    let signed = format!("{}.{}.{}", request.id, request.timestamp, request.body);
    let expected = format!("v1,{}", b64.encode(hmac_sha256(&key, signed.as_bytes())));
    request.signature.split(' ').any(|s| s == expected)
}
