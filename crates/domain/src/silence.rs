//! The silent session: a business whose customers usually write every so
//! often during opening hours, and from whom nothing has come in for much
//! longer. The usual gap is the business's own: a high percentile of the
//! gaps between its customers' messages over the last weeks, counted in
//! opening time only, so that nights and closed days are not silence.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, NaiveDate, TimeZone, Utc};

use crate::hours::OpeningHours;

/// How far back the baseline looks.
pub const HISTORY_DAYS: i64 = 28;
/// Fewer gaps than this say nothing about a business's rhythm: no alert.
pub const MIN_GAPS: usize = 20;
/// The gap most of a business's gaps stay under.
const PERCENTILE: f64 = 0.9;

/// How long the business was open between `from` and `to`.
pub fn open_time(hours: &OpeningHours, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
    if to <= from {
        return Duration::ZERO;
    }
    let zone = hours.timezone;
    // The day before `from` too: its range may run past midnight.
    let first = from.with_timezone(&zone).date_naive() - Span::days(1);
    let last = to.with_timezone(&zone).date_naive();
    let mut open = Span::zero();
    let mut date = first;
    while date <= last {
        for range in hours.ranges_on(date) {
            let start = local(hours, date, i64::from(range.start.minutes()));
            let mut end_minutes = i64::from(range.end.minutes());
            if range.crosses_midnight() {
                end_minutes += 24 * 60;
            }
            let end = local(hours, date, end_minutes);
            let (Some(start), Some(end)) = (start, end) else {
                continue;
            };
            let (start, end) = (start.max(from), end.min(to));
            if end > start {
                open += end - start;
            }
        }
        date += Span::days(1);
    }
    open.to_std().unwrap_or_default()
}

/// `minutes` after local midnight of `date`, as an instant; a time a DST
/// change skipped moves to the first that exists.
fn local(hours: &OpeningHours, date: NaiveDate, minutes: i64) -> Option<DateTime<Utc>> {
    let at = date.and_time(chrono::NaiveTime::MIN) + Span::minutes(minutes);
    (0..=2).find_map(|hour| {
        hours
            .timezone
            .from_local_datetime(&(at + Span::hours(hour)))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The business's usual gap: the 90th percentile of the open time between
/// consecutive customer messages (`times` in order); `None` with too
/// little history.
pub fn usual_gap(hours: &OpeningHours, times: &[DateTime<Utc>]) -> Option<Duration> {
    let mut gaps: Vec<Duration> = times
        .windows(2)
        .map(|pair| open_time(hours, pair[0], pair[1]))
        .filter(|gap| !gap.is_zero())
        .collect();
    if gaps.len() < MIN_GAPS {
        return None;
    }
    gaps.sort();
    let index = ((gaps.len() as f64 - 1.0) * PERCENTILE).round() as usize;
    Some(gaps[index])
}

/// How long the silence may last: the usual gap times `factor`, and never
/// less than `minimum`.
pub fn threshold(usual: Duration, minimum: Duration, factor: f64) -> Duration {
    usual.mul_f64(factor.max(1.0)).max(minimum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hours::{TimeOfDay, TimeRange};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// Open 09:00–18:00 every day in São Paulo (UTC-3).
    fn nine_to_six() -> OpeningHours {
        let range = TimeRange::new(
            TimeOfDay::from_minutes(9 * 60).unwrap(),
            TimeOfDay::from_minutes(18 * 60).unwrap(),
        )
        .unwrap();
        OpeningHours {
            timezone: chrono_tz::America::Sao_Paulo,
            days: std::array::from_fn(|_| vec![range]),
            dates: Default::default(),
        }
    }

    #[test]
    fn only_opening_time_counts() {
        let hours = nine_to_six();
        // 17:00 local to 10:00 the next day: one hour before closing, one after opening.
        let gap = open_time(
            &hours,
            at("2026-12-07T20:00:00Z"),
            at("2026-12-08T13:00:00Z"),
        );
        assert_eq!(gap, Duration::from_secs(2 * 3600));
        assert_eq!(
            open_time(
                &hours,
                at("2026-12-08T13:00:00Z"),
                at("2026-12-07T20:00:00Z")
            ),
            Duration::ZERO
        );
        let always = OpeningHours::always_open();
        assert_eq!(
            open_time(
                &always,
                at("2026-12-07T00:00:00Z"),
                at("2026-12-09T00:00:00Z")
            ),
            Duration::from_secs(48 * 3600)
        );
    }

    #[test]
    fn a_night_range_counts_past_midnight() {
        let mut hours = nine_to_six();
        let night = TimeRange::new(
            TimeOfDay::from_minutes(22 * 60).unwrap(),
            TimeOfDay::from_minutes(2 * 60).unwrap(),
        )
        .unwrap();
        hours.days = std::array::from_fn(|_| vec![night]);
        // 23:00 to 01:00 local.
        let gap = open_time(
            &hours,
            at("2026-12-08T02:00:00Z"),
            at("2026-12-08T04:00:00Z"),
        );
        assert_eq!(gap, Duration::from_secs(2 * 3600));
    }

    #[test]
    fn the_usual_gap_needs_history_and_is_a_high_percentile() {
        let hours = OpeningHours::always_open();
        let start = at("2026-12-01T00:00:00Z");
        // A message every ten minutes, one gap of two hours.
        let mut times: Vec<_> = (0..30).map(|i| start + Span::minutes(10 * i)).collect();
        times.push(*times.last().unwrap() + Span::hours(2));
        assert_eq!(usual_gap(&hours, &times), Some(Duration::from_secs(600)));
        assert_eq!(usual_gap(&hours, &times[..10]), None);
        let usual = Duration::from_secs(600);
        assert_eq!(
            threshold(usual, Duration::from_secs(7200), 2.0),
            Duration::from_secs(7200)
        );
        assert_eq!(
            threshold(
                Duration::from_secs(3 * 3600),
                Duration::from_secs(7200),
                2.0
            ),
            Duration::from_secs(6 * 3600)
        );
    }
}
