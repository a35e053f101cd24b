//! Setup requests: an owner asks for their tenant to be switched on; an
//! admin approves or rejects.

use chrono::Utc;
use flowhq_domain::entities::SetupRequest;
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::values::PhoneNumber;
use flowhq_domain::{Language, SetupRequestId, SetupRequestStatus, TenantId, UserId};
use serde::Serialize;
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::tenants::{ConfigPatch, Transition};
use crate::{Backend, Page, Result, Store, StoreError};

/// What an owner submits, validated.
#[derive(Clone, Debug)]
pub struct NewSetupRequest {
    pub tenant_id: TenantId,
    pub user_id: Option<UserId>,
    pub config: ConfigPatch,
    pub whatsapp_number: PhoneNumber,
    pub notes: Option<String>,
}

/// A request in the admin queue, with who it is for.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct QueuedRequest {
    #[serde(flatten)]
    pub request: SetupRequest,
    pub tenant_name: String,
    pub business_name: String,
    pub owner_email: Option<String>,
    /// Whether the owner followed the link mailed at sign-up.
    pub owner_email_verified: bool,
    /// What the request asks for, beside the type and number: what a
    /// decision needs.
    pub language: Language,
    pub hours: OpeningHours,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

const QUEUE_SELECT: &str = concat!(
    "SELECT ",
    setup_request_columns!(),
    ", t.name AS t_name, c.business_name AS c_business_name, u.email AS u_email, \
     u.email_verified_at AS u_email_verified_at, c.language AS c_language, \
     c.hours_json AS c_hours_json \
     FROM setup_request r \
     JOIN tenant t ON t.id = r.tenant_id \
     JOIN tenant_config c ON c.tenant_id = r.tenant_id \
     LEFT JOIN app_user u ON u.id = r.user_id"
);

impl Store {
    /// In one transaction: moves the tenant NEW → PENDING (refused unless
    /// NEW), applies the submitted config, and records the request.
    pub async fn submit_setup_request(
        &self,
        new: &NewSetupRequest,
        actor: &str,
    ) -> Result<SetupRequest> {
        let mut tx = self.begin().await?;
        self.transition(&mut tx, new.tenant_id, Event::SetupRequestSubmitted, actor)
            .await?;
        let (before, after) = self
            .update_config_in(&mut tx, new.tenant_id, &new.config)
            .await?;
        crate::config_history::record(&mut tx, actor, &before, &after).await?;
        let id = SetupRequestId::new();
        let now = millis(Utc::now());
        let template = new
            .config
            .template_type
            .ok_or_else(|| StoreError::Conflict("a setup request needs a template type".into()))?;
        sqlx::query(
            "INSERT INTO setup_request (id, tenant_id, user_id, template_type, whatsapp_number, \
             status, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id.to_string())
        .bind(new.tenant_id.to_string())
        .bind(new.user_id.map(|u| u.to_string()))
        .bind(template.as_str())
        .bind(new.whatsapp_number.as_str())
        .bind(SetupRequestStatus::Pending.as_str())
        .bind(new.notes.clone())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            StoreError::from(e).on_unique(|| "a setup request is already pending".into())
        })?;
        let row = sqlx::query(concat!(
            "SELECT ",
            setup_request_columns!(),
            " FROM setup_request r WHERE r.id = $1"
        ))
        .bind(id.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let request = from_row(&row)?;
        tx.commit().await?;
        Ok(request)
    }

    pub async fn latest_setup_request(&self, tenant: TenantId) -> Result<Option<SetupRequest>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            setup_request_columns!(),
            " FROM setup_request r WHERE r.tenant_id = $1 ORDER BY r.id DESC LIMIT 1"
        ))
        .bind(tenant.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// The approval queue, oldest first.
    pub async fn list_setup_requests(
        &self,
        status: Option<SetupRequestStatus>,
        limit: u32,
        after: Option<SetupRequestId>,
    ) -> Result<Page<QueuedRequest>> {
        let limit = limit.clamp(1, 200);
        let after = after.map(|a| a.to_string()).unwrap_or_default();
        let rows = match status {
            Some(status) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{QUEUE_SELECT} WHERE r.status = $1 AND r.id > $2 ORDER BY r.id {}",
                    crate::placeholders::limit(limit + 1)
                )))
                .bind(status.as_str())
                .bind(after)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{QUEUE_SELECT} WHERE r.id > $1 ORDER BY r.id {}",
                    crate::placeholders::limit(limit + 1)
                )))
                .bind(after)
                .fetch_all(self.pool())
                .await?
            }
        };
        let items = rows
            .iter()
            .map(queued_from_row)
            .collect::<Result<Vec<_>>>()?;
        Ok(Page::from_overfetch(items, limit, |q| {
            q.request.id.to_string()
        }))
    }

    pub async fn setup_request(&self, id: SetupRequestId) -> Result<QueuedRequest> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{QUEUE_SELECT} WHERE r.id = $1"
        )))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        crate::rows::found(row, queued_from_row, "setup request")
    }

    /// Approves or rejects a PENDING request and moves its tenant, in one
    /// transaction. Deciding a request that is not PENDING is a conflict.
    pub async fn decide_setup_request(
        &self,
        id: SetupRequestId,
        decision: Decision,
        notes: Option<&str>,
        actor: &str,
    ) -> Result<(SetupRequest, Option<Transition>)> {
        let mut tx = self.begin().await?;
        let select = match self.backend() {
            Backend::Sqlite => concat!(
                "SELECT ",
                setup_request_columns!(),
                " FROM setup_request r WHERE r.id = $1"
            ),
            Backend::Postgres => {
                concat!(
                    "SELECT ",
                    setup_request_columns!(),
                    " FROM setup_request r WHERE r.id = $1 FOR UPDATE"
                )
            }
        };
        let row = sqlx::query(select)
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("setup request"))?;
        let request = from_row(&row)?;
        if request.status != SetupRequestStatus::Pending {
            return Err(StoreError::Conflict(format!(
                "this setup request is already {}",
                request.status
            )));
        }
        let (status, event) = match decision {
            Decision::Approve => (SetupRequestStatus::Approved, Event::SetupRequestApproved),
            Decision::Reject => (SetupRequestStatus::Rejected, Event::SetupRequestRejected),
        };
        let notes = notes.map(str::to_owned).or(request.notes.clone());
        sqlx::query(
            "UPDATE setup_request SET status = $1, notes = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(status.as_str())
        .bind(notes.clone())
        .bind(millis(Utc::now()))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await?;
        let transition = self
            .transition(&mut tx, request.tenant_id, event, actor)
            .await?;
        tx.commit().await?;
        Ok((
            SetupRequest {
                status,
                notes,
                ..request
            },
            transition,
        ))
    }

    pub async fn count_pending_setup_requests(&self) -> Result<i64> {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM setup_request WHERE status = 'PENDING'")
                .fetch_one(self.pool())
                .await?;
        Ok(n)
    }
}

pub(crate) fn from_row(row: &AnyRow) -> Result<SetupRequest> {
    Ok(SetupRequest {
        id: row.parsed("r_id")?,
        tenant_id: row.parsed("r_tenant_id")?,
        user_id: row.parsed_opt("r_user_id")?,
        template_type: row.parsed("r_template_type")?,
        whatsapp_number: row.parsed("r_whatsapp_number")?,
        status: row.parsed("r_status")?,
        notes: row.text_opt("r_notes")?,
        created_at: row.time("r_created_at")?,
        updated_at: row.time("r_updated_at")?,
    })
}

fn queued_from_row(row: &AnyRow) -> Result<QueuedRequest> {
    Ok(QueuedRequest {
        request: from_row(row)?,
        tenant_name: row.text("t_name")?,
        business_name: row.text("c_business_name")?,
        owner_email: row.text_opt("u_email")?,
        owner_email_verified: row.int_opt("u_email_verified_at")?.is_some(),
        language: row.parsed("c_language")?,
        hours: {
            let json: serde_json::Value = serde_json::from_str(&row.text("c_hours_json")?)
                .map_err(|e| StoreError::Corrupt(format!("hours_json: {e}")))?;
            OpeningHours::from_json(&json)
                .map_err(|e| StoreError::Corrupt(format!("hours_json: {}", e.0)))?
        },
    })
}
