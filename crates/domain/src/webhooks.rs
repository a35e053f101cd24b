//! Webhook events: what integrators are told, in which shape, and when a
//! failing delivery is tried again.
//!
//! A request's body is the versioned envelope `{type, timestamp, data}`;
//! the `webhook-id` header is the event's id, the same on every retry and
//! replay, so a receiver drops what it already has. Payloads only grow:
//! fields are added, never renamed or removed, within a version.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::alerts::{AlertKind, Audience};
use crate::enums::UnknownVariant;
use crate::lifecycle::Event;
use crate::protocol::LoggedMessage;
use crate::{Direction, LoggedDecision, MessageLogId, SessionState, TenantId, TenantStatus};

string_enum!(
    /// What happened, as integrators subscribe to it.
    EventType {
        MessageReceived => "message.received",
        MessageSent => "message.sent",
        MessageStatus => "message.status",
        HandoffRequested => "handoff.requested",
        SessionStatus => "session.status",
        TenantStatus => "tenant.status",
        AlertOpened => "alert.opened",
        AlertCleared => "alert.cleared",
    }
);

/// The version of the envelope and of every `data` shape below.
pub const PAYLOAD_VERSION: u32 = 1;

/// An event ready to be queued for every endpoint subscribed to its type.
#[derive(Clone, Debug, PartialEq)]
pub struct WebhookEvent {
    /// `evt_` and a time-ordered unique id: the `webhook-id` header.
    pub id: String,
    pub event_type: EventType,
    /// The whole request body, serialized once.
    pub payload: String,
}

impl WebhookEvent {
    pub fn new(event_type: EventType, tenant: TenantId, at: DateTime<Utc>, data: Value) -> Self {
        let mut data = data;
        if let Value::Object(fields) = &mut data {
            fields.insert("tenant_id".to_owned(), json!(tenant.to_string()));
        }
        let body = json!({
            "type": event_type.as_str(),
            "version": PAYLOAD_VERSION,
            "timestamp": at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "data": data,
        });
        Self {
            id: format!("evt_{}", uuid::Uuid::now_v7().simple()),
            event_type,
            payload: body.to_string(),
        }
    }
}

/// The events a logged message causes: received or sent, and a handoff
/// when the bot handed the customer to a person.
pub fn message_events(
    tenant: TenantId,
    id: MessageLogId,
    message: &LoggedMessage,
) -> Vec<WebhookEvent> {
    let data = json!({
        "message": {
            "id": id.to_string(),
            "direction": message.direction.as_str(),
            "from": message.from_number,
            "to": message.to_number,
            "text": message.message_text,
            "wa_message_id": message.wa_message_id,
            "bot_decision": message.bot_decision.map(LoggedDecision::as_str),
            "reply_to": message.reply_to,
            "media": message.media,
            "created_at": message.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }
    });
    let at = message.created_at;
    match message.direction {
        Direction::Outbound => vec![WebhookEvent::new(EventType::MessageSent, tenant, at, data)],
        Direction::Inbound => {
            let mut events = vec![WebhookEvent::new(
                EventType::MessageReceived,
                tenant,
                at,
                data.clone(),
            )];
            if message.bot_decision == Some(LoggedDecision::Handoff) {
                events.push(WebhookEvent::new(
                    EventType::HandoffRequested,
                    tenant,
                    at,
                    data,
                ));
            }
            events
        }
    }
}

/// `message.status`: a message the business sent moved forward (delivered
/// to the phone, read, failed), as the network reported at `at`.
pub fn status_event(
    tenant: TenantId,
    id: MessageLogId,
    wa_message_id: &str,
    to: &str,
    delivery: crate::DeliveryStatus,
    at: DateTime<Utc>,
) -> WebhookEvent {
    WebhookEvent::new(
        EventType::MessageStatus,
        tenant,
        at,
        json!({
            "message": {
                "id": id.to_string(),
                "wa_message_id": wa_message_id,
                "to": to,
                "delivery": delivery.as_str(),
            },
            "at": at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }),
    )
}

/// The link's state as integrators see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStatus {
    Connected,
    LoggedOut,
    QrExpired,
    Banned,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::LoggedOut => "logged_out",
            Self::QrExpired => "qr_expired",
            Self::Banned => "banned",
        }
    }

    /// What a worker's report says, if it says one of the statuses above;
    /// the error texts are the ones workers report (see `alerts`).
    pub fn of_report(state: SessionState, error: Option<&str>) -> Option<Self> {
        let error = error.unwrap_or_default();
        if state == SessionState::Connected {
            Some(Self::Connected)
        } else if error.contains("QR codes ran out") {
            Some(Self::QrExpired)
        } else if error.contains("temporarily banned") {
            Some(Self::Banned)
        } else if state == SessionState::LoggedOut {
            Some(Self::LoggedOut)
        } else {
            None
        }
    }
}

/// What a report says after `before`: a connected session that now shows
/// a QR code was unlinked from the phone (a worker may report the new QR
/// without the logout in between).
pub fn session_status_after(
    before: Option<SessionStatus>,
    state: SessionState,
    error: Option<&str>,
) -> Option<SessionStatus> {
    match SessionStatus::of_report(state, error) {
        None if before == Some(SessionStatus::Connected) && state == SessionState::QrReady => {
            Some(SessionStatus::LoggedOut)
        }
        status => status,
    }
}

/// `session.status`, when a report changes what [`session_status_after`]
/// says (a worker repeats its state on every heartbeat).
pub fn session_event(
    tenant: TenantId,
    before: Option<SessionStatus>,
    now: Option<SessionStatus>,
    error: Option<&str>,
    at: DateTime<Utc>,
) -> Option<WebhookEvent> {
    let status = now.filter(|s| Some(*s) != before)?;
    Some(WebhookEvent::new(
        EventType::SessionStatus,
        tenant,
        at,
        json!({ "status": status.as_str(), "detail": error.filter(|e| !e.is_empty()) }),
    ))
}

/// `tenant.status`, on every move of the status machine.
pub fn tenant_event(
    tenant: TenantId,
    from: TenantStatus,
    to: TenantStatus,
    cause: Event,
    at: DateTime<Utc>,
) -> WebhookEvent {
    WebhookEvent::new(
        EventType::TenantStatus,
        tenant,
        at,
        json!({ "from": from.as_str(), "to": to.as_str(), "event": cause.as_str() }),
    )
}

/// `alert.opened` when an incident is told about (after its kind's delay,
/// once however often its cause repeats), `alert.cleared` when it is back
/// to normal: the same moments as the alert mails.
pub fn alert_event(
    tenant: TenantId,
    alert_id: &str,
    kind: AlertKind,
    detail: Option<&str>,
    cleared: bool,
    at: DateTime<Utc>,
) -> WebhookEvent {
    let event_type = if cleared {
        EventType::AlertCleared
    } else {
        EventType::AlertOpened
    };
    let audience = match kind.audience() {
        Audience::Owner => "owner",
        Audience::Operators => "operators",
    };
    WebhookEvent::new(
        event_type,
        tenant,
        at,
        json!({ "alert": { "id": alert_id, "kind": kind.as_str(), "detail": detail, "audience": audience } }),
    )
}

/// A comma-separated list of event types, as endpoints store them.
pub fn parse_event_list(list: &[String]) -> Result<Vec<EventType>, UnknownVariant> {
    let mut types = Vec::new();
    for name in list {
        let event: EventType = name.trim().parse()?;
        if !types.contains(&event) {
            types.push(event);
        }
    }
    Ok(types)
}

/// Stored with a comma on each side so that `LIKE '%,type,%'` finds a type.
pub fn store_event_list(types: &[EventType]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    format!(",{},", names.join(","))
}

pub fn read_event_list(stored: &str) -> Vec<EventType> {
    stored
        .split(',')
        .filter_map(|name| EventType::from_str(name).ok())
        .collect()
}

/// The waits between attempts: the first retry comes `schedule[0]` after
/// the first failure, and after the last one the delivery is a dead
/// letter. About three days in all, front-loaded so that a receiver's
/// short outage costs seconds and a long one still gets its events.
pub const DEFAULT_RETRY_SCHEDULE: [Duration; 13] = [
    Duration::from_secs(5),
    Duration::from_secs(30),
    Duration::from_secs(2 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(30 * 60),
    Duration::from_secs(60 * 60),
    Duration::from_secs(3 * 60 * 60),
    Duration::from_secs(6 * 60 * 60),
    Duration::from_secs(12 * 60 * 60),
    Duration::from_secs(12 * 60 * 60),
    Duration::from_secs(12 * 60 * 60),
    Duration::from_secs(12 * 60 * 60),
    Duration::from_secs(13 * 60 * 60),
];

/// The wait after failed attempt number `attempts` (1-based), spread by
/// `jitter` in [-1, 1] times a tenth of it so that deliveries failed
/// together do not all come back together; `None`: no retries left.
pub fn next_wait(schedule: &[Duration], attempts: u32, jitter: f64) -> Option<Duration> {
    let base = *schedule.get(usize::try_from(attempts).ok()?.checked_sub(1)?)?;
    let spread = base.as_secs_f64() * 0.1 * jitter.clamp(-1.0, 1.0);
    Some(Duration::from_secs_f64(
        (base.as_secs_f64() + spread).max(0.0),
    ))
}

/// A receiver's answer, cut for the delivery log.
pub fn excerpt(body: &str) -> String {
    const MAX: usize = 500;
    match body.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &body[..end]),
        None => body.to_owned(),
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an endpoint's owner sees of a request body in the delivery log.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Envelope {
    #[serde(rename = "type")]
    pub event_type: String,
    pub version: u32,
    pub timestamp: String,
    pub data: Value,
}

/// Where an endpoint's requests go: an absolute `http` or `https` URL with
/// a host. Whether the host may be reached (private addresses) is decided
/// when it is resolved, at each delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointUrl(url::Url);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEndpoint {
    #[error("must be an absolute http:// or https:// URL")]
    Url,
    #[error("must not carry a user name or password")]
    Credentials,
    #[error("must be whsec_ followed by 24 to 64 bytes in base64")]
    Secret,
    #[error("name at least one event; unknown: {0}")]
    Events(String),
}

impl EndpointUrl {
    pub fn parse(raw: &str) -> Result<Self, InvalidEndpoint> {
        let url = url::Url::parse(raw.trim()).map_err(|_| InvalidEndpoint::Url)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(InvalidEndpoint::Url);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InvalidEndpoint::Credentials);
        }
        Ok(Self(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// The events an endpoint subscribes to: at least one, each known.
pub fn parse_subscription(names: &[String]) -> Result<Vec<EventType>, InvalidEndpoint> {
    match parse_event_list(names) {
        Ok(types) if !types.is_empty() => Ok(types),
        Ok(_) => Err(InvalidEndpoint::Events(String::new())),
        Err(unknown) => Err(InvalidEndpoint::Events(unknown.to_string())),
    }
}

/// A signing secret in the Standard Webhooks form: `whsec_` and the key's
/// bytes in base64. The HMAC key is the decoded bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    const PREFIX: &'static str = "whsec_";

    pub fn parse(raw: &str) -> Result<Self, InvalidEndpoint> {
        use base64::Engine;
        let key = raw
            .strip_prefix(Self::PREFIX)
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .ok_or(InvalidEndpoint::Secret)?;
        if !(24..=64).contains(&key.len()) {
            return Err(InvalidEndpoint::Secret);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A new secret from 32 random bytes the caller drew.
    pub fn from_key(key: &[u8; 32]) -> Self {
        use base64::Engine;
        Self(format!(
            "{}{}",
            Self::PREFIX,
            base64::engine::general_purpose::STANDARD.encode(key)
        ))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(direction: Direction, decision: Option<LoggedDecision>) -> LoggedMessage {
        LoggedMessage {
            direction,
            from_number: "+5511999990000".into(),
            to_number: "+5511988887777".into(),
            message_text: "oi".into(),
            wa_message_id: "wamid.1".into(),
            bot_decision: decision,
            reply_to: None,
            menu_item: None,
            media: None,
            push_name: None,
            client_id: None,
            hidden_id: None,
            created_at: DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        }
    }

    #[test]
    fn an_inbound_message_is_received_and_a_handoff_also_requested() {
        let tenant = TenantId::new();
        let id = MessageLogId::new();
        let plain = message_events(
            tenant,
            id,
            &message(Direction::Inbound, Some(LoggedDecision::Answer)),
        );
        assert_eq!(plain.len(), 1);
        assert_eq!(plain[0].event_type, EventType::MessageReceived);
        let handoff = message_events(
            tenant,
            id,
            &message(Direction::Inbound, Some(LoggedDecision::Handoff)),
        );
        let types: Vec<_> = handoff.iter().map(|e| e.event_type).collect();
        assert_eq!(
            types,
            [EventType::MessageReceived, EventType::HandoffRequested]
        );
        assert_ne!(handoff[0].id, handoff[1].id);
        let sent = message_events(tenant, id, &message(Direction::Outbound, None));
        assert_eq!(sent[0].event_type, EventType::MessageSent);
    }

    #[test]
    fn the_envelope_is_versioned_and_names_the_tenant_and_the_message() {
        let tenant = TenantId::new();
        let id = MessageLogId::new();
        let event = &message_events(tenant, id, &message(Direction::Inbound, None))[0];
        let body: Envelope = serde_json::from_str(&event.payload).unwrap();
        assert_eq!(body.event_type, "message.received");
        assert_eq!(body.version, PAYLOAD_VERSION);
        assert_eq!(body.timestamp, "2027-01-15T08:00:00.000Z");
        assert_eq!(body.data["tenant_id"], tenant.to_string());
        assert_eq!(body.data["message"]["id"], id.to_string());
        assert_eq!(body.data["message"]["text"], "oi");
        assert!(event.id.starts_with("evt_"));
    }

    #[test]
    fn session_events_fire_on_changes_of_what_integrators_see() {
        use SessionState::*;
        let tenant = TenantId::new();
        let at = Utc::now();
        let connected = SessionStatus::of_report(Connected, None);
        assert_eq!(connected, Some(SessionStatus::Connected));
        assert!(session_event(tenant, connected, connected, None, at).is_none());
        let out = SessionStatus::of_report(LoggedOut, Some("logged out from the phone"));
        let event = session_event(tenant, connected, out, None, at).unwrap();
        assert!(event.payload.contains("\"logged_out\""));
        assert_eq!(
            SessionStatus::of_report(QrReady, Some("the QR codes ran out before a scan")),
            Some(SessionStatus::QrExpired)
        );
        assert_eq!(
            SessionStatus::of_report(Disconnected, Some("temporarily banned for 2h")),
            Some(SessionStatus::Banned)
        );
        assert_eq!(SessionStatus::of_report(Connecting, None), None);
        // Unlinked from the phone, reported as the next QR code.
        assert_eq!(
            session_status_after(connected, QrReady, None),
            Some(SessionStatus::LoggedOut)
        );
        assert_eq!(session_status_after(None, QrReady, None), None);
        assert!(session_event(tenant, connected, None, None, at).is_none());
    }

    #[test]
    fn event_lists_round_trip_and_refuse_unknown_types() {
        let list = parse_event_list(&[
            "message.received".into(),
            " session.status".into(),
            "message.received".into(),
        ])
        .unwrap();
        assert_eq!(list, [EventType::MessageReceived, EventType::SessionStatus]);
        let stored = store_event_list(&list);
        assert_eq!(stored, ",message.received,session.status,");
        assert_eq!(read_event_list(&stored), list);
        assert!(parse_event_list(&["message.deleted".into()]).is_err());
    }

    #[test]
    fn retries_follow_the_schedule_with_a_tenth_of_jitter_then_stop() {
        let schedule = [Duration::from_secs(10), Duration::from_secs(100)];
        assert_eq!(next_wait(&schedule, 1, 0.0), Some(Duration::from_secs(10)));
        assert_eq!(next_wait(&schedule, 2, 1.0), Some(Duration::from_secs(110)));
        assert_eq!(next_wait(&schedule, 2, -1.0), Some(Duration::from_secs(90)));
        assert_eq!(next_wait(&schedule, 3, 0.0), None);
        assert_eq!(next_wait(&schedule, 0, 0.0), None);
        let total: Duration = DEFAULT_RETRY_SCHEDULE.iter().sum();
        let hours = total.as_secs() / 3600;
        assert!(
            (70..=74).contains(&hours),
            "about three days, got {hours} h"
        );
    }

    #[test]
    fn excerpts_are_cut_on_characters() {
        assert_eq!(excerpt("ok"), "ok");
        let long = "é".repeat(600);
        assert_eq!(excerpt(&long).chars().count(), 501);
    }

    #[test]
    fn endpoints_need_a_web_url_and_a_standard_secret() {
        assert!(EndpointUrl::parse("https://hooks.example.com/flowhq").is_ok());
        assert!(EndpointUrl::parse("http://127.0.0.1:9000/x").is_ok());
        assert_eq!(
            EndpointUrl::parse("ftp://example.com"),
            Err(InvalidEndpoint::Url)
        );
        assert_eq!(EndpointUrl::parse("/relative"), Err(InvalidEndpoint::Url));
        assert_eq!(
            EndpointUrl::parse("https://me:pw@example.com/"),
            Err(InvalidEndpoint::Credentials)
        );
        let secret = WebhookSecret::from_key(&[7; 32]);
        assert!(secret.expose().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(secret.expose()), Ok(secret));
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert!(WebhookSecret::parse("no-prefix").is_err());
        assert!(parse_subscription(&[]).is_err());
        assert!(matches!(
            parse_subscription(&["nope".into()]),
            Err(InvalidEndpoint::Events(u)) if u.contains("nope")
        ));
    }
}
