//! Each tenant's WhatsApp session: link state and the current QR code.

use chrono::{DateTime, Utc};
use flowhq_domain::entities::WhatsappSession;
use flowhq_domain::lifecycle::Event;
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
        created_at: row.time("s_created_at")?,
        updated_at: row.time("s_updated_at")?,
    })
}

/// A session state as a worker reports it.
#[derive(Clone, Debug)]
pub struct SessionReport {
    pub state: SessionState,
    /// The QR code to show, with `state == QrReady`.
    pub qr: Option<String>,
    pub qr_expires_at: Option<DateTime<Utc>>,
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
        report: &SessionReport,
        actor: &str,
    ) -> Result<Vec<Transition>> {
        let mut tx = self.begin().await?;
        let now = millis(Utc::now());
        let (qr, expires) = match report.state {
            SessionState::QrReady => (report.qr.as_deref(), report.qr_expires_at.map(millis)),
            _ => (None, None),
        };
        let result = sqlx::query(
            "UPDATE whatsapp_session SET state = $1, last_qr = $2, qr_expires_at = $3, \
             last_seen_at = $4, updated_at = $4 WHERE tenant_id = $5",
        )
        .bind(report.state.as_str())
        .bind(qr)
        .bind(expires)
        .bind(now)
        .bind(tenant.to_string())
        .execute(&mut *tx)
        .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::NotFound("tenant"));
        }
        let transitions = self.sync_in(&mut tx, tenant, report.state, actor).await?;
        tx.commit().await?;
        Ok(transitions)
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
