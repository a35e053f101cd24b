//! `/app/setup`: the owner's setup form (business, type, language, WhatsApp
//! number, opening hours per weekday in a time zone). Sending it creates the
//! setup request (tenant NEW → PENDING); afterwards the form shows what was
//! sent, read-only.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use flowhq_domain::entities::TenantConfig;
use flowhq_domain::hours::{DAY_KEYS, OpeningHours};
use flowhq_domain::{Language, TemplateType, TenantStatus};
use serde_json::json;

use crate::api::portal::setup_request::SetupRequestBody;
use crate::error::AppError;
use crate::pages::auth::sentence;
use crate::pages::csrf::CsrfForm;
use crate::pages::guard::OwnerPage;
use crate::pages::{Chrome, PageResult, render, view, zones};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/setup", get(form).post(submit))
}

/// The name of weekday `i` (0 is Monday) in the page's language.
pub(crate) fn day_label(i: usize) -> String {
    crate::i18n::current().t(&format!("app-day-{}", DAY_KEYS[i]))
}

/// What the opening-hours rows say around their fields, in the page's
/// language (the `hours_rows` macro shows them).
pub struct HoursTexts {
    pub opens_closes: String,
    pub after_break: String,
    pub copy_weekdays: String,
    /// `{day}` is replaced by the day's name in the script and below.
    pub open_switch: String,
}

impl HoursTexts {
    /// The texts in the language of the page being rendered.
    pub fn in_page_language() -> Self {
        let tr = crate::i18n::current();
        Self {
            opens_closes: tr.t("app-hours-opens-closes"),
            after_break: tr.t("app-hours-after-break"),
            copy_weekdays: tr.t("app-hours-copy-weekdays"),
            open_switch: tr.t1("app-hours-open", "day", "{day}"),
        }
    }

    /// The label of one of a day's four time fields.
    pub fn field(&self, day: &str, which: &str) -> String {
        crate::i18n::current().t1(&format!("app-hours-{which}"), "day", day)
    }
}

/// A refusal of the opening hours (a day's or the zone's) in the page's
/// language, as far as it is one of the usual ones.
pub(crate) fn hours_refusal(detail: &str) -> String {
    let tr = crate::i18n::current();
    let key = if detail.contains("is an empty range") {
        "app-hours-empty-range"
    } else if detail.contains("is not a time of day") {
        "app-hours-bad-time"
    } else if detail.contains("24:00 can only end") {
        "app-hours-midnight"
    } else if detail.contains("ranges a day") {
        "app-hours-too-many"
    } else if detail.contains("IANA time zone") || detail.contains("timezone is required") {
        "app-hours-timezone"
    } else {
        return sentence(detail);
    };
    tr.t(key)
}

pub struct Choice {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Default)]
pub struct Day {
    pub key: &'static str,
    pub label: String,
    pub open1: String,
    pub close1: String,
    pub open2: String,
    pub close2: String,
    pub error: Option<String>,
}

#[derive(Default)]
pub struct Errors {
    pub summary: Option<String>,
    pub business_name: Option<String>,
    pub template_type: Option<String>,
    pub language: Option<String>,
    pub whatsapp_number: Option<String>,
    pub timezone: Option<String>,
    pub notes: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/setup.html")]
struct SetupPage {
    chrome: Chrome,
    editable: bool,
    business_name: String,
    whatsapp_number: String,
    notes: String,
    templates: Vec<Choice>,
    languages: Vec<Choice>,
    timezones: Vec<zones::ZoneChoice>,
    days: Vec<Day>,
    hours_texts: HoursTexts,
    errors: Errors,
}

fn templates(selected: &str) -> Vec<Choice> {
    let tr = crate::i18n::current();
    TemplateType::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str(),
            label: tr.state("template-type", t.as_str()),
            selected: t.as_str() == selected,
        })
        .collect()
}

pub(crate) fn languages(selected: &str) -> Vec<Choice> {
    Language::ALL
        .iter()
        .map(|l| Choice {
            value: l.as_str(),
            label: view::language_name(*l).to_owned(),
            selected: l.as_str() == selected,
        })
        .collect()
}

pub(crate) fn timezones(selected: &str) -> Vec<zones::ZoneChoice> {
    zones::choices(selected)
}

/// The form's opening hours from a config; a brand-new tenant (open all
/// day, every day, in UTC) gets a typical week to start from instead.
pub(crate) fn days_from(hours: &OpeningHours) -> Vec<Day> {
    if *hours == OpeningHours::always_open() {
        return (0..7)
            .map(|i| {
                let (open, close) = match i {
                    0..=4 => ("09:00", "18:00"),
                    5 => ("09:00", "13:00"),
                    _ => ("", ""),
                };
                Day {
                    key: DAY_KEYS[i],
                    label: day_label(i),
                    open1: open.into(),
                    close1: close.into(),
                    ..Day::default()
                }
            })
            .collect();
    }
    (0..7)
        .map(|i| {
            // An <input type=time> has no 24:00; 00:00 as an end means the
            // end of the day.
            let time = |t: flowhq_domain::hours::TimeOfDay| {
                if t == flowhq_domain::hours::TimeOfDay::END_OF_DAY {
                    "00:00".to_owned()
                } else {
                    t.to_string()
                }
            };
            let ranges = &hours.days[i];
            let (open1, close1) = ranges
                .first()
                .map(|r| (time(r.start), time(r.end)))
                .unwrap_or_default();
            let (open2, close2) = ranges
                .get(1)
                .map(|r| (time(r.start), time(r.end)))
                .unwrap_or_default();
            Day {
                key: DAY_KEYS[i],
                label: day_label(i),
                open1,
                close1,
                open2,
                close2,
                error: None,
            }
        })
        .collect()
}

fn page_from_config(
    page: &OwnerPage,
    config: &TenantConfig,
    number: String,
    editable: bool,
    headers: &HeaderMap,
) -> SetupPage {
    // A new business has no zone yet: offer the one its number's country
    // (or the browser's region) most likely keeps.
    let timezone = if config.hours == OpeningHours::always_open() {
        zones::guess(Some(&number), headers)
            .unwrap_or_default()
            .to_owned()
    } else {
        config.hours.timezone.name().to_owned()
    };
    SetupPage {
        chrome: page.chrome("setup"),
        editable,
        business_name: config.business_name.clone(),
        whatsapp_number: number,
        notes: String::new(),
        templates: templates(config.template_type.as_str()),
        languages: languages(config.language.as_str()),
        timezones: timezones(&timezone),
        days: days_from(&config.hours),
        hours_texts: HoursTexts::in_page_language(),
        errors: Errors::default(),
    }
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn form(State(state): State<AppState>, page: OwnerPage, headers: HeaderMap) -> PageResult {
    let detail = state.store.tenant_detail(page.owner.tenant_id).await?;
    let number = detail.setup_request.as_ref().map_or_else(
        || detail.tenant.phone_number.to_string(),
        |r| r.whatsapp_number.to_string(),
    );
    let editable = detail.tenant.status == TenantStatus::New;
    let view = page_from_config(&page, &detail.config, number, editable, &headers);
    Ok(render(StatusCode::OK, &view))
}

fn field(form: &HashMap<String, String>, name: &str) -> String {
    form.get(name)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// The hours JSON of docs/api.md from the form's day rows; a half-filled range is
/// an error on its day.
pub(crate) fn hours_json(timezone: &str, days: &mut [Day]) -> Result<serde_json::Value, ()> {
    let mut object = serde_json::Map::new();
    object.insert("timezone".into(), timezone.into());
    let mut ok = true;
    for day in days.iter_mut() {
        let mut ranges = Vec::new();
        for (open, close) in [(&day.open1, &day.close1), (&day.open2, &day.close2)] {
            match (open.is_empty(), close.is_empty()) {
                (true, true) => {}
                (false, false) => {
                    // 00:00 to 00:00: open all day.
                    let close = if open == "00:00" && close == "00:00" {
                        "24:00"
                    } else {
                        close.as_str()
                    };
                    ranges.push(json!([open, close]));
                }
                _ => {
                    day.error = Some(crate::i18n::current().t("app-hours-half-range"));
                    ok = false;
                }
            }
        }
        object.insert(day.key.into(), ranges.into());
    }
    if ok { Ok(object.into()) } else { Err(()) }
}

#[tracing::instrument(skip_all, fields(tenant_id = %page.owner.tenant_id))]
async fn submit(
    State(state): State<AppState>,
    page: OwnerPage,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> PageResult {
    let template_raw = field(&form, "template_type");
    let language_raw = field(&form, "language");
    let timezone = field(&form, "timezone");
    let mut days: Vec<Day> = (0..7)
        .map(|i| {
            let key = DAY_KEYS[i];
            Day {
                key,
                label: day_label(i),
                open1: field(&form, &format!("{key}_open1")),
                close1: field(&form, &format!("{key}_close1")),
                open2: field(&form, &format!("{key}_open2")),
                close2: field(&form, &format!("{key}_close2")),
                error: None,
            }
        })
        .collect();
    let tr = crate::i18n::current();
    let mut errors = Errors::default();
    let template_type = template_raw.parse::<TemplateType>().ok();
    if template_type.is_none() {
        errors.template_type = Some(tr.t("app-setup-choose-type"));
    }
    let language = language_raw.parse::<Language>().ok();
    if language.is_none() {
        errors.language = Some(tr.t("app-choose-language"));
    }
    if timezone.is_empty() {
        errors.timezone = Some(tr.t("app-choose-timezone"));
    }
    let hours = hours_json(&timezone, &mut days).ok();

    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(template_type), Some(language), Some(hours), None) =
        (template_type, language, hours, &errors.timezone)
    {
        let body = SetupRequestBody {
            business_name: field(&form, "business_name"),
            template_type,
            language,
            whatsapp_number: crate::pages::phone::normalize(
                &field(&form, "whatsapp_number"),
                &headers,
            ),
            hours: Some(hours),
            notes: Some(field(&form, "notes")),
        };
        let result = match body.validate(&page.owner) {
            Ok(new) => state
                .store
                .submit_setup_request(&new, &page.owner.actor())
                .await
                .map_err(AppError::from),
            Err(e) => Err(e),
        };
        match result {
            Ok(request) => {
                tracing::info!(tenant_id = %page.owner.tenant_id, request_id = %request.id, "setup request submitted from the portal");
                return Ok(Redirect::to("/app").into_response());
            }
            Err(AppError::Invalid { field, message }) => {
                let message = crate::i18n::refusal(tr, &field, &message);
                match field.as_str() {
                    "business_name" => errors.business_name = Some(message),
                    "whatsapp_number" => errors.whatsapp_number = Some(message),
                    "notes" => errors.notes = Some(message),
                    "hours" => {
                        // "hours: mon: …" names its day; otherwise it is the zone.
                        let detail = message
                            .split_once(": ")
                            .map_or(message.as_str(), |(_, rest)| rest);
                        let day = DAY_KEYS
                            .iter()
                            .position(|k| detail.starts_with(&format!("{k}:")));
                        match day {
                            Some(i) => {
                                days[i].error =
                                    Some(hours_refusal(detail[DAY_KEYS[i].len() + 1..].trim()));
                            }
                            None => errors.timezone = Some(hours_refusal(detail)),
                        }
                    }
                    _ => errors.summary = Some(message),
                }
            }
            Err(err @ AppError::Conflict { .. }) => {
                status = err.status();
                errors.summary = Some(sentence(&err.to_string()));
            }
            Err(other) => return Err(other.into()),
        }
    }
    if errors.summary.is_none() {
        errors.summary = Some(tr.t("form-correct-fields"));
    }
    let view = SetupPage {
        chrome: page.chrome("setup"),
        editable: true,
        business_name: field(&form, "business_name"),
        whatsapp_number: field(&form, "whatsapp_number"),
        notes: field(&form, "notes"),
        templates: templates(&template_raw),
        languages: languages(&language_raw),
        timezones: timezones(&timezone),
        days,
        hours_texts: HoursTexts::in_page_language(),
        errors,
    };
    Ok(render(status, &view))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(open1: &str, close1: &str) -> Day {
        Day {
            key: "mon",
            label: "Monday".into(),
            open1: open1.into(),
            close1: close1.into(),
            ..Day::default()
        }
    }

    #[test]
    fn form_hours_become_api_hours() {
        let mut days = vec![day("09:00", "18:00")];
        let json = hours_json("Europe/Madrid", &mut days).unwrap();
        assert_eq!(json["mon"], json!([["09:00", "18:00"]]));
        assert!(OpeningHours::from_json(&json).is_ok());

        let mut all_day = vec![day("00:00", "00:00")];
        let json = hours_json("UTC", &mut all_day).unwrap();
        assert_eq!(json["mon"], json!([["00:00", "24:00"]]));

        let mut half = vec![day("09:00", "")];
        assert!(hours_json("UTC", &mut half).is_err());
        assert!(half[0].error.is_some());
    }

    #[test]
    fn a_new_tenant_starts_from_a_typical_week() {
        let days = days_from(&OpeningHours::always_open());
        assert_eq!(days[0].open1, "09:00");
        assert_eq!(days[6].open1, "");
    }
}
