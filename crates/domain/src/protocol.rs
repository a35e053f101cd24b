//! The worker protocol: what a tenant's worker and the control plane send
//! each other over HTTP (`/api/worker/{tenant}/…`). Both sides use these
//! types, so the two cannot drift apart.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Direction, Language, SessionState, TemplateType};

/// `POST /api/worker/{tenant}/heartbeat`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heartbeat {
    pub pid: u32,
    pub session_state: SessionState,
    /// Message logs waiting in the worker's outbox.
    pub outbox_backlog: u64,
}

/// What a heartbeat answers: the state the worker should be in. Level
/// triggered: the worker compares it with its own every interval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesiredState {
    /// Log inbound messages, send no automatic replies.
    pub paused: bool,
    /// Fetch the config again when this differs from the one it has.
    pub config_version: i64,
    /// Exit now.
    pub stop: bool,
}

/// `GET /api/worker/{tenant}/config`: what the bot needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkerConfig {
    /// The business's WhatsApp number: `to` of inbound, `from` of outbound logs.
    pub phone_number: String,
    pub template_type: TemplateType,
    pub business_name: String,
    pub language: Language,
    pub hours: serde_json::Value,
    #[serde(default)]
    pub overrides: serde_json::Map<String, serde_json::Value>,
    pub config_version: i64,
    pub paused: bool,
}

/// `POST /api/worker/{tenant}/session`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUpdate {
    pub state: SessionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qr_expires_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One message log, as a worker ships it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedMessage {
    pub direction: Direction,
    pub from_number: String,
    pub to_number: String,
    pub message_text: String,
    pub wa_message_id: String,
    /// Inbound: the bot's decision (see `MessageLog::bot_decision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_decision: Option<String>,
    /// Outbound: the inbound message this reply answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// `POST /api/worker/{tenant}/messages`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBatch {
    pub messages: Vec<LoggedMessage>,
}

/// The control plane stored every message of the batch (`inserted` of them
/// new, the rest already logged): the worker may forget them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageAck {
    pub accepted: u64,
    pub inserted: u64,
}

/// `POST /api/worker/{tenant}/sim/poll`: the simulated network's long poll.
/// The worker says what it knows; the answer comes when something differs
/// or a message waits, or after `wait_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimPoll {
    /// Saved credentials from an earlier link, if any.
    pub credentials: Option<String>,
    /// Messages now safe in the worker's outbox, acknowledged before the
    /// poll looks for news (saves a round trip per burst).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ack: Vec<String>,
    /// Whether the worker believes it is linked.
    pub linked: bool,
    /// The QR code the worker shows now.
    pub known_qr: Option<String>,
    pub wait_ms: u64,
}

/// The device as the simulated network sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimView {
    pub linked: bool,
    /// With `linked`: the credentials to save and present next time.
    pub credentials: Option<String>,
    /// Without `linked`: the QR code to show, and when it expires.
    pub qr: Option<String>,
    pub qr_expires_at: Option<DateTime<Utc>>,
    /// Unacknowledged customer messages, oldest first (only when linked).
    pub messages: Vec<SimMessage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimMessage {
    pub wa_message_id: String,
    pub from: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// `POST /api/worker/{tenant}/sim/send`: idempotent on `client_id`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimSend {
    pub client_id: String,
    pub to: String,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimSent {
    pub wa_message_id: String,
    pub sent_at: DateTime<Utc>,
}
