//! Body fields the admin and the portal APIs parse alike, with refusals
//! that name the field.

use flowhq_domain::calendar::{Calendar, Closure, InvalidEntry, SpecialHours};
use flowhq_domain::entities::TenantConfig;
use flowhq_domain::hours::OpeningHours;
use flowhq_store::tenants::ConfigPatch;

use crate::error::{AppError, AppResult};

pub fn parse_hours(value: &serde_json::Value, field: &str) -> AppResult<OpeningHours> {
    OpeningHours::from_json(value)
        .map_err(|e| AppError::invalid(field, format!("{field}: {}", e.0)))
}

/// `closures`, with `prefix` before the field a refusal names
/// (`config.` in the admin API).
pub fn parse_closures(value: &serde_json::Value, prefix: &str) -> AppResult<Vec<Closure>> {
    Calendar::parse_closures(value).map_err(|e| calendar_error(e, prefix))
}

pub fn parse_special_hours(
    value: &serde_json::Value,
    prefix: &str,
) -> AppResult<Vec<SpecialHours>> {
    Calendar::parse_special_hours(value).map_err(|e| calendar_error(e, prefix))
}

/// Checks the closures and special hours a patch leaves the tenant with
/// against each other: the new lists, or the current ones it keeps.
pub fn check_calendar(current: &TenantConfig, patch: &ConfigPatch, prefix: &str) -> AppResult<()> {
    if patch.closures.is_none() && patch.special_hours.is_none() {
        return Ok(());
    }
    let closures = patch.closures.as_ref().unwrap_or(&current.closures);
    let special_hours = patch
        .special_hours
        .as_ref()
        .unwrap_or(&current.special_hours);
    Calendar::check(closures, special_hours).map_err(|e| calendar_error(e, prefix))
}

pub fn calendar_error(e: InvalidEntry, prefix: &str) -> AppError {
    let field = format!("{prefix}{}", e.field);
    AppError::invalid(field.clone(), format!("{field}: {}", e.message))
}
