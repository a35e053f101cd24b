//! Opening hours and times in words, in the business's language and time
//! zone: what fills `{hours}` and `{next_opening}`.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::calendar::{Calendar, Upcoming};
use crate::hours::{OpeningHours, TimeOfDay, TimeRange};

use super::templates::Words;

/// How far ahead `{hours}` looks for closures and special days.
pub const UPCOMING_DAYS: u64 = 14;

/// "tomorrow at 09:00", "el lunes a las 09:00": when `opening` is, seen from
/// `now`, both read on the business's clock. With the date ("on Monday,
/// 17 August at 09:00") when it is a week or more ahead or today is not an
/// ordinary day (a closure, special hours): the customer then cannot guess
/// it from the weekly hours.
pub fn next_opening(
    words: &Words,
    hours: &OpeningHours,
    now: DateTime<Utc>,
    opening: DateTime<Utc>,
) -> String {
    let (Some(now), Some(opening)) = (hours.local_time(now), hours.local_time(opening)) else {
        // Only at the ends of the calendar.
        return String::new();
    };
    let time = opening.format("%H:%M").to_string();
    let days_ahead = (opening.date() - now.date()).num_days();
    let weekday = &words.weekdays[opening.date().weekday_index()];
    let unusual_day = hours.dates.contains_key(&now.date());
    match days_ahead {
        _ if unusual_day || days_ahead >= 7 => words
            .dated
            .replace("{weekday}", weekday)
            .replace("{date}", &date(words, opening.date()))
            .replace("{time}", &time),
        0 => words.today.replace("{time}", &time),
        1 => words.tomorrow.replace("{time}", &time),
        _ => words
            .later
            .replace("{weekday}", weekday)
            .replace("{time}", &time),
    }
}

/// "17 August", "17 de agosto".
pub fn date(words: &Words, date: NaiveDate) -> String {
    words
        .date
        .replace("{day}", &date.day().to_string())
        .replace("{month}", &words.months[date.month0() as usize])
}

/// The week, then the closures and special days of the coming two weeks
/// (seen from `now` on the business's clock), one line each:
/// "Coming up:\n24 December to 26 December: closed (Christmas)".
pub fn week_and_upcoming(
    words: &Words,
    week: &str,
    hours: &OpeningHours,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> String {
    let Some(today) = hours.local_time(now).map(|t| t.date()) else {
        return week.to_owned();
    };
    let until = today
        .checked_add_days(chrono::Days::new(UPCOMING_DAYS))
        .unwrap_or(today);
    let upcoming = calendar.upcoming(today, until);
    if upcoming.is_empty() {
        return week.to_owned();
    }
    let mut text = format!("{week}\n\n{}", words.upcoming);
    for entry in upcoming {
        let (line, note) = match entry {
            Upcoming::Closure(c) if c.from == c.to => (
                format!("{}: {}", date(words, c.from), words.closed),
                &c.note,
            ),
            Upcoming::Closure(c) => (
                words
                    .closed_from_to
                    .replace("{from}", &date(words, c.from))
                    .replace("{to}", &date(words, c.to)),
                &c.note,
            ),
            Upcoming::Special(d) => (
                format!("{}: {}", date(words, d.date), day(words, &d.ranges)),
                &d.note,
            ),
        };
        text.push('\n');
        text.push_str(&line);
        if let Some(note) = note {
            text.push_str(&format!(" ({note})"));
        }
    }
    text
}

/// One line per run of days with the same hours, e.g.
/// "Mon–Fri: 09:00–13:00, 15:00–19:00\nSat: 10:00–14:00\nSun: closed".
pub fn week(words: &Words, hours: &OpeningHours) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut first = 0;
    while first < 7 {
        let mut last = first;
        while last + 1 < 7 && hours.days[last + 1] == hours.days[first] {
            last += 1;
        }
        let days = if first == last {
            words.days_short[first].clone()
        } else {
            format!("{}–{}", words.days_short[first], words.days_short[last])
        };
        lines.push(format!("{days}: {}", day(words, &hours.days[first])));
        first = last + 1;
    }
    lines.join("\n")
}

fn day(words: &Words, ranges: &[TimeRange]) -> String {
    let all_day = TimeRange {
        start: TimeOfDay::MIDNIGHT,
        end: TimeOfDay::END_OF_DAY,
    };
    match ranges {
        [] => words.closed.clone(),
        [only] if *only == all_day => words.all_day.clone(),
        ranges => ranges
            .iter()
            .map(|r| format!("{}–{}", r.start, r.end))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

trait WeekdayIndex {
    fn weekday_index(&self) -> usize;
}

impl WeekdayIndex for chrono::NaiveDate {
    fn weekday_index(&self) -> usize {
        use chrono::Datelike;
        self.weekday().num_days_from_monday() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;
    use crate::bot::templates::Catalog;
    use serde_json::json;

    fn words(language: Language) -> &'static Words {
        &Catalog::get().language(language).words
    }

    #[test]
    fn next_opening_reads_today_tomorrow_or_a_weekday() {
        let hours = OpeningHours::from_json(&json!({"timezone": "Europe/Madrid"})).unwrap();
        // Friday 2024-06-07 20:00 in Madrid.
        let now: DateTime<Utc> = "2024-06-07T18:00:00Z".parse().unwrap();
        let cases = [
            ("2024-06-07T19:30:00Z", Language::En, "today at 21:30"),
            ("2024-06-08T07:00:00Z", Language::En, "tomorrow at 09:00"),
            ("2024-06-10T07:00:00Z", Language::En, "on Monday at 09:00"),
            ("2024-06-10T07:00:00Z", Language::Es, "el lunes a las 09:00"),
            ("2024-06-09T08:00:00Z", Language::Pt, "no domingo às 10:00"),
            ("2024-06-08T07:00:00Z", Language::Pt, "amanhã às 09:00"),
        ];
        for (at, language, expected) in cases {
            let at = at.parse().unwrap();
            assert_eq!(next_opening(words(language), &hours, now, at), expected);
        }
    }

    #[test]
    fn the_week_groups_days_with_the_same_hours() {
        let hours = OpeningHours::from_json(&json!({
            "timezone": "UTC",
            "mon": [["09:00", "13:00"], ["15:00", "19:00"]],
            "tue": [["09:00", "13:00"], ["15:00", "19:00"]],
            "wed": [["09:00", "13:00"], ["15:00", "19:00"]],
            "thu": [["09:00", "13:00"], ["15:00", "19:00"]],
            "fri": [["09:00", "13:00"], ["15:00", "19:00"]],
            "sat": [["22:00", "03:00"]],
        }))
        .unwrap();
        assert_eq!(
            week(words(Language::En), &hours),
            "Mon–Fri: 09:00–13:00, 15:00–19:00\nSat: 22:00–03:00\nSun: closed"
        );
        assert_eq!(
            week(words(Language::Es), &OpeningHours::always_open()),
            "Lun–Dom: abierto 24 horas"
        );
    }
}
