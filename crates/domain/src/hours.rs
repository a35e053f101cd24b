//! Opening hours: an IANA time zone and, per weekday, a list of time ranges;
//! plus the dates that differ from their weekday (`crate::calendar`).
//!
//! The JSON shape (docs/api.md):
//! `{"timezone": "America/Sao_Paulo", "mon": [["09:00","13:00"]], …, "sun": []}`.
//! A missing or empty day is closed; `24:00` ends a day; a range whose end is
//! before its start runs past midnight into the next day.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::Calendar;
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

    /// This time on `date`; `24:00` is midnight of the next day.
    fn on(self, date: NaiveDate) -> Option<NaiveDateTime> {
        let midnight = date.and_hms_opt(0, 0, 0)?;
        midnight.checked_add_signed(TimeDelta::minutes(i64::from(self.0)))
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
            return Ok(Self {
                start,
                end: TimeOfDay::END_OF_DAY,
            });
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
    /// Local dates whose ranges replace their weekday's: closures (no
    /// ranges) and special hours. Not part of the JSON shape: they come
    /// from the tenant's calendar ([`OpeningHours::with_calendar`]).
    pub dates: BTreeMap<NaiveDate, Vec<TimeRange>>,
}

pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl OpeningHours {
    /// At most this many ranges a day: enough for split shifts, small enough
    /// that no one stores a novel in a config.
    pub const MAX_RANGES_PER_DAY: usize = 6;

    /// Open every day, all day, in UTC: the default for a tenant that has not
    /// said otherwise.
    pub fn always_open() -> Self {
        let all_day = TimeRange {
            start: TimeOfDay::MIDNIGHT,
            end: TimeOfDay::END_OF_DAY,
        };
        Self {
            timezone: Tz::UTC,
            days: std::array::from_fn(|_| vec![all_day]),
            dates: BTreeMap::new(),
        }
    }

    /// These hours with the calendar's closures and special hours.
    pub fn with_calendar(mut self, calendar: &Calendar) -> Self {
        self.dates = calendar.dates();
        self
    }

    /// The weekly ranges of `day`.
    pub fn ranges(&self, day: Weekday) -> &[TimeRange] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// The ranges of one local date: its special hours, none when it is
    /// closed, else its weekday's.
    pub fn ranges_on(&self, date: NaiveDate) -> &[TimeRange] {
        match self.dates.get(&date) {
            Some(ranges) => ranges,
            None => self.ranges(date.weekday()),
        }
    }

    /// Parses the JSON shape of docs/api.md; the error names the offending key.
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
            _ => {
                return Err(InvalidValue(
                    "timezone is required, e.g. \"Europe/Madrid\"".into(),
                ));
            }
        };
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        for (index, key) in DAY_KEYS.iter().enumerate() {
            let Some(value) = object.get(*key) else {
                continue;
            };
            days[index] = parse_day(value).map_err(|e| InvalidValue(format!("{key}: {}", e.0)))?;
        }
        Ok(Self {
            timezone,
            days,
            dates: BTreeMap::new(),
        })
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

/// Open and closed, at an instant.
///
/// A range is read as wall-clock time on its day in the business's time zone
/// and becomes one real interval `[start, end)`. Days on which the clocks
/// change need two rules, chosen so that a range opens at most once:
/// - a local time that does not exist (the clocks jumped over it) means the
///   instant the clocks land after the jump: a 02:30 opening on the night
///   Madrid goes 02:00→03:00 opens at 03:00;
/// - a local time that happens twice (the clocks went back) means the first
///   time it happens.
impl OpeningHours {
    /// Whether the business is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let Some(today) = self.local_time(at).map(|t| t.date()) else {
            return false;
        };
        // Ranges become intervals in the order of their local start (see
        // `for_each_range`), so the first that starts after `at` ends the
        // search. Yesterday's ranges matter only if they run past midnight;
        // tomorrow's only if a clock change at midnight pulls one before
        // `at`.
        let mut open = false;
        let Some(yesterday) = today.checked_sub_days(ONE_DAY) else {
            return false;
        };
        let last = today.checked_add_days(ONE_DAY).unwrap_or(today);
        self.for_each_range(yesterday, last, |date, range| {
            if date == yesterday && !range.crosses_midnight() {
                return Flow::Next;
            }
            match self.start(date, range) {
                Some(start) if start > at => Flow::Stop,
                Some(_) => {
                    open = self.end(date, range).is_some_and(|end| at < end);
                    if open { Flow::Stop } else { Flow::Next }
                }
                None => Flow::Next,
            }
        });
        open
    }

    /// The next time the business opens strictly after `after`: when it is
    /// closed at `after`, the end of that closed spell; when it is open, the
    /// start of the next spell after this one closes. Ranges that touch (a
    /// day ending at `24:00` and the next one starting at `00:00`) are one
    /// spell, so midnight is not an opening. `None` when it does not open in
    /// the coming week (or the week after its last closure or special day):
    /// it has no hours at all, or it never closes.
    pub fn next_opening(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = self.local_time(after)?.date();
        let yesterday = today.checked_sub_days(ONE_DAY)?;
        // Nine days ahead covers a whole week even when this week's only
        // range falls into a clock change, or into a calendar day the zone
        // skipped altogether (Samoa went from UTC-10 to UTC+14 and had no
        // 30 December 2011): eight local dates are then one real day short.
        // Past the last special date, so that a business closed for three
        // weeks still says when it reopens.
        // A year and a bit bounds the walk (a closure is at most a year).
        let horizon = today.checked_add_days(chrono::Days::new(400))?;
        let last_special = self
            .dates
            .range(today..=horizon)
            .next_back()
            .map_or(today, |(date, _)| *date);
        let last = last_special.checked_add_days(chrono::Days::new(9))?;
        let mut covered_until: Option<DateTime<Utc>> = None;
        let mut opening = None;
        self.for_each_range(yesterday, last, |date, range| {
            // Yesterday's other ranges end by today's midnight, before `after`.
            if date == yesterday && !range.crosses_midnight() {
                return Flow::Next;
            }
            let (Some(start), Some(end)) = (self.start(date, range), self.end(date, range)) else {
                return Flow::Next;
            };
            if start >= end {
                // Wholly inside a skipped hour: never opens.
                return Flow::Next;
            }
            let continues_a_spell = covered_until.is_some_and(|until| start <= until);
            if !continues_a_spell && start > after {
                opening = Some(start);
                return Flow::Stop;
            }
            covered_until = Some(covered_until.map_or(end, |until| until.max(end)));
            Flow::Next
        });
        opening
    }

    /// The wall-clock time at `at` in the business's time zone; `None` only
    /// at the very ends of the calendar, where chrono would panic.
    pub fn local_time(&self, at: DateTime<Utc>) -> Option<NaiveDateTime> {
        let offset = self
            .timezone
            .offset_from_utc_datetime(&at.naive_utc())
            .fix();
        at.naive_utc().checked_add_offset(offset)
    }

    /// Calls `visit(date, range)` for the ranges of every local date in
    /// `from..=to`, by date and then by start time, until it says stop.
    /// Turning wall-clock times into instants never reorders them (a skipped
    /// time moves to the end of the jump, a repeated one to its first
    /// pass), so this is also the order of the ranges' real start times.
    fn for_each_range(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        mut visit: impl FnMut(NaiveDate, &TimeRange) -> Flow,
    ) {
        let mut date = from;
        while date <= to {
            let ranges = self.ranges_on(date);
            let sorted: std::borrow::Cow<'_, [TimeRange]> = if ranges.is_sorted_by_key(|r| r.start)
            {
                ranges.into()
            } else {
                let mut sorted = ranges.to_vec();
                sorted.sort_by_key(|r| r.start);
                sorted.into()
            };
            for range in sorted.iter() {
                if let Flow::Stop = visit(date, range) {
                    return;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => return,
            }
        }
    }

    /// When `range`, on local date `date`, opens.
    fn start(&self, date: NaiveDate, range: &TimeRange) -> Option<DateTime<Utc>> {
        resolve(self.timezone, range.start.on(date)?)
    }

    /// When `range`, on local date `date`, closes. A range that lies wholly
    /// inside a skipped hour closes when it opens: it never opens.
    fn end(&self, date: NaiveDate, range: &TimeRange) -> Option<DateTime<Utc>> {
        let end_date = if range.crosses_midnight() {
            date.succ_opt()?
        } else {
            date
        };
        resolve(self.timezone, range.end.on(end_date)?)
    }
}

enum Flow {
    Next,
    Stop,
}

const ONE_DAY: chrono::Days = chrono::Days::new(1);

/// The instant a wall-clock time in `tz` means (see `impl OpeningHours` for
/// the two clock-change rules).
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => Some(at.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, second) => Some(first.min(second).with_timezone(&Utc)),
        LocalResult::None => {
            // Skipped by a jump forward: walk to the first minute that
            // exists, which is when the clocks land. Jumps are whole minutes
            // and rarely over an hour (Samoa skipped a whole day in 2011),
            // so this loop is short and runs only on such days.
            let mut probe = local;
            for _ in 0..(2 * 24 * 60) {
                probe = probe.checked_add_signed(TimeDelta::minutes(1))?;
                if let Some(at) = tz.from_local_datetime(&probe).earliest() {
                    return Some(at.with_timezone(&Utc));
                }
            }
            None
        }
    }
}

pub(crate) fn parse_day(value: &serde_json::Value) -> Result<Vec<TimeRange>, InvalidValue> {
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
        parsed.push(TimeRange::new(
            TimeOfDay::parse(pair.0)?,
            TimeOfDay::parse(pair.1)?,
        )?);
    }
    Ok(parsed)
}

impl Serialize for OpeningHours {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

/// The JSON shape of [`OpeningHours`], which serializes by hand: this
/// mirror exists only to describe it in the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(
    description = "Opening hours: an IANA time zone and, per weekday, ranges [\"HH:MM\",\"HH:MM\"]. \
        A missing or empty day is closed; \"24:00\" ends a day; a range that ends before it starts runs past midnight.",
    example = json!({"timezone": "America/Sao_Paulo", "mon": [["09:00", "13:00"], ["15:00", "19:00"]], "sun": []})
)]
#[allow(dead_code)]
struct OpeningHoursJson {
    /// An IANA time zone name.
    #[schema(example = "America/Sao_Paulo")]
    timezone: String,
    mon: Option<Vec<Vec<String>>>,
    tue: Option<Vec<Vec<String>>>,
    wed: Option<Vec<Vec<String>>>,
    thu: Option<Vec<Vec<String>>>,
    fri: Option<Vec<Vec<String>>>,
    sat: Option<Vec<Vec<String>>>,
    sun: Option<Vec<Vec<String>>>,
}

impl utoipa::PartialSchema for OpeningHours {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <OpeningHoursJson as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for OpeningHours {}

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
            (
                json!({"timezone": "UTC", "mon": [["9:00", "10:00"]]}),
                "mon:",
            ),
            (
                json!({"timezone": "UTC", "tue": [["25:00", "26:00"]]}),
                "tue:",
            ),
            (
                json!({"timezone": "UTC", "wed": [["24:00", "02:00"]]}),
                "24:00 can only end",
            ),
            (
                json!({"timezone": "UTC", "thu": [["10:00", "10:00"]]}),
                "empty range",
            ),
            (json!({"timezone": "UTC", "fri": [["10:00"]]}), "each range"),
            (
                json!({"timezone": "UTC", "sat": "9-5"}),
                "sat: must be a list",
            ),
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

    fn hours(value: serde_json::Value) -> OpeningHours {
        OpeningHours::from_json(&value).unwrap()
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_skipped_calendar_day_does_not_hide_the_next_weeks_opening() {
        // Open Fridays 00:00–00:15 in Samoa, which skipped Friday
        // 30 December 2011: the next opening is Friday 6 January, 00:00
        // local (UTC+14). Found by the property test below.
        let mut days: [Vec<TimeRange>; 7] = Default::default();
        days[4].push(
            TimeRange::new(
                TimeOfDay::from_minutes(0).unwrap(),
                TimeOfDay::from_minutes(15).unwrap(),
            )
            .unwrap(),
        );
        let hours = OpeningHours {
            timezone: "Pacific/Apia".parse().unwrap(),
            days,
            dates: BTreeMap::new(),
        };
        let at = utc("2011-12-29T09:59:59Z");
        assert!(!hours.is_open(at));
        assert_eq!(hours.next_opening(at), Some(utc("2012-01-05T10:00:00Z")));
    }

    #[test]
    fn open_within_a_range_and_closed_at_its_end() {
        // 2024-06-03 is a Monday; Madrid is UTC+2 in summer.
        let h = hours(
            json!({"timezone": "Europe/Madrid", "mon": [["09:00", "13:00"], ["15:00", "19:00"]]}),
        );
        assert!(!h.is_open(utc("2024-06-03T06:59:59Z")));
        assert!(h.is_open(utc("2024-06-03T07:00:00Z")));
        assert!(h.is_open(utc("2024-06-03T10:59:59Z")));
        assert!(
            !h.is_open(utc("2024-06-03T11:00:00Z")),
            "13:00 is closing time"
        );
        assert!(!h.is_open(utc("2024-06-03T12:30:00Z")));
        assert!(h.is_open(utc("2024-06-03T13:00:00Z")));
        assert_eq!(
            h.next_opening(utc("2024-06-03T11:30:00Z")),
            Some(utc("2024-06-03T13:00:00Z"))
        );
        // After Monday's last range the next opening is next Monday.
        assert_eq!(
            h.next_opening(utc("2024-06-03T18:00:00Z")),
            Some(utc("2024-06-10T07:00:00Z"))
        );
        // While open, the next opening is the next spell.
        assert_eq!(
            h.next_opening(utc("2024-06-03T08:00:00Z")),
            Some(utc("2024-06-03T13:00:00Z"))
        );
    }

    #[test]
    fn ranges_past_midnight_belong_to_the_day_they_start() {
        // Friday 22:00 to Saturday 02:00, UTC. 2024-06-07 is a Friday.
        let h = hours(json!({"timezone": "UTC", "fri": [["22:00", "02:00"]]}));
        assert!(!h.is_open(utc("2024-06-07T21:59:00Z")));
        assert!(h.is_open(utc("2024-06-07T23:00:00Z")));
        assert!(
            h.is_open(utc("2024-06-08T01:59:59Z")),
            "Saturday early hours are Friday's"
        );
        assert!(!h.is_open(utc("2024-06-08T02:00:00Z")));
        assert!(
            !h.is_open(utc("2024-06-08T23:00:00Z")),
            "Saturday night has no range"
        );
        assert_eq!(
            h.next_opening(utc("2024-06-08T03:00:00Z")),
            Some(utc("2024-06-14T22:00:00Z"))
        );
    }

    #[test]
    fn end_of_day_then_start_of_day_is_one_spell() {
        let h = hours(json!({
            "timezone": "UTC",
            "mon": [["18:00", "24:00"]],
            "tue": [["00:00", "03:00"], ["09:00", "10:00"]]
        }));
        assert!(h.is_open(utc("2024-06-03T23:59:59Z")));
        assert!(h.is_open(utc("2024-06-04T00:00:00Z")));
        assert!(!h.is_open(utc("2024-06-04T03:00:00Z")));
        // Midnight is not an opening: from Monday evening the next one is 09:00.
        assert_eq!(
            h.next_opening(utc("2024-06-03T19:00:00Z")),
            Some(utc("2024-06-04T09:00:00Z"))
        );
        assert_eq!(
            h.next_opening(utc("2024-06-03T17:00:00Z")),
            Some(utc("2024-06-03T18:00:00Z"))
        );
    }

    #[test]
    fn empty_days_and_no_hours() {
        let h =
            hours(json!({"timezone": "America/Sao_Paulo", "sat": [["10:00", "14:00"]], "sun": []}));
        // Only Saturdays: from a Sunday the next opening is six days away.
        assert_eq!(
            h.next_opening(utc("2024-06-09T12:00:00Z")),
            Some(utc("2024-06-15T13:00:00Z"))
        );
        assert!(!h.is_open(utc("2024-06-09T14:00:00Z")));
        let never = hours(json!({"timezone": "UTC"}));
        assert!(!never.is_open(utc("2024-06-03T12:00:00Z")));
        assert_eq!(never.next_opening(utc("2024-06-03T12:00:00Z")), None);
        let always = OpeningHours::always_open();
        assert!(always.is_open(utc("2024-06-03T00:00:00Z")));
        assert_eq!(
            always.next_opening(utc("2024-06-03T12:00:00Z")),
            None,
            "never closes"
        );
    }

    #[test]
    fn sao_paulo_spring_forward_at_midnight_2018() {
        // 2018-11-04 (a Sunday): 00:00 -03 jumped to 01:00 -02, at 03:00Z.
        let h = hours(json!({"timezone": "America/Sao_Paulo", "sun": [["00:00", "02:00"]]}));
        assert!(!h.is_open(utc("2018-11-04T02:59:59Z")));
        assert!(
            h.is_open(utc("2018-11-04T03:00:00Z")),
            "opens when the clocks land at 01:00"
        );
        assert!(
            !h.is_open(utc("2018-11-04T04:00:00Z")),
            "02:00 -02 is 04:00Z"
        );
        assert_eq!(
            h.next_opening(utc("2018-11-03T20:00:00Z")),
            Some(utc("2018-11-04T03:00:00Z"))
        );
        // A Saturday range past midnight ends by the new clock.
        let late = hours(json!({"timezone": "America/Sao_Paulo", "sat": [["22:00", "01:30"]]}));
        assert!(late.is_open(utc("2018-11-04T01:00:00Z")), "22:00 -03");
        assert!(late.is_open(utc("2018-11-04T03:29:00Z")), "01:29 -02");
        assert!(!late.is_open(utc("2018-11-04T03:30:00Z")));
    }

    #[test]
    fn sao_paulo_fall_back_at_midnight_2019() {
        // 2019-02-17 00:00 -02 went back to 2019-02-16 23:00 -03, at 02:00Z:
        // Saturday's 23:00–23:59 happened twice.
        let h = hours(
            json!({"timezone": "America/Sao_Paulo", "sat": [["22:00", "24:00"]], "sun": [["09:00", "12:00"]]}),
        );
        assert!(h.is_open(utc("2019-02-17T00:00:00Z")), "22:00 -02");
        assert!(
            h.is_open(utc("2019-02-17T02:30:00Z")),
            "the second 23:30, now -03"
        );
        assert!(!h.is_open(utc("2019-02-17T03:00:00Z")), "24:00 -03");
        assert_eq!(
            h.next_opening(utc("2019-02-17T02:30:00Z")),
            Some(utc("2019-02-17T12:00:00Z"))
        );
        // An opening at a repeated time opens the first time round.
        let repeated = hours(json!({"timezone": "America/Sao_Paulo", "sat": [["23:30", "24:00"]]}));
        assert_eq!(
            repeated.next_opening(utc("2019-02-16T20:00:00Z")),
            Some(utc("2019-02-17T01:30:00Z"))
        );
        assert!(
            repeated.is_open(utc("2019-02-17T02:45:00Z")),
            "still open in the repeat"
        );
    }

    #[test]
    fn madrid_spring_forward_2024() {
        // 2024-03-31 (a Sunday): 02:00 CET jumped to 03:00 CEST, at 01:00Z.
        let h = hours(json!({"timezone": "Europe/Madrid", "sun": [["02:30", "05:00"]]}));
        assert_eq!(
            h.next_opening(utc("2024-03-30T12:00:00Z")),
            Some(utc("2024-03-31T01:00:00Z"))
        );
        assert!(!h.is_open(utc("2024-03-31T00:59:59Z")));
        assert!(h.is_open(utc("2024-03-31T01:00:00Z")));
        assert!(!h.is_open(utc("2024-03-31T03:00:00Z")), "05:00 CEST");
        // A range wholly inside the skipped hour does not open that day.
        let skipped = hours(json!({"timezone": "Europe/Madrid", "sun": [["02:10", "02:50"]]}));
        assert!(!skipped.is_open(utc("2024-03-31T01:00:00Z")));
        assert_eq!(
            skipped.next_opening(utc("2024-03-30T12:00:00Z")),
            Some(utc("2024-04-07T00:10:00Z")),
            "the next Sunday, 02:10 CEST"
        );
        // A range that ends in the skipped hour closes when the clocks land.
        let ends = hours(json!({"timezone": "Europe/Madrid", "sat": [["22:00", "02:30"]]}));
        assert!(ends.is_open(utc("2024-03-31T00:59:00Z")));
        assert!(!ends.is_open(utc("2024-03-31T01:00:00Z")));
    }

    #[test]
    fn madrid_fall_back_2024() {
        // 2024-10-27 (a Sunday): 03:00 CEST went back to 02:00 CET, at 01:00Z.
        let h = hours(json!({"timezone": "Europe/Madrid", "sun": [["02:30", "04:00"]]}));
        assert_eq!(
            h.next_opening(utc("2024-10-26T12:00:00Z")),
            Some(utc("2024-10-27T00:30:00Z")),
            "the first 02:30, CEST"
        );
        assert!(
            h.is_open(utc("2024-10-27T01:15:00Z")),
            "02:15 CET, the repeat"
        );
        assert!(!h.is_open(utc("2024-10-27T03:00:00Z")), "04:00 CET");
        // A range ending at a repeated time closes the first time round.
        let early = hours(json!({"timezone": "Europe/Madrid", "sun": [["01:00", "02:30"]]}));
        assert!(early.is_open(utc("2024-10-27T00:15:00Z")));
        assert!(!early.is_open(utc("2024-10-27T01:15:00Z")));
        assert_eq!(
            early.next_opening(utc("2024-10-27T01:15:00Z")),
            Some(utc("2024-11-03T00:00:00Z")),
            "no second opening in the repeat"
        );
        // Ordinary hours that day are an hour longer in real time.
        let day = hours(json!({"timezone": "Europe/Madrid", "sun": [["00:00", "06:00"]]}));
        assert!(day.is_open(utc("2024-10-26T22:00:00Z")));
        assert!(day.is_open(utc("2024-10-27T04:59:00Z")));
        assert!(!day.is_open(utc("2024-10-27T05:00:00Z")));
    }

    /// The plain definition, slowly: every range of the surrounding days as
    /// an interval, sorted and merged.
    fn reference(hours: &OpeningHours, at: DateTime<Utc>) -> (bool, Option<DateTime<Utc>>) {
        let today = hours.local_time(at).unwrap().date();
        let mut intervals = Vec::new();
        for offset in -3i64..=9 {
            let date = today + chrono::Duration::days(offset);
            for range in hours.ranges(date.weekday()) {
                let end_date = if range.crosses_midnight() {
                    date.succ_opt().unwrap()
                } else {
                    date
                };
                let start = resolve(hours.timezone, range.start.on(date).unwrap()).unwrap();
                let end = resolve(hours.timezone, range.end.on(end_date).unwrap()).unwrap();
                if start < end {
                    intervals.push((start, end));
                }
            }
        }
        intervals.sort();
        let open = intervals.iter().any(|(s, e)| *s <= at && at < *e);
        let mut covered: Option<DateTime<Utc>> = None;
        let mut next = None;
        for (s, e) in intervals {
            if covered.is_none_or(|c| s > c) && s > at && next.is_none() {
                next = Some(s);
            }
            covered = Some(covered.map_or(e, |c| c.max(e)));
        }
        // The reference sees further than a week; the real one stops there.
        // A week's next opening can lie more than eight days ahead when the
        // zone skips a calendar day (Samoa's 30 December 2011: from a
        // Wednesday to the Friday after next is nine local days and eight
        // real ones and a bit), so the horizon compared is nine days.
        (open, next.filter(|n| *n - at <= chrono::Duration::days(9)))
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Clock changes worth landing near.
        const CHANGES: &[&str] = &[
            "2018-11-04T03:00:00Z", // São Paulo forward at midnight
            "2019-02-17T02:00:00Z", // São Paulo back at midnight
            "2024-03-31T01:00:00Z", // Madrid forward
            "2024-10-27T01:00:00Z", // Madrid back
            "2011-12-30T10:00:00Z", // Apia skipped a whole day
            "2024-04-06T15:00:00Z", // Lord Howe back half an hour
        ];

        fn when() -> impl Strategy<Value = DateTime<Utc>> {
            prop_oneof![
                (946_684_800i64..2_000_000_000)
                    .prop_map(|s| DateTime::from_timestamp(s, 0).unwrap()),
                (
                    proptest::sample::select(CHANGES),
                    -4 * 86_400i64..4 * 86_400
                )
                    .prop_map(|(change, s)| utc(change) + TimeDelta::seconds(s)),
            ]
        }

        fn hours() -> impl Strategy<Value = OpeningHours> {
            let zone = proptest::sample::select(
                &[
                    "America/Sao_Paulo",
                    "Europe/Madrid",
                    "UTC",
                    "Australia/Lord_Howe",
                    "Pacific/Apia",
                ][..],
            );
            // Quarter hours, so ranges often touch and start in skipped or
            // repeated times.
            let range = (0usize..7, 0u16..96, 1u16..97);
            (zone, proptest::collection::vec(range, 0..8)).prop_map(|(zone, ranges)| {
                let mut days: [Vec<TimeRange>; 7] = Default::default();
                for (day, from, to) in ranges {
                    let from = TimeOfDay::from_minutes(from * 15).unwrap();
                    let to = TimeOfDay::from_minutes(to * 15).unwrap();
                    if let Ok(range) = TimeRange::new(from, to) {
                        days[day].push(range);
                    }
                }
                OpeningHours {
                    timezone: zone.parse().unwrap(),
                    days,
                    dates: BTreeMap::new(),
                }
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn agrees_with_the_plain_definition(hours in hours(), at in when()) {
                let (open, next) = reference(&hours, at);
                prop_assert_eq!(hours.is_open(at), open);
                prop_assert_eq!(hours.next_opening(at), next);
            }
        }
    }
}
