//! Alerts: what the platform tells people when a tenant's WhatsApp link or
//! worker is in trouble, and when it is back to normal.
//!
//! An alert is one incident, however often its cause repeats. These are the
//! pure rules that turn recorded facts (a tenant's status change, a
//! worker's session report) into alerts raised or cleared; the store keeps
//! the incidents and the server mails them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::enums::{SessionState, TenantStatus, UnknownVariant};
use crate::lifecycle::Event;

string_enum!(
    /// What went wrong.
    AlertKind {
        Unlinked => "UNLINKED",
        QrExpired => "QR_EXPIRED",
        Banned => "BANNED",
        WorkerError => "WORKER_ERROR",
        Disconnected => "DISCONNECTED",
        OutdatedClient => "OUTDATED_CLIENT",
        // No customer message for much longer than the business's usual
        // gap, during opening hours (`crate::silence`).
        Silent => "SILENT",
    }
);

/// Who is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The tenant's owner: the link to their phone needs them.
    Owner,
    /// Every admin: the platform itself needs attention.
    Operators,
}

/// A flapping cause (unlink, relink, unlink) within this long after an
/// incident cleared is the same incident again, not a new one.
pub const GRACE: Duration = Duration::from_secs(10 * 60);

impl AlertKind {
    pub fn audience(self) -> Audience {
        match self {
            AlertKind::WorkerError | AlertKind::OutdatedClient => Audience::Operators,
            _ => Audience::Owner,
        }
    }

    /// How long an incident stays open before anyone is told: a session
    /// reconnecting on its own is normal, one away for ten minutes is not.
    pub fn notify_after(self) -> Duration {
        match self {
            AlertKind::Disconnected => Duration::from_secs(10 * 60),
            _ => Duration::ZERO,
        }
    }
}

/// What a fact does to a tenant's alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AlertChange {
    /// The cause is there: open an incident (or keep the open one).
    Raise {
        kind: AlertKind,
        /// Words for people, e.g. the ban's length.
        detail: Option<String>,
    },
    /// The cause is gone.
    Clear(AlertKind),
}

/// Every kind that a connected session ends.
const LINK_KINDS: [AlertKind; 5] = [
    AlertKind::Unlinked,
    AlertKind::QrExpired,
    AlertKind::Banned,
    AlertKind::Disconnected,
    AlertKind::OutdatedClient,
];

/// The alerts a tenant status change raises or clears.
pub fn on_transition(from: TenantStatus, to: TenantStatus, event: Event) -> Vec<AlertChange> {
    let mut changes = Vec::new();
    if event == Event::SessionLoggedOut {
        changes.push(AlertChange::Raise {
            kind: AlertKind::Unlinked,
            detail: None,
        });
    }
    if to == TenantStatus::Error && from != TenantStatus::Error {
        changes.push(AlertChange::Raise {
            kind: AlertKind::WorkerError,
            detail: None,
        });
    }
    if from == TenantStatus::Error && to != TenantStatus::Error {
        changes.push(AlertChange::Clear(AlertKind::WorkerError));
    }
    if to == TenantStatus::Active {
        changes.extend(LINK_KINDS.map(AlertChange::Clear));
    }
    changes
}

/// The alerts a worker's session report raises or clears, for a tenant in
/// `status` once the report was applied. The worker says what went wrong in
/// words (`SessionUpdate::error`); these are the whatsapp-web channel's.
pub fn on_session_report(
    status: TenantStatus,
    state: SessionState,
    error: Option<&str>,
) -> Vec<AlertChange> {
    if state == SessionState::Connected {
        return LINK_KINDS.map(AlertChange::Clear).to_vec();
    }
    let error = error.unwrap_or_default();
    let raise = |kind| AlertChange::Raise {
        kind,
        detail: Some(error.to_owned()).filter(|e| !e.is_empty()),
    };
    if error.contains("QR codes ran out") {
        vec![raise(AlertKind::QrExpired)]
    } else if error.contains("temporarily banned") {
        vec![raise(AlertKind::Banned)]
    } else if error.contains("outdated") {
        vec![raise(AlertKind::OutdatedClient)]
    } else if status == TenantStatus::Active
        && matches!(state, SessionState::Disconnected | SessionState::Connecting)
    {
        vec![raise(AlertKind::Disconnected)]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raised(changes: &[AlertChange]) -> Vec<AlertKind> {
        changes
            .iter()
            .filter_map(|c| match c {
                AlertChange::Raise { kind, .. } => Some(*kind),
                AlertChange::Clear(_) => None,
            })
            .collect()
    }

    #[test]
    fn a_logout_unlinks_and_a_link_clears_everything_about_the_link() {
        use TenantStatus::*;
        let out = on_transition(Active, QrPending, Event::SessionLoggedOut);
        assert_eq!(raised(&out), vec![AlertKind::Unlinked]);
        let back = on_transition(QrPending, Active, Event::SessionConnected);
        assert!(back.contains(&AlertChange::Clear(AlertKind::Unlinked)));
        assert!(back.contains(&AlertChange::Clear(AlertKind::Disconnected)));
        assert!(raised(&back).is_empty());
    }

    #[test]
    fn a_worker_error_opens_on_entering_error_and_clears_on_leaving() {
        use TenantStatus::*;
        assert_eq!(
            raised(&on_transition(Active, Error, Event::WorkerStale)),
            vec![AlertKind::WorkerError]
        );
        assert_eq!(
            on_transition(Error, Approved, Event::Retry),
            vec![AlertChange::Clear(AlertKind::WorkerError)]
        );
        assert!(on_transition(Active, Paused, Event::Pause).is_empty());
    }

    #[test]
    fn session_reports_name_the_trouble() {
        use SessionState::*;
        use TenantStatus::*;
        let ban = "WhatsApp temporarily banned this number (101); it may connect again in 2h";
        let changes = on_session_report(Active, Disconnected, Some(ban));
        assert_eq!(
            changes,
            vec![AlertChange::Raise {
                kind: AlertKind::Banned,
                detail: Some(ban.to_owned())
            }]
        );
        let qr = "the QR codes ran out before one was scanned; ask for new ones";
        assert_eq!(
            raised(&on_session_report(QrPending, Disconnected, Some(qr))),
            vec![AlertKind::QrExpired]
        );
        let old = "WhatsApp refused this client as outdated; update Flow HQ";
        assert_eq!(
            raised(&on_session_report(Active, Disconnected, Some(old))),
            vec![AlertKind::OutdatedClient]
        );
        assert_eq!(
            raised(&on_session_report(Active, Connecting, None)),
            vec![AlertKind::Disconnected]
        );
        // Not linked yet: waiting is not being disconnected.
        assert!(on_session_report(QrPending, Connecting, None).is_empty());
        assert!(on_session_report(Active, QrReady, None).is_empty());
        assert_eq!(on_session_report(Active, Connected, None).len(), 5);
    }

    #[test]
    fn owners_hear_of_their_link_and_operators_of_the_platform() {
        assert_eq!(AlertKind::Unlinked.audience(), Audience::Owner);
        assert_eq!(AlertKind::Disconnected.audience(), Audience::Owner);
        assert_eq!(AlertKind::WorkerError.audience(), Audience::Operators);
        assert_eq!(AlertKind::OutdatedClient.audience(), Audience::Operators);
        assert_eq!(
            AlertKind::Disconnected.notify_after(),
            Duration::from_secs(600)
        );
        assert_eq!(AlertKind::Unlinked.notify_after(), Duration::ZERO);
    }
}
