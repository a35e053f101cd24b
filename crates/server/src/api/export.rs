//! `GET …/messages/export?from=&to=`: a tenant's message log over a date
//! range as CSV, for a spreadsheet or an accountant; `GET
//! …/contacts/export`: its contacts. Dates are days in the
//! business's time zone, both included; at most a year at once. Written
//! with the `csv` crate (quoting of commas, quotes and line breaks in
//! customers' texts), read from the store a page at a time.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use flowhq_domain::TenantId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The longest range one export covers.
const MAX_DAYS: i64 = 366;
/// Rows read from the store at a time.
const PAGE: u32 = 5_000;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// The first day, `YYYY-MM-DD`, in the business's time zone.
    #[param(value_type = String)]
    pub from: Option<String>,
    /// The last day, included.
    #[param(value_type = String)]
    pub to: Option<String>,
}

fn day(value: Option<&str>, field: &str) -> AppResult<NaiveDate> {
    let value = value.ok_or_else(|| {
        AppError::invalid(
            field,
            format!("query parameter {field} is required (YYYY-MM-DD)"),
        )
    })?;
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        AppError::invalid(
            field,
            format!("query parameter {field} must be a date, YYYY-MM-DD"),
        )
    })
}

/// The CSV of `tenant`'s messages over `params`' days.
pub async fn messages_csv(
    state: &AppState,
    tenant: TenantId,
    params: &ExportParams,
) -> AppResult<Response> {
    let from = day(params.from.as_deref(), "from")?;
    let to = day(params.to.as_deref(), "to")?;
    if to < from {
        return Err(AppError::invalid("to", "query parameter to is before from"));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(AppError::invalid(
            "to",
            format!("query parameter to: at most {MAX_DAYS} days at once"),
        ));
    }
    let tz = state.store.tenant_config(tenant).await?.hours.timezone;
    let start = |date: NaiveDate| {
        tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|at| at.with_timezone(&chrono::Utc))
            .ok_or_else(|| AppError::invalid("from", "that day does not exist in the time zone"))
    };
    let (begin, end) = (start(from)?, start(to + chrono::Days::new(1))?);

    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| AppError::Internal(e.into());
    writer
        .write_record([
            "time",
            "direction",
            "from",
            "to",
            "text",
            "bot_decision",
            "file_name",
            "file_type",
        ])
        .map_err(csv_error)?;
    let mut after = None;
    loop {
        let page = state
            .store
            .messages_between(tenant, begin, end, after, PAGE)
            .await?;
        for m in &page {
            let time = m
                .created_at
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string();
            writer
                .write_record([
                    time.as_str(),
                    m.direction.as_str(),
                    m.from_number.as_str(),
                    m.to_number.as_str(),
                    m.message_text.as_str(),
                    m.bot_decision.map_or("", |d| d.as_str()),
                    m.media.as_ref().map_or("", |f| f.file_name.as_str()),
                    m.media.as_ref().map_or("", |f| f.mime.as_str()),
                ])
                .map_err(csv_error)?;
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = Some((last.created_at, last.id)),
            _ => break,
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let name = format!("attachment; filename=\"messages-{from}-to-{to}.csv\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

/// The CSV of all `tenant`'s contacts, in the order they first wrote:
/// name, number, the name they gave themselves, labels (`;`-separated),
/// notes, first and last message (the business's time zone), assistant.
pub async fn contacts_csv(state: &AppState, tenant: TenantId) -> AppResult<Response> {
    let tz = state.store.tenant_config(tenant).await?.hours.timezone;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| AppError::Internal(e.into());
    writer
        .write_record([
            "name",
            "number",
            "whatsapp_name",
            "labels",
            "notes",
            "first_seen",
            "last_seen",
            "assistant",
        ])
        .map_err(csv_error)?;
    let time = |at: chrono::DateTime<chrono::Utc>| {
        at.with_timezone(&tz)
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let mut after = None;
    loop {
        let page = state.store.contacts_after(tenant, after, PAGE).await?;
        for c in &page {
            writer
                .write_record([
                    c.name.as_deref().unwrap_or(""),
                    c.phone.as_deref().unwrap_or(&c.wa_id),
                    c.push_name.as_deref().unwrap_or(""),
                    c.labels.join("; ").as_str(),
                    c.notes.as_str(),
                    time(c.first_seen_at).as_str(),
                    c.last_seen_at.map(time).unwrap_or_default().as_str(),
                    if c.assistant_off { "off" } else { "on" },
                ])
                .map_err(csv_error)?;
        }
        match page.last() {
            Some(last) if page.len() as u32 == PAGE => after = Some(last.id),
            _ => break,
        }
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"contacts.csv\"".to_owned(),
            ),
        ],
        body,
    )
        .into_response())
}
