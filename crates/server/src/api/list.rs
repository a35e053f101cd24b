//! The query parameters every list endpoint shares (`limit`, `status`,
//! `cursor`), parsed into the API's 422s in one place.

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
