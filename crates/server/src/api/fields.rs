//! Body fields the admin and the portal APIs parse alike, with refusals
//! that name the field.

use flowhq_domain::hours::OpeningHours;

use crate::error::{AppError, AppResult};

pub fn parse_hours(value: &serde_json::Value, field: &str) -> AppResult<OpeningHours> {
    OpeningHours::from_json(value)
        .map_err(|e| AppError::invalid(field, format!("{field}: {}", e.0)))
}
