//! Each tenant's WhatsApp session: link state and the current QR code.

use flowhq_domain::entities::WhatsappSession;
use sqlx::any::AnyRow;

use crate::Result;
use crate::rows::RowExt;

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
