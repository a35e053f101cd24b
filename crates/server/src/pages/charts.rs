//! Charts as inline SVG, drawn on the server (charts-rs): the pages stay
//! free of chart scripts, and a chart is as current as the page.

use charts_rs::{BarChart, HorizontalBarChart, Series};
use chrono::DateTime;
use flowhq_domain::Language;
use flowhq_store::daily::DayTotals;

/// Messages received and sent per day, as an `<svg>` element with a text
/// alternative for screen readers, in the page's language (`received` and
/// `sent` name the two series). Only numbers and dates reach the chart.
pub fn messages_per_day(days: &[DayTotals], received: &str, sent: &str) -> String {
    let tr = crate::i18n::current();
    // The day under each bar: `12-05` in English (its dates are ISO-like
    // on these pages), `05/12` in Spanish and Portuguese.
    let day_format = match tr.language() {
        Language::En => "%m-%d",
        Language::Es | Language::Pt => "%d/%m",
    };
    let labels: Vec<String> = days
        .iter()
        .map(|d| {
            DateTime::from_timestamp_millis(d.day_start_ms)
                .map(|at| at.format(day_format).to_string())
                .unwrap_or_default()
        })
        .collect();
    let series = |name: &str, values: Vec<f32>| Series::new(name.to_owned(), values);
    let mut chart = BarChart::new(
        vec![
            series(received, days.iter().map(|d| d.inbound as f32).collect()),
            series(sent, days.iter().map(|d| d.outbound as f32).collect()),
        ],
        labels,
    );
    chart.width = 720.0;
    chart.height = 260.0;
    let svg = chart.svg().unwrap_or_default();
    let total_in: i64 = days.iter().map(|d| d.inbound).sum();
    let total_out: i64 = days.iter().map(|d| d.outbound).sum();
    let description = format!(
        "{received}: {}, {sent}: {}, {}",
        tr.number(total_in),
        tr.number(total_out),
        tr.tn("app-chart-days", days.len())
    );
    with_description(&svg, &description)
}

/// How many of something there are in each state (tenants by status), as
/// horizontal bars: the states' names are long. `what` names the counted
/// things, for the series and the text alternative.
pub fn counts(counts: &[(String, i64)], what: &str) -> String {
    let tr = crate::i18n::current();
    // The chart draws its first bar at the bottom: reversed, the bars read
    // top-down in the order given.
    let labels: Vec<String> = counts
        .iter()
        .rev()
        .map(|(label, _)| label.clone())
        .collect();
    let values: Vec<f32> = counts.iter().rev().map(|(_, n)| *n as f32).collect();
    let mut series = Series::new(what.to_owned(), values);
    series.label_show = true;
    let mut chart = HorizontalBarChart::new(vec![series], labels);
    // Half a page wide: it sits in one of two columns.
    chart.width = 480.0;
    chart.height = 60.0 + 34.0 * counts.len() as f32;
    let svg = chart.svg().unwrap_or_default();
    let description: Vec<String> = counts
        .iter()
        .map(|(label, n)| format!("{label}: {}", tr.number(*n)))
        .collect();
    with_description(&svg, &format!("{what}: {}", description.join(", ")))
}

/// `svg` marked as one image whose text alternative is `description`.
fn with_description(svg: &str, description: &str) -> String {
    svg.replacen(
        "<svg",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMinYMin meet\"",
            html_escape(description)
        ),
        1,
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_one_svg_that_says_what_it_shows() {
        let days = [
            DayTotals {
                day_start_ms: 1_764_892_800_000,
                inbound: 3,
                outbound: 2,
                ..DayTotals::default()
            },
            DayTotals {
                day_start_ms: 1_764_979_200_000,
                ..DayTotals::default()
            },
        ];
        let svg = messages_per_day(&days, "Received", "Sent");
        assert!(svg.starts_with("<svg role=\"img\""), "{svg}");
        assert!(svg.contains("aria-label=\"Received: 3, Sent: 2, over 2 days\""));
        assert_eq!(svg.matches("<svg").count(), 1);
    }
}
