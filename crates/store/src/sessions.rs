//! Each tenant's WhatsApp session: link state and the current QR code.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::WhatsappSession;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::SessionUpdate;
use flowhq_domain::webhooks::{self, SessionStatus};
use flowhq_domain::{SessionState, TenantId, TenantStatus};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::tenants::Transition;
use crate::{Result, Store, StoreError};

pub(crate) fn from_row(row: &AnyRow) -> Result<WhatsappSession> {
    Ok(WhatsappSession {
        id: row.parsed("s_id")?,
        tenant_id: row.parsed("s_tenant_id")?,
        state: row.parsed("s_state")?,
        last_qr: row.text_opt("s_last_qr")?,
        qr_expires_at: row.time_opt("s_qr_expires_at")?,
        last_seen_at: row.time_opt("s_last_seen_at")?,
        pairing_phone_number: row.text_opt("s_pairing_phone_number")?,
        pairing_requested_at: row.time_opt("s_pairing_requested_at")?,
        pairing_code: row.text_opt("s_pairing_code")?,
        pairing_code_expires_at: row.time_opt("s_pairing_code_expires_at")?,
        new_qr_requested_at: row.time_opt("s_new_qr_requested_at")?,
        created_at: row.time("s_created_at")?,
        updated_at: row.time("s_updated_at")?,
    })
}

/// What the owner may ask of a session that is not linked yet.
fn ensure_linkable(status: TenantStatus, state: SessionState) -> Result<()> {
    if !matches!(status, TenantStatus::Approved | TenantStatus::QrPending) {
        return Err(StoreError::Conflict(format!(
            "the tenant is {status}: linking a phone is for an approved tenant waiting for its \
             QR code"
        )));
    }
    if state == SessionState::Connected {
        return Err(StoreError::Conflict(
            "the WhatsApp session is already connected".into(),
        ));
    }
    Ok(())
}

/// The lifecycle events a worker's session state implies for a tenant in
/// `status`, in order. A running worker moves an APPROVED tenant on; a
/// connected session makes it ACTIVE; a session that needs a QR again
/// means the phone unlinked the device.
pub fn implied_events(status: TenantStatus, session: SessionState) -> Vec<Event> {
    let mut events = Vec::new();
    let mut status = status;
    if status == TenantStatus::Approved {
        events.push(Event::WorkerStarted);
        status = TenantStatus::QrPending;
    }
    match (status, session) {
        (TenantStatus::QrPending, SessionState::Connected) => events.push(Event::SessionConnected),
        (TenantStatus::Active, SessionState::QrReady | SessionState::LoggedOut) => {
            events.push(Event::SessionLoggedOut)
        }
        _ => {}
    }
    events
}

impl Store {
    pub async fn session(&self, tenant: TenantId) -> Result<WhatsappSession> {
        let row = sqlx::query(concat!(
            "SELECT ",
            session_columns!(),
            " FROM whatsapp_session s WHERE s.tenant_id = $1"
        ))
        .bind(tenant.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(StoreError::NotFound("tenant"))?;
        from_row(&row)
    }

    /// Stores what a worker reports of its session and moves the tenant as
    /// that implies, in one transaction.
    pub async fn report_session(
        &self,
        tenant: TenantId,
        report: &SessionUpdate,
        actor: &str,
    ) -> Result<Vec<Transition>> {
        let mut tx = self.begin().await?;
        // What integrators were last told (`session.status` fires on a change).
        let before: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT s.state, w.last_error FROM whatsapp_session s \
             LEFT JOIN worker_process w ON w.tenant_id = s.tenant_id WHERE s.tenant_id = $1",
        )
        .bind(tenant.to_string())
        .fetch_optional(&mut *tx)
        .await?;
        let was = before.and_then(|(state, error)| {
            SessionStatus::of_report(state.parse().ok()?, error.as_deref())
        });
        let now = millis(Utc::now());
        let showing = report.state == SessionState::QrReady;
        let (qr, expires) = match showing {
            true => (report.qr.as_deref(), report.qr_expires_at.map(millis)),
            false => (None, None),
        };
        let (code, code_expires) = match showing {
            true => (
                report.pairing_code.as_deref(),
                report.pairing_code_expires_at.map(millis),
            ),
            false => (None, None),
        };
        // A connected session has answered the owner's pairing request.
        let connected = i64::from(report.state == SessionState::Connected);
        let result = sqlx::query(
            "UPDATE whatsapp_session SET state = $1, last_qr = $2, qr_expires_at = $3, \
             pairing_code = $4, pairing_code_expires_at = $5, \
             pairing_phone_number = CASE WHEN $6 = 1 THEN NULL ELSE pairing_phone_number END, \
             pairing_requested_at = CASE WHEN $6 = 1 THEN NULL ELSE pairing_requested_at END, \
             last_seen_at = $7, updated_at = $7 WHERE tenant_id = $8",
        )
        .bind(report.state.as_str())
        .bind(qr)
        .bind(expires)
        .bind(code)
        .bind(code_expires)
        .bind(connected)
        .bind(now)
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        // The worker knows its session best: its word replaces the last one.
        sqlx::query(
            "UPDATE worker_process SET last_error = $1, updated_at = $2 WHERE tenant_id = $3",
        )
        .bind(report.error.as_deref())
        .bind(now)
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
        let transitions = self.sync_in(&mut tx, tenant, report.state, actor).await?;
        let (status, _) = self.status_and_state(&mut tx, tenant).await?;
        let alerts =
            flowhq_domain::alerts::on_session_report(status, report.state, report.error.as_deref());
        self.apply_alert_changes_in(&mut tx, tenant, &alerts, Utc::now())
            .await?;
        let error = report.error.as_deref();
        let is = webhooks::session_status_after(was, report.state, error);
        if let Some(event) = webhooks::session_event(tenant, was, is, error, Utc::now()) {
            self.queue_webhooks_in(&mut tx, tenant, &[event]).await?;
        }
        tx.commit().await?;
        Ok(transitions)
    }

    /// The owner asks to link by typing a code on the phone with this
    /// number (E.164) instead of scanning: the worker learns it from its
    /// next heartbeat. A conflict unless the tenant waits for a link.
    pub async fn request_pairing_code(
        &self,
        tenant: TenantId,
        phone_number: &str,
        now: DateTime<Utc>,
    ) -> Result<WhatsappSession> {
        let update = sqlx::query(
            "UPDATE whatsapp_session SET pairing_phone_number = $1, pairing_requested_at = $2, \
             pairing_code = NULL, pairing_code_expires_at = NULL, updated_at = $2 \
             WHERE tenant_id = $3",
        )
        .bind(phone_number)
        .bind(millis(now))
        .bind(tenant.to_string());
        self.owner_request(tenant, update).await
    }

    /// The owner asks for new QR codes (the last ones ran out unscanned).
    /// A conflict unless the tenant waits for a link.
    pub async fn request_new_qr(
        &self,
        tenant: TenantId,
        now: DateTime<Utc>,
    ) -> Result<WhatsappSession> {
        let update = sqlx::query(
            "UPDATE whatsapp_session SET new_qr_requested_at = $1, updated_at = $1 \
             WHERE tenant_id = $2",
        )
        .bind(millis(now))
        .bind(tenant.to_string());
        self.owner_request(tenant, update).await
    }

    /// Runs `update`, an owner's request to the worker about linking, if
    /// the tenant waits for a link (else a conflict), and returns the
    /// session as it then is.
    async fn owner_request(
        &self,
        tenant: TenantId,
        update: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<WhatsappSession> {
        let mut tx = self.begin().await?;
        let (status, state) = self.status_and_state(&mut tx, tenant).await?;
        ensure_linkable(status, state)?;
        update.execute(&mut *tx).await?;
        tx.commit().await?;
        self.session(tenant).await
    }

    async fn status_and_state(
        &self,
        tx: &mut crate::Tx,
        tenant: TenantId,
    ) -> Result<(TenantStatus, SessionState)> {
        let row: (String, String) = sqlx::query_as(
            "SELECT t.status, s.state FROM tenant t \
             JOIN whatsapp_session s ON s.tenant_id = t.id WHERE t.id = $1",
        )
        .bind(tenant.to_string())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound("tenant"))?;
        let status = row
            .0
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("status: {e}")))?;
        let state = row
            .1
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("session state: {e}")))?;
        Ok((status, state))
    }

    /// Applies [`implied_events`] without touching the session row: a
    /// heartbeat found the tenant behind its worker's state.
    pub async fn sync_tenant_with_session(
        &self,
        tenant: TenantId,
        session: SessionState,
        actor: &str,
    ) -> Result<Vec<Transition>> {
        let mut tx = self.begin().await?;
        let transitions = self.sync_in(&mut tx, tenant, session, actor).await?;
        tx.commit().await?;
        Ok(transitions)
    }

    async fn sync_in(
        &self,
        tx: &mut crate::Tx,
        tenant: TenantId,
        session: SessionState,
        actor: &str,
    ) -> Result<Vec<Transition>> {
        let status: TenantStatus = {
            let row: (String,) = sqlx::query_as("SELECT status FROM tenant WHERE id = $1")
                .bind(tenant.to_string())
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(StoreError::NotFound("tenant"))?;
            row.0
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("status: {e}")))?
        };
        let mut transitions = Vec::new();
        for event in implied_events(status, session) {
            if let Some(t) = self.transition(tx, tenant, event, actor).await? {
                transitions.push(t);
            }
        }
        Ok(transitions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_states_imply_the_lifecycle_events() {
        use SessionState::*;
        use TenantStatus::*;
        assert_eq!(
            implied_events(Approved, Connected),
            vec![Event::WorkerStarted, Event::SessionConnected]
        );
        assert_eq!(
            implied_events(Approved, QrReady),
            vec![Event::WorkerStarted]
        );
        assert_eq!(
            implied_events(QrPending, Connected),
            vec![Event::SessionConnected]
        );
        assert_eq!(
            implied_events(Active, LoggedOut),
            vec![Event::SessionLoggedOut]
        );
        assert_eq!(implied_events(Active, Connecting), vec![]);
        assert_eq!(implied_events(Paused, Connected), vec![]);
        assert_eq!(implied_events(Error, Connected), vec![]);
    }
}
