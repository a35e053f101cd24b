//! The weekly digest an owner gets on Monday morning: what the assistant
//! did in the business's last week. Which week is due, and the figures'
//! arithmetic; the store counts and the server mails.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The local hour on Monday from which last week's digest goes out.
pub const SEND_FROM_HOUR: u32 = 8;

/// A business's week, Monday 00:00 to the next Monday 00:00 in its zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Week {
    /// ISO week-numbering year and week of the Monday.
    pub year: i32,
    pub number: u32,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Week {
    /// `2026-W49`: part of the once-per-week key.
    pub fn label(&self) -> String {
        format!("{}-W{:02}", self.year, self.number)
    }
}

/// The week whose digest is due at `now` in `zone`: the last whole week
/// whose following Monday 08:00 (local) has passed. The same week stays
/// due all week, so a server that was down on Monday still sends it; the
/// caller sends each week once. `None` only where the zone has no such
/// local time.
pub fn due_week(now: DateTime<Utc>, zone: Tz) -> Option<Week> {
    let local = now.with_timezone(&zone);
    let days_since_monday = i64::from(local.weekday().num_days_from_monday());
    let mut this_monday = local.date_naive() - Duration::days(days_since_monday);
    let send_from = midnight(zone, this_monday)? + Duration::hours(i64::from(SEND_FROM_HOUR));
    if now < send_from {
        // Monday before eight: the week before last is still the one due.
        this_monday -= Duration::days(7);
    }
    let last_monday = this_monday - Duration::days(7);
    let iso = last_monday.iso_week();
    Some(Week {
        year: iso.year(),
        number: iso.week(),
        from: midnight(zone, last_monday)?,
        to: midnight(zone, this_monday)?,
    })
}

/// The first instant of `date` in `zone` (a DST gap at midnight moves it
/// to the first minute that exists).
fn midnight(zone: Tz, date: chrono::NaiveDate) -> Option<DateTime<Utc>> {
    debug_assert_eq!(date.weekday(), Weekday::Mon);
    (0..=120).step_by(30).find_map(|minutes| {
        let at = date.and_time(NaiveTime::MIN) + Duration::minutes(minutes);
        zone.from_local_datetime(&at)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// What the store counted for a week.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Customers' messages.
    pub received: i64,
    /// Messages the business sent (the assistant's replies, sends).
    pub sent: i64,
    /// Customers' messages that arrived while the business was closed
    /// (answered with the away message, or already told).
    pub after_hours: i64,
    /// Customers who asked for a person.
    pub handoffs: i64,
    /// The most frequent questions the assistant answered, with how often.
    pub top_questions: Vec<(String, i64)>,
}

impl Figures {
    /// The share of messages that came in after hours, in whole percent.
    pub fn after_hours_percent(&self) -> i64 {
        if self.received == 0 {
            0
        } else {
            (self.after_hours * 100 + self.received / 2) / self.received
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn last_week_is_due_from_monday_eight_in_the_business_zone() {
        let sp = chrono_tz::America::Sao_Paulo; // UTC-3
        // Monday 2026-12-07 07:59 in São Paulo: still the week before.
        assert_eq!(
            due_week(at("2026-12-07T10:59:00Z"), sp).unwrap().label(),
            "2026-W48"
        );
        let week = due_week(at("2026-12-07T11:00:00Z"), sp).unwrap();
        assert_eq!(week.label(), "2026-W49");
        assert_eq!(week.from, at("2026-11-30T03:00:00Z"));
        assert_eq!(week.to, at("2026-12-07T03:00:00Z"));
        // Later in the week the same week is due (a server that was down
        // on Monday still sends it), until next Monday 08:00.
        assert_eq!(due_week(at("2026-12-10T12:00:00Z"), sp), Some(week));
        assert_eq!(due_week(at("2026-12-14T10:00:00Z"), sp), Some(week));
        assert_eq!(
            due_week(at("2026-12-14T11:00:00Z"), sp).unwrap().label(),
            "2026-W50"
        );
    }

    #[test]
    fn the_iso_year_of_a_week_across_new_year_is_its_mondays() {
        let week = due_week(at("2027-01-04T09:00:00Z"), Tz::UTC).unwrap();
        assert_eq!(week.label(), "2026-W53");
    }

    #[test]
    fn the_after_hours_share_rounds_and_survives_a_quiet_week() {
        let figures = Figures {
            received: 3,
            after_hours: 1,
            ..Figures::default()
        };
        assert_eq!(figures.after_hours_percent(), 33);
        assert_eq!(Figures::default().after_hours_percent(), 0);
    }
}
