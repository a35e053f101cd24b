//! Opening hours and times in words, in the business's language and time
//! zone: what fills `{hours}` and `{next_opening}`.

use chrono::{DateTime, Utc};

use crate::hours::{OpeningHours, TimeOfDay, TimeRange};

use super::templates::Words;

/// "tomorrow at 09:00", "el lunes a las 09:00": when `opening` is, seen from
/// `now`, both read on the business's clock.
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
    match days_ahead {
        0 => words.today.replace("{time}", &time),
        1 => words.tomorrow.replace("{time}", &time),
        _ => words
            .later
            .replace("{weekday}", weekday)
            .replace("{time}", &time),
    }
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
