//! The library's events as channel events: which ones change the session,
//! and the words the operator reads in `last_error` when it is down.

use chrono::{DateTime, TimeDelta, Utc};
use flowhq_domain::DeliveryStatus;
use flowhq_domain::protocol::Receipt;
use whatsapp_rust::wacore::types::events::{ConnectFailureReason, Event};
use whatsapp_rust::wacore::types::presence::ReceiptType;

use crate::channel::ChannelEvent;

/// What a library event means for the worker. Inbound messages are not
/// here: they arrive through the durability hook (see `mod.rs`).
pub fn map(event: &Event, now: DateTime<Utc>) -> Option<ChannelEvent> {
    let expires =
        |timeout: std::time::Duration| TimeDelta::from_std(timeout).ok().map(|ttl| now + ttl);
    Some(match event {
        Event::PairingQrCode(qr) => ChannelEvent::Qr {
            code: qr.code.clone(),
            expires_at: expires(qr.timeout),
        },
        Event::PairingCode(code) => ChannelEvent::PairingCode {
            code: code.code.clone(),
            expires_at: expires(code.timeout),
        },
        Event::PairingCodeError(e) => ChannelEvent::Trouble(format!(
            "WhatsApp did not give a pairing code: {}; ask again or scan the QR code",
            e.error
        )),
        Event::PairingCodeRefresh(_) => ChannelEvent::Trouble(
            "the pairing code expired before the phone confirmed it; ask for a new one".into(),
        ),
        Event::PairError(e) => {
            ChannelEvent::Trouble(format!("linking the phone failed: {}; try again", e.error))
        }
        Event::QrScannedWithoutMultidevice(_) => ChannelEvent::Trouble(
            "the phone that scanned does not support linked devices; update WhatsApp on it".into(),
        ),
        Event::PairingQrCodesExhausted(_) => ChannelEvent::Disconnected {
            error: "the QR codes ran out before one was scanned; ask for new ones".into(),
            retrying: false,
        },
        Event::Connected(_) => ChannelEvent::Connected,
        Event::Disconnected(d) => ChannelEvent::Disconnected {
            error: format!(
                "lost the connection to WhatsApp ({}); reconnecting",
                d.reason
            ),
            retrying: true,
        },
        Event::LoggedOut(out) => {
            if out.reason.is_logged_out() && out.reason != ConnectFailureReason::AccountLocked {
                ChannelEvent::LoggedOut
            } else {
                // Locked: the number itself is in trouble, a new QR would
                // not help. Still logged out: the credentials are void.
                ChannelEvent::Disconnected {
                    error: format!(
                        "WhatsApp logged this device out: {}",
                        failure_words(out.reason)
                    ),
                    retrying: false,
                }
            }
        }
        Event::TemporaryBan(ban) => ChannelEvent::Disconnected {
            error: format!(
                "WhatsApp temporarily banned this number ({}); it may connect again in {}",
                ban.code,
                humane(ban.expire)
            ),
            retrying: false,
        },
        Event::ClientOutdated(_) => ChannelEvent::Disconnected {
            error: "WhatsApp refused this client as outdated; update Flow HQ".into(),
            retrying: false,
        },
        Event::ConnectFailure(f) => ChannelEvent::Disconnected {
            error: format!(
                "WhatsApp refused the connection: {}{}",
                failure_words(f.reason),
                f.message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            ),
            retrying: f.reason.should_reconnect(),
        },
        Event::StreamReplaced(_) => ChannelEvent::Disconnected {
            error: "another client took over this WhatsApp session; restart the worker to take \
                    it back"
                .into(),
            retrying: false,
        },
        Event::StreamError(e) => ChannelEvent::Disconnected {
            error: format!("WhatsApp closed the stream (code {}); reconnecting", e.code),
            retrying: true,
        },
        Event::Receipt(receipt) => {
            // The recipient's phone on what the business sent: delivered,
            // read (or a voice note played), or the server failing it. The
            // business's own devices' receipts ("read by me") say nothing.
            let delivery = match receipt.r#type {
                ReceiptType::Delivered => DeliveryStatus::Delivered,
                ReceiptType::Read | ReceiptType::Played => DeliveryStatus::Read,
                ReceiptType::ServerError => DeliveryStatus::Failed,
                _ => return None,
            };
            ChannelEvent::Receipts(
                receipt
                    .message_ids
                    .iter()
                    .map(|id| Receipt {
                        wa_message_id: id.clone(),
                        delivery,
                        at: receipt.timestamp,
                    })
                    .collect(),
            )
        }
        _ => return None,
    })
}

fn failure_words(reason: ConnectFailureReason) -> String {
    let words = match reason {
        ConnectFailureReason::LoggedOut => "logged out",
        ConnectFailureReason::TempBanned => "temporarily banned",
        ConnectFailureReason::AccountLocked => "the account is locked",
        ConnectFailureReason::UnknownLogout => "logged out for an unknown reason",
        ConnectFailureReason::ClientOutdated => "this client is outdated",
        ConnectFailureReason::BadUserAgent => "bad user agent",
        ConnectFailureReason::ServiceUnavailable => "service unavailable",
        ConnectFailureReason::InternalServerError => "internal server error",
        _ => "",
    };
    let code = reason.code();
    if words.is_empty() {
        format!("code {code}")
    } else {
        format!("{words} (code {code})")
    }
}

/// `2h 5m`, `40m`, `30s`.
fn humane(d: TimeDelta) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, secs % 3600 / 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use whatsapp_rust::wacore::net::DisconnectReason;
    use whatsapp_rust::wacore::types::events::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn disconnected(event: Event) -> (String, bool) {
        match map(&event, now()) {
            Some(ChannelEvent::Disconnected { error, retrying }) => (error, retrying),
            other => panic!("expected Disconnected, got {other:?}"),
        }
    }

    #[test]
    fn qr_and_pairing_codes_carry_their_expiry() {
        let qr = Event::PairingQrCode(
            PairingQrCode::builder()
                .code("2@abc,def".into())
                .timeout(Duration::from_secs(60))
                .build(),
        );
        assert_eq!(
            map(&qr, now()),
            Some(ChannelEvent::Qr {
                code: "2@abc,def".into(),
                expires_at: Some(now() + TimeDelta::seconds(60)),
            })
        );
        let code = Event::PairingCode(
            PairingCode::builder()
                .code("ABCD-EFGH".into())
                .timeout(Duration::from_secs(180))
                .build(),
        );
        assert_eq!(
            map(&code, now()),
            Some(ChannelEvent::PairingCode {
                code: "ABCD-EFGH".into(),
                expires_at: Some(now() + TimeDelta::seconds(180)),
            })
        );
    }

    #[test]
    fn connection_events_map_to_session_states() {
        assert_eq!(
            map(&Event::Connected(Connected::builder().build()), now()),
            Some(ChannelEvent::Connected)
        );
        let (error, retrying) = disconnected(Event::Disconnected(
            Disconnected::builder()
                .reason(DisconnectReason::ReadError("connection reset".into()))
                .build(),
        ));
        assert!(retrying);
        assert!(error.contains("connection reset"), "{error}");
        let (error, retrying) = disconnected(Event::PairingQrCodesExhausted(
            PairingQrCodesExhausted::builder()
                .disconnected(true)
                .build(),
        ));
        assert!(!retrying, "new QR codes only when the owner asks");
        assert!(error.contains("ran out"), "{error}");
    }

    #[test]
    fn an_unlinked_phone_is_a_logout_and_a_locked_account_is_not_a_new_qr() {
        let unlinked = Event::LoggedOut(
            LoggedOut::builder()
                .on_connect(false)
                .reason(ConnectFailureReason::LoggedOut)
                .build(),
        );
        assert_eq!(map(&unlinked, now()), Some(ChannelEvent::LoggedOut));
        let (error, retrying) = disconnected(Event::LoggedOut(
            LoggedOut::builder()
                .on_connect(true)
                .reason(ConnectFailureReason::AccountLocked)
                .build(),
        ));
        assert!(!retrying);
        assert!(error.contains("locked") && error.contains("403"), "{error}");
    }

    #[test]
    fn bans_and_outdated_clients_say_so() {
        let (error, retrying) = disconnected(Event::TemporaryBan(
            TemporaryBan::builder()
                .code(TempBanReason::SentToTooManyPeople)
                .expire(TimeDelta::seconds(2 * 3600 + 300))
                .build(),
        ));
        assert!(!retrying);
        assert!(error.contains("temporarily banned"), "{error}");
        assert!(error.contains("address books"), "{error}");
        assert!(error.contains("2h 5m"), "{error}");
        let (error, _) = disconnected(Event::ClientOutdated(ClientOutdated::builder().build()));
        assert!(error.contains("outdated"), "{error}");
        let (error, retrying) = disconnected(Event::ConnectFailure(
            ConnectFailure::builder()
                .reason(ConnectFailureReason::ServiceUnavailable)
                .build(),
        ));
        assert!(retrying);
        assert!(error.contains("service unavailable (code 503)"), "{error}");
    }

    #[test]
    fn pairing_code_failures_leave_the_session_alone() {
        let failed = Event::PairingCodeError(
            PairingCodeError::builder()
                .error("rate limited".into())
                .build(),
        );
        match map(&failed, now()) {
            Some(ChannelEvent::Trouble(text)) => assert!(text.contains("rate limited")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn everything_else_is_not_the_sessions_business() {
        let receipt_like =
            Event::OfflineSyncCompleted(OfflineSyncCompleted::builder().count(3).build());
        assert_eq!(map(&receipt_like, now()), None);
    }
}
