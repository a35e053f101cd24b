//! Reading stored values back into domain types.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

pub(crate) fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

pub(crate) fn time(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| StoreError::Corrupt(format!("timestamp {ms} is out of range")))
}

/// Typed access to a row's columns, with errors that name the column.
pub(crate) trait RowExt {
    fn text(&self, column: &str) -> Result<String>;
    fn text_opt(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn int_opt(&self, column: &str) -> Result<Option<i64>>;

    fn parsed<T: FromStr>(&self, column: &str) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        let text = self.text(column)?;
        text.parse()
            .map_err(|e| StoreError::Corrupt(format!("{column} = {text:?}: {e}")))
    }

    fn parsed_opt<T: FromStr>(&self, column: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        match self.text_opt(column)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e| StoreError::Corrupt(format!("{column} = {text:?}: {e}"))),
        }
    }

    fn time(&self, column: &str) -> Result<DateTime<Utc>> {
        time(self.int(column)?)
    }

    fn time_opt(&self, column: &str) -> Result<Option<DateTime<Utc>>> {
        self.int_opt(column)?.map(time).transpose()
    }
}

impl RowExt for AnyRow {
    fn text(&self, column: &str) -> Result<String> {
        Ok(self.try_get(column)?)
    }

    fn text_opt(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }

    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.try_get(column)?)
    }

    fn int_opt(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
/// The one row a lookup by id found, read with `read`; none is `what`
/// not found.
pub(crate) fn found<T>(
    row: Option<sqlx::any::AnyRow>,
    read: impl Fn(&sqlx::any::AnyRow) -> Result<T>,
    what: &'static str,
) -> Result<T> {
    row.as_ref()
        .map(read)
        .transpose()?
        .ok_or(crate::StoreError::NotFound(what))
}

pub(crate) fn like_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.extend(c.to_lowercase());
    }
    pattern.push('%');
    pattern
}

/// A page of a list: the items and where the next page starts.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Where the next page starts (the list's `cursor` or `before`); null on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from a query that fetched `limit + 1` rows, newest first: the
    /// extra row only says that there is a next page, which starts after the
    /// last item kept (its `id`).
    pub(crate) fn from_overfetch(mut items: Vec<T>, limit: u32, id: impl Fn(&T) -> String) -> Self {
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(id)
        } else {
            None
        };
        Self { items, next_cursor }
    }
}
