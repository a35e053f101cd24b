//! The rows of the data model (`crates/store/migrations`), as the rest of the code sees them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::bot::MenuItem;
use crate::calendar::{Calendar, Closure, SpecialHours};
use crate::facts::Facts;
use crate::hours::OpeningHours;
use crate::lifecycle::Event;
use crate::values::{Email, Name, PhoneNumber};
use crate::*;

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct Tenant {
    pub id: TenantId,
    #[schema(value_type = String)]
    pub name: Name,
    #[schema(value_type = String)]
    pub phone_number: PhoneNumber,
    pub status: TenantStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TenantConfig {
    pub id: TenantConfigId,
    pub tenant_id: TenantId,
    pub template_type: TemplateType,
    pub business_name: String,
    pub language: Language,
    pub hours: OpeningHours,
    /// Per-tenant replacements for template texts (the bot engine's keys).
    #[schema(value_type = Object)]
    pub overrides: serde_json::Map<String, serde_json::Value>,
    /// Dates the business is closed (holidays, vacations), inclusive.
    pub closures: Vec<Closure>,
    /// Dates with their own opening ranges.
    pub special_hours: Vec<SpecialHours>,
    /// Address, links and phone, for the texts' placeholders.
    pub facts: Facts,
    /// The owner's menu; `None` until they change the template's.
    pub menu: Option<Vec<MenuItem>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TenantConfig {
    /// The closures and special hours together (checked when they were
    /// stored).
    pub fn calendar(&self) -> Calendar {
        Calendar {
            closures: self.closures.clone(),
            special_hours: self.special_hours.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct WhatsappSession {
    pub id: SessionId,
    pub tenant_id: TenantId,
    pub state: SessionState,
    pub last_qr: Option<String>,
    pub qr_expires_at: Option<DateTime<Utc>>,
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The owner asked to link by phone number: that number, and when.
    pub pairing_phone_number: Option<String>,
    pub pairing_requested_at: Option<DateTime<Utc>>,
    /// The code to type on the phone, once the worker has it.
    pub pairing_code: Option<String>,
    pub pairing_code_expires_at: Option<DateTime<Utc>>,
    /// When the owner last asked for new QR codes.
    pub new_qr_requested_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct MessageLog {
    pub id: MessageLogId,
    pub tenant_id: TenantId,
    pub direction: Direction,
    pub from_number: String,
    pub to_number: String,
    pub message_text: String,
    pub wa_message_id: String,
    /// Inbound: what the bot decided; `None` for outbound messages and
    /// logs from before it was recorded.
    pub bot_decision: Option<LoggedDecision>,
    /// Outbound: the `wa_message_id` of the inbound message it answers.
    pub reply_to: Option<String>,
    /// The image or document of the message; `message_text` is its caption.
    pub media: Option<crate::media::Attachment>,
    /// Outbound, written by a person in the inbox: who.
    pub sent_by: Option<UserId>,
    /// Outbound: how far it got (`SENT`, then `DELIVERED` and `READ` where
    /// the channel reports them).
    pub delivery: Option<DeliveryStatus>,
    /// The contact the message is with (the customer's side of the chat);
    /// `None` only for a log row whose contact is gone.
    pub contact_id: Option<crate::ContactId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct WorkerProcess {
    pub id: WorkerProcessId,
    pub tenant_id: TenantId,
    pub process_name: String,
    pub status: WorkerStatus,
    pub pid: Option<u32>,
    pub last_heartbeat_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub restarts: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl WorkerProcess {
    /// The unique process name a tenant's worker runs under.
    pub fn process_name_for(tenant: TenantId) -> String {
        format!("flowhq-worker-{tenant}")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub tenant_id: Option<TenantId>,
    #[schema(value_type = String)]
    pub name: Name,
    #[schema(value_type = String)]
    pub email: Email,
    pub phone: Option<String>,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    /// When the user followed the link mailed at sign-up; `None` until then.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// The language the person chose for the pages; `None` until they do.
    pub language: Option<Language>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct SetupRequest {
    pub id: SetupRequestId,
    pub tenant_id: TenantId,
    pub user_id: Option<UserId>,
    pub template_type: TemplateType,
    #[schema(value_type = String)]
    pub whatsapp_number: PhoneNumber,
    pub status: SetupRequestStatus,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One row of a tenant's status audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct TenantEvent {
    pub id: TenantEventId,
    pub tenant_id: TenantId,
    pub from_status: TenantStatus,
    pub to_status: TenantStatus,
    pub event: Event,
    pub actor: String,
    pub at: DateTime<Utc>,
}
