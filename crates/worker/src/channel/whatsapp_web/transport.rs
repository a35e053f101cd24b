//! The library's websocket transport, watched: it retries a failed
//! connection quietly (to its own log), so each failure is also passed on
//! as a channel event, and the operator sees why the session is offline.

use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;
use whatsapp_rust::transport::{
    TokioWebSocketTransportFactory, Transport, TransportEvent, TransportFactory,
};
use whatsapp_rust::{anyhow, async_channel, async_trait};

use super::Bridged;
use crate::channel::ChannelEvent;

pub struct ObservedTransport {
    inner: TokioWebSocketTransportFactory,
    url: String,
    events: UnboundedSender<Bridged>,
}

impl ObservedTransport {
    pub fn new(url: &str, events: UnboundedSender<Bridged>) -> Self {
        Self {
            inner: TokioWebSocketTransportFactory::new().with_url(url),
            url: url.to_owned(),
            events,
        }
    }
}

/// The operator's words for a failed connection attempt.
pub fn unreachable_error(url: &str, error: &anyhow::Error) -> String {
    format!("cannot reach WhatsApp at {url}: {error:#}; retrying with backoff")
}

#[async_trait]
impl TransportFactory for ObservedTransport {
    async fn create_transport(
        &self,
    ) -> Result<(Arc<dyn Transport>, async_channel::Receiver<TransportEvent>), anyhow::Error> {
        let result = self.inner.create_transport().await;
        if let Err(e) = &result {
            let _ = self.events.send(Bridged::Event(ChannelEvent::Disconnected {
                error: unreachable_error(&self.url, e),
                retrying: true,
            }));
        }
        result
    }
}
