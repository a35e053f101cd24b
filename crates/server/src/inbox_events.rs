//! The inbox's live updates: what the event streams
//! (`GET /api/portal/tenant/current/events`) of one tenant hear.
//!
//! In memory, per control-plane process: a stream hears what this process
//! logged or changed. The worker's link and the owner's requests reach the
//! same process in a one-replica deployment; with several replicas behind
//! a balancer, a page that misses an event still shows it on its next load.
//!
//! A stream costs one broadcast receiver; a tenant nobody watches costs
//! nothing, and publishing to it skips the store reads that would feed it
//! ([`InboxEvents::watched`]).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use flowhq_domain::inbox::Conversation;
use flowhq_domain::{ContactId, DeliveryStatus, Direction, MessageLogId, TenantId};
use serde::Serialize;
use tokio::sync::broadcast;
use utoipa::ToSchema;

/// Events a stream keeps for a slow reader; one that falls further behind
/// is told to reload (`lagged`).
const BACKLOG: usize = 64;

/// One live update.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum InboxEvent {
    /// SSE `message`: a message was logged in a conversation.
    Message(MessageEvent),
    /// SSE `conversation`: a conversation's row changed (new message,
    /// unread, "wants a person", resolved, labels).
    Conversation(Box<Conversation>),
    /// SSE `delivery`: a message the business sent was delivered, read or
    /// failed.
    Delivery(DeliveryEvent),
}

impl InboxEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Message(_) => "message",
            Self::Conversation(_) => "conversation",
            Self::Delivery(_) => "delivery",
        }
    }
}

/// SSE `message`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MessageEvent {
    pub contact_id: ContactId,
    pub direction: Direction,
    pub text: String,
    /// The file's name, when the message has one.
    pub file_name: Option<String>,
    pub at: DateTime<Utc>,
}

/// SSE `delivery`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeliveryEvent {
    pub message_id: MessageLogId,
    /// `None` when the message's contact is gone.
    pub contact_id: Option<ContactId>,
    pub delivery: DeliveryStatus,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Default)]
pub struct InboxEvents {
    tenants: Mutex<HashMap<TenantId, broadcast::Sender<InboxEvent>>>,
}

impl InboxEvents {
    fn tenants(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<TenantId, broadcast::Sender<InboxEvent>>> {
        self.tenants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new stream of `tenant`'s updates.
    pub fn subscribe(&self, tenant: TenantId) -> broadcast::Receiver<InboxEvent> {
        self.tenants()
            .entry(tenant)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    /// Whether any stream of `tenant` is open here.
    pub fn watched(&self, tenant: TenantId) -> bool {
        self.tenants()
            .get(&tenant)
            .is_some_and(|sender| sender.receiver_count() > 0)
    }

    /// Tells `tenant`'s open streams; forgets the tenant once none is.
    pub fn publish(&self, tenant: TenantId, events: impl IntoIterator<Item = InboxEvent>) {
        let mut tenants = self.tenants();
        let Some(sender) = tenants.get(&tenant) else {
            return;
        };
        if sender.receiver_count() == 0 {
            tenants.remove(&tenant);
            return;
        }
        for event in events {
            // Only fails without receivers, checked above.
            let _ = sender.send(event);
        }
    }

    /// Open streams here, over all tenants (for metrics and the bench).
    pub fn streams(&self) -> usize {
        self.tenants()
            .values()
            .map(broadcast::Sender::receiver_count)
            .sum()
    }
}
