//! Setup requests: an owner asks for their tenant to be switched on.

use flowhq_domain::entities::SetupRequest;
use sqlx::any::AnyRow;

use crate::Result;
use crate::rows::RowExt;

pub(crate) fn from_row(row: &AnyRow) -> Result<SetupRequest> {
    Ok(SetupRequest {
        id: row.parsed("r_id")?,
        tenant_id: row.parsed("r_tenant_id")?,
        user_id: row.parsed_opt("r_user_id")?,
        template_type: row.parsed("r_template_type")?,
        whatsapp_number: row.text("r_whatsapp_number")?,
        status: row.parsed("r_status")?,
        notes: row.text_opt("r_notes")?,
        created_at: row.time("r_created_at")?,
        updated_at: row.time("r_updated_at")?,
    })
}
