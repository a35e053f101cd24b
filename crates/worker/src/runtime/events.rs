//! What the worker does about each event of its channel and each change
//! the control plane asks for, decided without doing it: the main loop
//! (`serve`) feeds events in and carries the actions out, so the decisions
//! are tested here without a channel or a control plane.
//!
//! Customer messages are not decided here: they are recorded in batches
//! by the main loop, which is I/O from start to end.

use chrono::{DateTime, Utc};
use flowhq_domain::SessionState;
use flowhq_domain::protocol::{DesiredState, SessionUpdate};

use crate::channel::ChannelEvent;

/// Something for the main loop to decide about.
#[derive(Debug)]
pub enum Event {
    /// From the channel; never `ChannelEvent::Inbound`.
    Channel(ChannelEvent),
    /// The control plane's wishes changed.
    Desired(DesiredState),
}

/// What the main loop should do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Report the session as this (the link tells the control plane when
    /// it differs from the last report).
    Report(SessionUpdate),
    /// Send the replies waiting in the outbox.
    SendPending,
    /// Ask the channel for a pairing code for this phone number.
    RequestPairingCode(String),
    /// Ask the channel for new QR codes.
    RenewQr,
}

type Expiring = (String, Option<DateTime<Utc>>);

/// What the main loop remembers between events.
#[derive(Debug)]
pub struct Decider {
    /// The session state last reported.
    state: SessionState,
    /// The QR code on show, if any.
    qr: Option<Expiring>,
    /// A pairing code outlives several QR rotations.
    pairing_code: Option<Expiring>,
    /// A pairing problem stays visible until something better happens.
    trouble: Option<String>,
    /// Owner requests already passed to the channel.
    pairing_asked: Option<DateTime<Utc>>,
    new_qr_asked: Option<DateTime<Utc>>,
    /// When this worker started: an older request for new QR codes is
    /// answered already, since it started with fresh codes.
    started: DateTime<Utc>,
}

impl Decider {
    pub fn new(started: DateTime<Utc>) -> Self {
        Self {
            state: SessionState::Connecting,
            qr: None,
            pairing_code: None,
            trouble: None,
            pairing_asked: None,
            new_qr_asked: None,
            started,
        }
    }

    pub fn state(&self) -> SessionState {
        self.state
    }

    pub fn on_event(&mut self, event: Event, now: DateTime<Utc>) -> Vec<Action> {
        match event {
            Event::Channel(event) => self.on_channel(event, now),
            Event::Desired(wanted) => self.on_desired(&wanted),
        }
    }

    fn on_channel(&mut self, event: ChannelEvent, now: DateTime<Utc>) -> Vec<Action> {
        let update = match event {
            ChannelEvent::Qr { code, expires_at } => {
                self.qr = Some((code, expires_at));
                self.showing(SessionState::QrReady, now)
            }
            ChannelEvent::PairingCode { code, expires_at } => {
                self.pairing_code = Some((code, expires_at));
                self.trouble = None;
                self.showing(SessionState::QrReady, now)
            }
            ChannelEvent::Trouble(text) => {
                self.trouble = Some(text);
                self.showing(self.state, now)
            }
            ChannelEvent::Connected => {
                self.qr = None;
                self.pairing_code = None;
                self.trouble = None;
                let report = self.report(SessionUpdate::state(SessionState::Connected));
                return vec![report, Action::SendPending];
            }
            ChannelEvent::Disconnected { error, .. } => {
                self.qr = None;
                self.pairing_code = None;
                self.trouble = Some(error);
                self.showing(SessionState::Disconnected, now)
            }
            ChannelEvent::LoggedOut => {
                self.qr = None;
                self.pairing_code = None;
                self.trouble = None;
                SessionUpdate::state(SessionState::LoggedOut)
            }
            ChannelEvent::Inbound(_) | ChannelEvent::Receipts(_) => {
                debug_assert!(false, "messages and receipts are the main loop's");
                return Vec::new();
            }
        };
        vec![self.report(update)]
    }

    fn on_desired(&mut self, wanted: &DesiredState) -> Vec<Action> {
        let connected = self.state == SessionState::Connected;
        let mut actions = Vec::new();
        if let Some(request) = wanted
            .pairing
            .as_ref()
            .filter(|r| Some(r.requested_at) != self.pairing_asked)
        {
            self.pairing_asked = Some(request.requested_at);
            if !connected {
                self.trouble = None;
                actions.push(Action::RequestPairingCode(request.phone_number.clone()));
            }
        }
        if let Some(at) = wanted
            .new_qr_requested_at
            .filter(|at| *at > self.started && Some(*at) != self.new_qr_asked)
        {
            self.new_qr_asked = Some(at);
            if !connected {
                actions.push(Action::RenewQr);
            }
        }
        actions
    }

    fn report(&mut self, update: SessionUpdate) -> Action {
        self.state = update.state;
        Action::Report(update)
    }

    /// The session in `state` with what is on show: the QR code (while
    /// QR_READY), an unexpired pairing code (likewise) and any trouble.
    fn showing(&mut self, state: SessionState, now: DateTime<Utc>) -> SessionUpdate {
        if self
            .pairing_code
            .as_ref()
            .is_some_and(|(_, expires)| expires.is_some_and(|at| at <= now))
        {
            self.pairing_code = None;
        }
        let on_show = |shown: &Option<Expiring>| match shown {
            Some((code, at)) if state == SessionState::QrReady => (Some(code.clone()), *at),
            _ => (None, None),
        };
        let (qr, qr_expires_at) = on_show(&self.qr);
        let (pairing_code, pairing_code_expires_at) = on_show(&self.pairing_code);
        SessionUpdate {
            state,
            qr,
            qr_expires_at,
            pairing_code,
            pairing_code_expires_at,
            error: self.trouble.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use flowhq_domain::protocol::PairingRequest;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn qr(code: &str, expires: i64) -> Event {
        Event::Channel(ChannelEvent::Qr {
            code: code.into(),
            expires_at: Some(at(expires)),
        })
    }

    fn reported(actions: &[Action]) -> &SessionUpdate {
        match actions.first() {
            Some(Action::Report(update)) => update,
            other => panic!("expected a report, got {other:?}"),
        }
    }

    #[test]
    fn a_qr_code_is_shown_and_a_connection_clears_it_and_sends_what_waits() {
        let mut decider = Decider::new(at(0));
        let actions = decider.on_event(qr("2@a", 60), at(1));
        let update = reported(&actions);
        assert_eq!(update.state, SessionState::QrReady);
        assert_eq!(update.qr.as_deref(), Some("2@a"));
        assert_eq!(update.qr_expires_at, Some(at(60)));

        let actions = decider.on_event(Event::Channel(ChannelEvent::Connected), at(2));
        assert_eq!(
            actions,
            vec![
                Action::Report(SessionUpdate::state(SessionState::Connected)),
                Action::SendPending
            ]
        );
        assert_eq!(decider.state(), SessionState::Connected);
    }

    #[test]
    fn a_pairing_code_outlives_qr_rotations_until_it_expires() {
        let mut decider = Decider::new(at(0));
        decider.on_event(qr("2@a", 60), at(1));
        let actions = decider.on_event(
            Event::Channel(ChannelEvent::PairingCode {
                code: "ABCD-EFGH".into(),
                expires_at: Some(at(100)),
            }),
            at(2),
        );
        assert_eq!(
            reported(&actions).pairing_code.as_deref(),
            Some("ABCD-EFGH")
        );
        let actions = decider.on_event(qr("2@b", 80), at(61));
        let update = reported(&actions);
        assert_eq!(update.qr.as_deref(), Some("2@b"));
        assert_eq!(update.pairing_code.as_deref(), Some("ABCD-EFGH"));
        let actions = decider.on_event(qr("2@c", 120), at(101));
        assert_eq!(reported(&actions).pairing_code, None, "expired");
    }

    #[test]
    fn trouble_stays_visible_with_the_state_it_happened_in() {
        let mut decider = Decider::new(at(0));
        decider.on_event(qr("2@a", 60), at(1));
        let actions = decider.on_event(
            Event::Channel(ChannelEvent::Trouble("pairing code refused".into())),
            at(2),
        );
        let update = reported(&actions);
        assert_eq!(update.state, SessionState::QrReady);
        assert_eq!(update.qr.as_deref(), Some("2@a"));
        assert_eq!(update.error.as_deref(), Some("pairing code refused"));
        let actions = decider.on_event(qr("2@b", 80), at(61));
        assert_eq!(
            reported(&actions).error.as_deref(),
            Some("pairing code refused")
        );

        let actions = decider.on_event(
            Event::Channel(ChannelEvent::Disconnected {
                error: "no route".into(),
                retrying: true,
            }),
            at(62),
        );
        let update = reported(&actions);
        assert_eq!(update.state, SessionState::Disconnected);
        assert_eq!(
            (update.qr.as_deref(), update.error.as_deref()),
            (None, Some("no route"))
        );
    }

    #[test]
    fn owner_requests_reach_the_channel_once_and_not_when_connected() {
        let mut decider = Decider::new(at(0));
        let pairing = DesiredState {
            pairing: Some(PairingRequest {
                phone_number: "+5511912345678".into(),
                requested_at: at(5),
            }),
            new_qr_requested_at: Some(at(6)),
            ..DesiredState::default()
        };
        assert_eq!(
            decider.on_event(Event::Desired(pairing.clone()), at(7)),
            vec![
                Action::RequestPairingCode("+5511912345678".into()),
                Action::RenewQr
            ]
        );
        assert!(
            decider
                .on_event(Event::Desired(pairing.clone()), at(8))
                .is_empty(),
            "the same requests again"
        );

        decider.on_event(Event::Channel(ChannelEvent::Connected), at(9));
        let again = DesiredState {
            pairing: Some(PairingRequest {
                phone_number: "+5511912345678".into(),
                requested_at: at(10),
            }),
            new_qr_requested_at: Some(at(10)),
            ..DesiredState::default()
        };
        assert!(decider.on_event(Event::Desired(again), at(11)).is_empty());
    }

    #[test]
    fn a_request_for_new_qr_codes_from_before_the_start_is_answered_already() {
        let mut decider = Decider::new(at(100));
        let old = DesiredState {
            new_qr_requested_at: Some(at(100) - TimeDelta::seconds(30)),
            ..DesiredState::default()
        };
        assert!(decider.on_event(Event::Desired(old), at(101)).is_empty());
    }

    #[test]
    fn a_logout_shows_nothing_of_before() {
        let mut decider = Decider::new(at(0));
        decider.on_event(Event::Channel(ChannelEvent::Connected), at(1));
        let actions = decider.on_event(Event::Channel(ChannelEvent::LoggedOut), at(2));
        assert_eq!(
            actions,
            vec![Action::Report(SessionUpdate::state(
                SessionState::LoggedOut
            ))]
        );
    }
}
