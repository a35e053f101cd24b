//! A worker's end of the link, driven frame by frame by a test.

use std::time::Duration;

use flowhq_domain::SessionState;
use flowhq_domain::protocol::{Down, SessionUpdate, TENANT_HEADER, Up};
use futures_util::{SinkExt, StreamExt};
use http::{HeaderName, HeaderValue};
use tokio::net::TcpStream;
use tokio_websockets::{MaybeTlsStream, Message, WebSocketStream};

use crate::helpers::TestApp;

pub struct FakeWorker {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// Opens the link for `tenant` with `token`; the error is the HTTP status
/// of a refused upgrade.
pub async fn connect(app: &TestApp, tenant: &str, token: &str) -> Result<FakeWorker, u16> {
    let url = app.url("/api/worker/link").replacen("http://", "ws://", 1);
    let builder = tokio_websockets::ClientBuilder::new()
        .uri(&url)
        .unwrap()
        .add_header(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {token}")).unwrap(),
        )
        .unwrap()
        .add_header(
            HeaderName::from_static(TENANT_HEADER),
            HeaderValue::from_str(tenant).unwrap(),
        )
        .unwrap();
    match builder.connect().await {
        Ok((socket, _)) => Ok(FakeWorker { socket }),
        Err(tokio_websockets::Error::Upgrade(
            tokio_websockets::upgrade::Error::DidNotSwitchProtocols(status),
        )) => Err(status),
        Err(e) => panic!("connecting the link: {e}"),
    }
}

/// Connects and says hello with `session` and `backlog`; returns the
/// worker and the welcome.
pub async fn hello(
    app: &TestApp,
    tenant: &str,
    token: &str,
    session: SessionState,
    backlog: u64,
) -> (FakeWorker, Down) {
    let mut worker = connect(app, tenant, token).await.expect("link accepted");
    worker
        .send(&Up::Hello {
            pid: 1,
            session: SessionUpdate::state(session),
            outbox_backlog: backlog,
        })
        .await;
    let welcome = worker.receive().await;
    assert!(matches!(welcome, Down::Welcome { .. }), "{welcome:?}");
    (worker, welcome)
}

impl FakeWorker {
    pub async fn send(&mut self, frame: &Up) {
        let text = serde_json::to_string(frame).unwrap();
        self.socket.send(Message::text(text)).await.unwrap();
    }

    /// The next frame, within five seconds.
    pub async fn receive(&mut self) -> Down {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                let message = self
                    .socket
                    .next()
                    .await
                    .expect("the link is open")
                    .expect("a frame");
                if let Some(text) = message.as_text() {
                    return serde_json::from_str(text).unwrap();
                }
                assert!(!message.is_close(), "the control plane closed the link");
            }
        })
        .await
        .expect("a frame within 5 s")
    }

    /// Whether the control plane closed the link (within five seconds).
    pub async fn closed(mut self) -> bool {
        tokio::time::timeout(Duration::from_secs(5), async {
            loop {
                match self.socket.next().await {
                    None | Some(Err(_)) => return true,
                    Some(Ok(m)) if m.is_close() => return true,
                    Some(Ok(_)) => {}
                }
            }
        })
        .await
        .unwrap_or(false)
    }

    pub async fn hang_up(mut self) {
        let _ = self.socket.close().await;
    }
}
