//! The query parameters the list endpoints share (`limit`, `status`,
//! `cursor`), parsed into the API's 422s in one place.

use flowhq_domain::MessageLogId;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::error::{AppError, AppResult};

/// Parses `limit` for list endpoints: 1 to `max`, `default` when absent.
pub fn parse_limit(raw: Option<&str>, default: u32, max: u32) -> AppResult<u32> {
    match raw {
        None | Some("") => Ok(default),
        Some(raw) => match raw.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(AppError::invalid(
                "limit",
                format!("limit must be a whole number from 1 to {max}"),
            )),
        },
    }
}

/// Parses an optional status filter; an empty value means no filter.
pub fn parse_status<T>(raw: Option<&str>) -> AppResult<Option<T>>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|e| AppError::invalid("status", format!("status: {e}"))),
    }
}

/// Parses an optional list cursor (an id this API gave out).
pub fn parse_cursor<T: std::str::FromStr>(raw: Option<&str>) -> AppResult<Option<T>> {
    match raw {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("cursor", "cursor is not one this API gave out")),
    }
}

/// `?limit=&before=` of the message logs (admin and portal).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MessageParams {
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// The previous page's `next_cursor`: messages older than it.
    pub before: Option<String>,
}

impl MessageParams {
    pub fn parse(&self) -> AppResult<(u32, Option<MessageLogId>)> {
        let limit = parse_limit(self.limit.as_deref(), 50, 500)?;
        let before = match self.before.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                AppError::invalid("before", "before is not a cursor this API gave out")
            })?),
        };
        Ok((limit, before))
    }
}
