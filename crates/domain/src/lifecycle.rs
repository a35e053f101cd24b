//! The tenant status machine: the one place that decides whether a status
//! change is allowed. Everything that moves a tenant goes through [`next`].

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::TenantStatus::{self, *};

/// Something that happened to a tenant and may move its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Event {
    SetupRequestSubmitted,
    SetupRequestApproved,
    SetupRequestRejected,
    WorkerStarted,
    SessionConnected,
    SessionLoggedOut,
    Pause,
    Resume,
    WorkerStale,
    Retry,
}

impl Event {
    pub const ALL: &'static [Event] = &[
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::SetupRequestRejected,
        Event::WorkerStarted,
        Event::SessionConnected,
        Event::SessionLoggedOut,
        Event::Pause,
        Event::Resume,
        Event::WorkerStale,
        Event::Retry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::SetupRequestSubmitted => "SETUP_REQUEST_SUBMITTED",
            Event::SetupRequestApproved => "SETUP_REQUEST_APPROVED",
            Event::SetupRequestRejected => "SETUP_REQUEST_REJECTED",
            Event::WorkerStarted => "WORKER_STARTED",
            Event::SessionConnected => "SESSION_CONNECTED",
            Event::SessionLoggedOut => "SESSION_LOGGED_OUT",
            Event::Pause => "PAUSE",
            Event::Resume => "RESUME",
            Event::WorkerStale => "WORKER_STALE",
            Event::Retry => "RETRY",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.iter().copied().find(|e| e.as_str() == s)
    }

    /// Events that workers and monitors report on their own, again and
    /// again (a reconnect reports "connected" anew). For these a refused
    /// move is a no-op, not an error; people asking for a refused move get
    /// a conflict.
    pub fn is_reported(self) -> bool {
        matches!(
            self,
            Event::WorkerStarted
                | Event::SessionConnected
                | Event::SessionLoggedOut
                | Event::WorkerStale
        )
    }

    fn describe(self) -> &'static str {
        match self {
            Event::SetupRequestSubmitted => "submit a setup request",
            Event::SetupRequestApproved => "approve a setup request",
            Event::SetupRequestRejected => "reject a setup request",
            Event::WorkerStarted => "start the worker",
            Event::SessionConnected => "connect the WhatsApp session",
            Event::SessionLoggedOut => "log the WhatsApp session out",
            Event::Pause => "pause",
            Event::Resume => "resume",
            Event::WorkerStale => "mark the worker stale",
            Event::Retry => "retry",
        }
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The machine refused a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {} a tenant that is {from}", event.describe())]
pub struct InvalidTransition {
    pub from: TenantStatus,
    pub event: Event,
}

/// The status a tenant in `status` moves to on `event`, exactly the README's
/// table; every pair not listed there is refused.
pub fn next(status: TenantStatus, event: Event) -> Result<TenantStatus, InvalidTransition> {
    use Event::*;
    let to = match (status, event) {
        (New, SetupRequestSubmitted) => Pending,
        (Pending, SetupRequestApproved) => Approved,
        (Pending, SetupRequestRejected) => New,
        (Approved, WorkerStarted) => QrPending,
        (QrPending, SessionConnected) => Active,
        (Active, SessionLoggedOut) => QrPending,
        (Active, Pause) => Paused,
        (Paused, Resume) => Active,
        (QrPending | Active, WorkerStale) => TenantStatus::Error,
        (TenantStatus::Error | Paused, Retry) => Approved,
        (TenantStatus::Error, Pause) => Paused,
        (from, event) => return Err(InvalidTransition { from, event }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's lifecycle table, written out independently of `next`'s match.
    const TABLE: &[(TenantStatus, Event, TenantStatus)] = &[
        (New, Event::SetupRequestSubmitted, Pending),
        (Pending, Event::SetupRequestApproved, Approved),
        (Pending, Event::SetupRequestRejected, New),
        (Approved, Event::WorkerStarted, QrPending),
        (QrPending, Event::SessionConnected, Active),
        (Active, Event::SessionLoggedOut, QrPending),
        (Active, Event::Pause, Paused),
        (Paused, Event::Resume, Active),
        (QrPending, Event::WorkerStale, Error),
        (Active, Event::WorkerStale, Error),
        (Error, Event::Retry, Approved),
        (Paused, Event::Retry, Approved),
        (Error, Event::Pause, Paused),
    ];

    #[test]
    fn every_status_event_pair_follows_the_table() {
        let mut allowed = 0;
        for &status in TenantStatus::ALL {
            for &event in Event::ALL {
                let expected = TABLE
                    .iter()
                    .find(|(from, e, _)| *from == status && *e == event)
                    .map(|(_, _, to)| *to);
                match (next(status, event), expected) {
                    (Ok(to), Some(want)) => {
                        assert_eq!(to, want, "{status} + {event}");
                        allowed += 1;
                    }
                    (Err(err), None) => {
                        assert_eq!(
                            err,
                            InvalidTransition {
                                from: status,
                                event
                            }
                        );
                    }
                    (got, want) => panic!("{status} + {event}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert_eq!(allowed, TABLE.len());
        assert_eq!(TenantStatus::ALL.len() * Event::ALL.len(), 70);
    }

    #[test]
    fn refusals_read_as_sentences() {
        let err = next(New, Event::Pause).unwrap_err();
        assert_eq!(err.to_string(), "cannot pause a tenant that is NEW");
    }

    #[test]
    fn event_names_round_trip() {
        for &event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(event));
        }
        assert_eq!(Event::parse("pause"), None);
    }
}
