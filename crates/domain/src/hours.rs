//! Opening hours: an IANA time zone and, per weekday, a list of time ranges.
//!
//! The JSON shape (API.md):
//! `{"timezone": "America/Sao_Paulo", "mon": [["09:00","13:00"]], …, "sun": []}`.
//! A missing or empty day is closed; `24:00` ends a day; a range whose end is
//! before its start runs past midnight into the next day.

use std::fmt;

use chrono::Weekday;
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::values::InvalidValue;

/// A time of day in minutes since midnight; `24:00` is 1440 and may only end
/// a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let bad = || InvalidValue(format!("{text:?} is not a time of day like \"09:30\""));
        let (h, m) = text.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if (h == 24 && m == 0) || (h < 24 && m < 60) {
            Ok(TimeOfDay(h * 60 + m))
        } else {
            Err(bad())
        }
    }

    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(TimeOfDay(minutes))
    }

    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// One opening range. `end < start` means it runs past midnight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeRange {
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl TimeRange {
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<Self, InvalidValue> {
        if start == TimeOfDay::END_OF_DAY {
            return Err(InvalidValue("24:00 can only end a range".into()));
        }
        if start == end {
            return Err(InvalidValue(format!("{start}–{end} is an empty range")));
        }
        if end == TimeOfDay::MIDNIGHT {
            // "22:00"–"00:00" means until the end of the day; keep one spelling.
            return Ok(Self { start, end: TimeOfDay::END_OF_DAY });
        }
        Ok(Self { start, end })
    }

    /// Whether the range runs past midnight into the next day.
    pub fn crosses_midnight(&self) -> bool {
        self.end < self.start
    }
}

/// The weekly schedule of a business, in its own time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpeningHours {
    pub timezone: Tz,
    /// Indexed by `Weekday::num_days_from_monday()`.
    pub days: [Vec<TimeRange>; 7],
}

pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl OpeningHours {
    /// At most this many ranges a day: enough for split shifts, small enough
    /// that no one stores a novel in a config.
    pub const MAX_RANGES_PER_DAY: usize = 6;

    /// Open every day, all day, in UTC: the default for a tenant that has not
    /// said otherwise.
    pub fn always_open() -> Self {
        let all_day = TimeRange { start: TimeOfDay::MIDNIGHT, end: TimeOfDay::END_OF_DAY };
        Self { timezone: Tz::UTC, days: std::array::from_fn(|_| vec![all_day]) }
    }

    pub fn ranges(&self, day: Weekday) -> &[TimeRange] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Parses the JSON shape of API.md; the error names the offending key.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, InvalidValue> {
        let object = value
            .as_object()
            .ok_or_else(|| InvalidValue("must be an object with a timezone and weekdays".into()))?;
        for key in object.keys() {
            if key != "timezone" && !DAY_KEYS.contains(&key.as_str()) {
                return Err(InvalidValue(format!(
                    "unknown key {key:?}; use timezone and mon, tue, wed, thu, fri, sat, sun"
                )));
            }
        }
        let timezone = match object.get("timezone") {
            Some(serde_json::Value::String(name)) => name
                .parse::<Tz>()
                .map_err(|_| InvalidValue(format!("timezone {name:?} is not an IANA time zone")))?,
            _ => return Err(InvalidValue("timezone is required, e.g. \"Europe/Madrid\"".into())),
        };
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        for (index, key) in DAY_KEYS.iter().enumerate() {
            let Some(value) = object.get(*key) else { continue };
            days[index] = parse_day(value).map_err(|e| InvalidValue(format!("{key}: {}", e.0)))?;
        }
        Ok(Self { timezone, days })
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert("timezone".into(), self.timezone.name().into());
        for (index, key) in DAY_KEYS.iter().enumerate() {
            let ranges: Vec<serde_json::Value> = self.days[index]
                .iter()
                .map(|r| serde_json::json!([r.start.to_string(), r.end.to_string()]))
                .collect();
            object.insert((*key).into(), ranges.into());
        }
        object.into()
    }
}

fn parse_day(value: &serde_json::Value) -> Result<Vec<TimeRange>, InvalidValue> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let ranges = value
        .as_array()
        .ok_or_else(|| InvalidValue("must be a list of [\"HH:MM\",\"HH:MM\"] ranges".into()))?;
    if ranges.len() > OpeningHours::MAX_RANGES_PER_DAY {
        return Err(InvalidValue(format!(
            "at most {} ranges a day",
            OpeningHours::MAX_RANGES_PER_DAY
        )));
    }
    let mut parsed = Vec::with_capacity(ranges.len());
    for range in ranges {
        let pair = range
            .as_array()
            .filter(|pair| pair.len() == 2)
            .and_then(|pair| Some((pair[0].as_str()?, pair[1].as_str()?)))
            .ok_or_else(|| InvalidValue("each range must be [\"HH:MM\",\"HH:MM\"]".into()))?;
        parsed.push(TimeRange::new(TimeOfDay::parse(pair.0)?, TimeOfDay::parse(pair.1)?)?);
    }
    Ok(parsed)
}

impl Serialize for OpeningHours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for OpeningHours {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        OpeningHours::from_json(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_the_api_shape() {
        let hours = OpeningHours::from_json(&json!({
            "timezone": "America/Sao_Paulo",
            "mon": [["09:00", "13:00"], ["15:00", "19:00"]],
            "fri": [["22:00", "02:00"]],
            "sat": [["10:00", "24:00"]],
            "sun": []
        }))
        .unwrap();
        assert_eq!(hours.timezone, chrono_tz::America::Sao_Paulo);
        assert_eq!(hours.ranges(Weekday::Mon).len(), 2);
        assert!(hours.ranges(Weekday::Fri)[0].crosses_midnight());
        assert_eq!(hours.ranges(Weekday::Sat)[0].end, TimeOfDay::END_OF_DAY);
        assert!(hours.ranges(Weekday::Tue).is_empty());
        let again = OpeningHours::from_json(&hours.to_json()).unwrap();
        assert_eq!(again, hours);
    }

    #[test]
    fn bad_hours_name_the_problem() {
        let cases = [
            (json!({"mon": []}), "timezone is required"),
            (json!({"timezone": "Mars/Olympus"}), "not an IANA time zone"),
            (json!({"timezone": "UTC", "monday": []}), "unknown key"),
            (json!({"timezone": "UTC", "mon": [["9:00", "10:00"]]}), "mon:"),
            (json!({"timezone": "UTC", "tue": [["25:00", "26:00"]]}), "tue:"),
            (json!({"timezone": "UTC", "wed": [["24:00", "02:00"]]}), "24:00 can only end"),
            (json!({"timezone": "UTC", "thu": [["10:00", "10:00"]]}), "empty range"),
            (json!({"timezone": "UTC", "fri": [["10:00"]]}), "each range"),
            (json!({"timezone": "UTC", "sat": "9-5"}), "sat: must be a list"),
        ];
        for (input, expected) in cases {
            let err = OpeningHours::from_json(&input).unwrap_err();
            assert!(err.0.contains(expected), "{input}: {err}");
        }
    }

    #[test]
    fn midnight_end_means_end_of_day() {
        let range = TimeRange::new(
            TimeOfDay::parse("22:00").unwrap(),
            TimeOfDay::parse("00:00").unwrap(),
        )
        .unwrap();
        assert_eq!(range.end, TimeOfDay::END_OF_DAY);
        assert!(!range.crosses_midnight());
    }
}
