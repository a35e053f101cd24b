//! Days that differ from the week: closures (a holiday, a vacation, a
//! single closed day) and special hours on one date (New Year's Eve until
//! 14:00). Dates are the business's own, read in its time zone.
//!
//! The JSON shapes (docs/api.md):
//! `closures`: `[{"from": "2026-12-24", "to": "2026-12-26", "note": "Christmas"}]`
//! (both ends inclusive) and `special_hours`:
//! `[{"date": "2026-12-31", "ranges": [["09:00","14:00"]], "note": "New Year's Eve"}]`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::hours::{TimeRange, parse_day};

/// A run of closed dates, both ends included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    #[schema(value_type = String, format = Date, example = "2026-12-24")]
    pub from: NaiveDate,
    #[schema(value_type = String, format = Date, example = "2026-12-26")]
    pub to: NaiveDate,
    /// Shown to customers with the closure, e.g. "Christmas".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One date with its own opening ranges instead of its weekday's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecialHours {
    #[schema(value_type = String, format = Date, example = "2026-12-31")]
    pub date: NaiveDate,
    /// `[["09:00","14:00"]]`, as a day of the opening hours; empty: closed.
    #[schema(value_type = Vec<Vec<String>>, example = json!([["09:00", "14:00"]]))]
    #[serde(with = "ranges")]
    pub ranges: Vec<TimeRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A tenant's closures and special hours together, checked against each
/// other.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    pub closures: Vec<Closure>,
    pub special_hours: Vec<SpecialHours>,
}

/// How many entries of each list a tenant keeps: a few years of holidays.
pub const MAX_ENTRIES: usize = 100;
/// The longest closure: a season, not a way to switch the bot off (the
/// owner's pause switch is that).
pub const MAX_CLOSURE_DAYS: i64 = 366;
/// The longest note.
pub const MAX_NOTE_CHARS: usize = 200;

/// A refusal that names the entry at fault, e.g. `closures[1].to`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct InvalidEntry {
    pub field: String,
    pub message: String,
}

impl InvalidEntry {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl Calendar {
    /// Parses the `closures` list of docs/api.md.
    pub fn parse_closures(value: &serde_json::Value) -> Result<Vec<Closure>, InvalidEntry> {
        let list = list(value, "closures")?;
        let mut closures = Vec::with_capacity(list.len());
        for (index, entry) in list.iter().enumerate() {
            let at = |key: &str| format!("closures[{index}].{key}");
            let object = object(
                entry,
                &format!("closures[{index}]"),
                &["from", "to", "note"],
            )?;
            let from = date(object.get("from"), &at("from"))?;
            let to = date(object.get("to"), &at("to"))?;
            if to < from {
                return Err(InvalidEntry::new(
                    at("to"),
                    format!("{to} is before from ({from})"),
                ));
            }
            let days = (to - from).num_days() + 1;
            if days > MAX_CLOSURE_DAYS {
                return Err(InvalidEntry::new(
                    at("to"),
                    format!("a closure of {days} days; at most {MAX_CLOSURE_DAYS}"),
                ));
            }
            let note = note(object.get("note"), &at("note"))?;
            closures.push(Closure { from, to, note });
        }
        Ok(closures)
    }

    /// Parses the `special_hours` list of docs/api.md.
    pub fn parse_special_hours(
        value: &serde_json::Value,
    ) -> Result<Vec<SpecialHours>, InvalidEntry> {
        let list = list(value, "special_hours")?;
        let mut days: Vec<SpecialHours> = Vec::with_capacity(list.len());
        for (index, entry) in list.iter().enumerate() {
            let at = |key: &str| format!("special_hours[{index}].{key}");
            let object = object(
                entry,
                &format!("special_hours[{index}]"),
                &["date", "ranges", "note"],
            )?;
            let date = date(object.get("date"), &at("date"))?;
            if let Some(earlier) = days.iter().position(|d| d.date == date) {
                return Err(InvalidEntry::new(
                    at("date"),
                    format!("{date} is already special_hours[{earlier}]"),
                ));
            }
            let ranges = match object.get("ranges") {
                Some(value) => {
                    parse_day(value).map_err(|e| InvalidEntry::new(at("ranges"), e.0))?
                }
                None => return Err(InvalidEntry::new(at("ranges"), "is required")),
            };
            let note = note(object.get("note"), &at("note"))?;
            days.push(SpecialHours { date, ranges, note });
        }
        Ok(days)
    }

    /// The two lists together: a date with special hours must not also be
    /// closed, since one of the two would silently lose.
    pub fn new(
        closures: Vec<Closure>,
        special_hours: Vec<SpecialHours>,
    ) -> Result<Self, InvalidEntry> {
        Self::check(&closures, &special_hours)?;
        Ok(Self {
            closures,
            special_hours,
        })
    }

    /// What [`Calendar::new`] checks, for a caller that only stores the
    /// lists.
    pub fn check(closures: &[Closure], special_hours: &[SpecialHours]) -> Result<(), InvalidEntry> {
        for (index, day) in special_hours.iter().enumerate() {
            if let Some((c, closure)) = closures
                .iter()
                .enumerate()
                .find(|(_, c)| c.from <= day.date && day.date <= c.to)
            {
                return Err(InvalidEntry::new(
                    format!("special_hours[{index}].date"),
                    format!(
                        "{} is inside closures[{c}] ({} to {}); remove one of the two",
                        day.date, closure.from, closure.to
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The opening ranges of every date that is not an ordinary weekday:
    /// none for a closed date.
    pub fn dates(&self) -> BTreeMap<NaiveDate, Vec<TimeRange>> {
        let mut dates = BTreeMap::new();
        for closure in &self.closures {
            for date in closure.from.iter_days().take_while(|d| *d <= closure.to) {
                dates.insert(date, Vec::new());
            }
        }
        for day in &self.special_hours {
            dates.insert(day.date, day.ranges.clone());
        }
        dates
    }

    /// The closures and special days that touch `from..=to`, by date: what
    /// the `{hours}` answer mentions.
    pub fn upcoming(&self, from: NaiveDate, to: NaiveDate) -> Vec<Upcoming<'_>> {
        let mut upcoming: Vec<Upcoming<'_>> = self
            .closures
            .iter()
            .filter(|c| c.to >= from && c.from <= to)
            .map(Upcoming::Closure)
            .chain(
                self.special_hours
                    .iter()
                    .filter(|d| from <= d.date && d.date <= to)
                    .map(Upcoming::Special),
            )
            .collect();
        upcoming.sort_by_key(Upcoming::first_date);
        upcoming
    }
}

/// A closure or a special day, as the `{hours}` answer lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upcoming<'a> {
    Closure(&'a Closure),
    Special(&'a SpecialHours),
}

impl Upcoming<'_> {
    pub fn first_date(&self) -> NaiveDate {
        match self {
            Upcoming::Closure(c) => c.from,
            Upcoming::Special(d) => d.date,
        }
    }
}

fn list<'a>(
    value: &'a serde_json::Value,
    field: &str,
) -> Result<&'a Vec<serde_json::Value>, InvalidEntry> {
    let list = value
        .as_array()
        .ok_or_else(|| InvalidEntry::new(field, "must be a list"))?;
    if list.len() > MAX_ENTRIES {
        return Err(InvalidEntry::new(
            field,
            format!("{} entries; at most {MAX_ENTRIES}", list.len()),
        ));
    }
    Ok(list)
}

fn object<'a>(
    value: &'a serde_json::Value,
    field: &str,
    keys: &[&str],
) -> Result<&'a serde_json::Map<String, serde_json::Value>, InvalidEntry> {
    let object = value
        .as_object()
        .ok_or_else(|| InvalidEntry::new(field, "must be an object"))?;
    if let Some(unknown) = object.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(InvalidEntry::new(
            format!("{field}.{unknown}"),
            format!("unknown key; use {}", keys.join(", ")),
        ));
    }
    Ok(object)
}

fn date(value: Option<&serde_json::Value>, field: &str) -> Result<NaiveDate, InvalidEntry> {
    let text = value
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| InvalidEntry::new(field, "is required, a date like \"2026-12-24\""))?;
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        InvalidEntry::new(field, format!("{text:?} is not a date like \"2026-12-24\""))
    })
}

fn note(value: Option<&serde_json::Value>, field: &str) -> Result<Option<String>, InvalidEntry> {
    let text = match value {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(value) => value
            .as_str()
            .ok_or_else(|| InvalidEntry::new(field, "must be text"))?
            .trim(),
    };
    let len = text.chars().count();
    if len > MAX_NOTE_CHARS {
        return Err(InvalidEntry::new(
            field,
            format!("{len} characters; at most {MAX_NOTE_CHARS}"),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// `ranges` as `[["09:00","14:00"]]`, the shape of a day of opening hours.
mod ranges {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::hours::{TimeRange, parse_day};

    pub fn serialize<S: Serializer>(
        ranges: &[TimeRange],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            ranges
                .iter()
                .map(|r| [r.start.to_string(), r.end.to_string()]),
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<TimeRange>, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        parse_day(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn parses_closures_and_special_hours_and_lists_their_dates() {
        let closures = Calendar::parse_closures(&json!([
            {"from": "2026-12-24", "to": "2026-12-26", "note": " Christmas "},
            {"from": "2026-08-03", "to": "2026-08-03"}
        ]))
        .unwrap();
        assert_eq!(closures[0].note.as_deref(), Some("Christmas"));
        let special = Calendar::parse_special_hours(&json!([
            {"date": "2026-12-31", "ranges": [["09:00", "14:00"]]}
        ]))
        .unwrap();
        let calendar = Calendar::new(closures, special).unwrap();
        let dates = calendar.dates();
        assert_eq!(dates.len(), 5);
        assert!(dates[&date("2026-12-25")].is_empty());
        assert_eq!(dates[&date("2026-12-31")].len(), 1);
        // Round trip through the stored JSON.
        let stored = serde_json::to_value(&calendar.special_hours).unwrap();
        assert_eq!(
            stored,
            json!([{"date": "2026-12-31", "ranges": [["09:00", "14:00"]]}])
        );
        let back: Vec<SpecialHours> = serde_json::from_value(stored).unwrap();
        assert_eq!(back, calendar.special_hours);
    }

    #[test]
    fn refusals_name_the_entry_at_fault() {
        let cases = [
            (
                json!([{"from": "2026-12-26", "to": "2026-12-24"}]),
                "closures[0].to",
            ),
            (
                json!([{"from": "2026-13-01", "to": "2026-12-24"}]),
                "closures[0].from",
            ),
            (json!([{"from": "2026-01-01"}]), "closures[0].to"),
            (
                json!([{"from": "2026-01-01", "to": "2028-01-01"}]),
                "closures[0].to",
            ),
            (
                json!([{"from": "2026-01-01", "to": "2026-01-01", "why": "x"}]),
                "closures[0].why",
            ),
            (json!({"from": "2026-01-01"}), "closures"),
        ];
        for (value, field) in cases {
            let e = Calendar::parse_closures(&value).unwrap_err();
            assert_eq!(e.field, field, "{value}: {e}");
        }
        let e = Calendar::parse_special_hours(&json!([
            {"date": "2026-12-31", "ranges": []},
            {"date": "2026-12-31", "ranges": [["09:00", "25:00"]]}
        ]))
        .unwrap_err();
        assert_eq!(e.field, "special_hours[1].date");
        let e = Calendar::parse_special_hours(
            &json!([{"date": "2026-12-31", "ranges": [["09:00", "25:00"]]}]),
        )
        .unwrap_err();
        assert_eq!(e.field, "special_hours[0].ranges");
    }

    #[test]
    fn a_special_day_inside_a_closure_is_refused() {
        let closures =
            Calendar::parse_closures(&json!([{"from": "2026-12-24", "to": "2026-12-26"}])).unwrap();
        let special = Calendar::parse_special_hours(
            &json!([{"date": "2026-12-25", "ranges": [["09:00", "12:00"]]}]),
        )
        .unwrap();
        let e = Calendar::new(closures, special).unwrap_err();
        assert_eq!(e.field, "special_hours[0].date");
        assert!(e.message.contains("closures[0]"), "{e}");
    }

    #[test]
    fn upcoming_lists_what_touches_the_window_in_date_order() {
        let calendar = Calendar::new(
            Calendar::parse_closures(&json!([
                {"from": "2026-12-24", "to": "2026-12-26"},
                {"from": "2026-12-01", "to": "2026-12-02"},
                {"from": "2027-03-01", "to": "2027-03-02"}
            ]))
            .unwrap(),
            Calendar::parse_special_hours(&json!([{"date": "2026-12-20", "ranges": []}])).unwrap(),
        )
        .unwrap();
        let firsts: Vec<NaiveDate> = calendar
            .upcoming(date("2026-12-15"), date("2026-12-29"))
            .iter()
            .map(Upcoming::first_date)
            .collect();
        assert_eq!(firsts, [date("2026-12-20"), date("2026-12-24")]);
    }
}
