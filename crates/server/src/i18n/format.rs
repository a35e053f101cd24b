//! Numbers, dates and times as each language writes them. Fluent's Rust
//! implementation has no number or date formatting of its own (its
//! `NUMBER()` does not group digits), and our three languages need only
//! two separators and two date orders, so they are written out here.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use flowhq_domain::Language;

use super::Tr;

/// `12,345` in English, `12.345` in Spanish and Portuguese.
pub fn number(language: Language, n: i64) -> String {
    let separator = match language {
        Language::En => ',',
        Language::Es | Language::Pt => '.',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

impl Tr {
    /// A day and time in a zone: `2026-11-27 14:05` in English (as the
    /// console always showed them), `27/11/2026 14:05` in Spanish and
    /// Portuguese.
    pub fn date_time(&self, at: DateTime<Utc>, tz: Tz) -> String {
        let local = at.with_timezone(&tz);
        match self.language() {
            Language::En => local.format("%Y-%m-%d %H:%M").to_string(),
            Language::Es | Language::Pt => local.format("%d/%m/%Y %H:%M").to_string(),
        }
    }

    /// A day: `2026-11-27` / `27/11/2026`.
    pub fn date(&self, day: chrono::NaiveDate) -> String {
        match self.language() {
            Language::En => day.format("%Y-%m-%d").to_string(),
            Language::Es | Language::Pt => day.format("%d/%m/%Y").to_string(),
        }
    }

    /// A time in UTC, saying so: `2026-11-27 14:05 UTC`.
    pub fn utc_time(&self, at: DateTime<Utc>) -> String {
        format!("{} UTC", self.date_time(at, Tz::UTC))
    }

    /// How long ago, briefly: `5 min ago`, `hace 5 min`, `há 5 min`.
    pub fn ago(&self, at: DateTime<Utc>, now: DateTime<Utc>) -> String {
        let seconds = (now - at).num_seconds().max(0);
        let (key, amount) = match seconds {
            0..60 => ("ago-seconds", seconds),
            60..3600 => ("ago-minutes", seconds / 60),
            3600..86_400 => ("ago-hours", seconds / 3600),
            _ => ("ago-days", seconds / 86_400),
        };
        self.tn(key, amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_the_languages_way() {
        assert_eq!(number(Language::En, 0), "0");
        assert_eq!(number(Language::En, 999), "999");
        assert_eq!(number(Language::En, 1000), "1,000");
        assert_eq!(number(Language::Pt, 1_234_567), "1.234.567");
        assert_eq!(number(Language::Es, -12_345), "-12.345");
    }
}
