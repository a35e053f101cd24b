//! What a business's assistant did over the last days, as the owner's
//! `/app` and the operator's tenant page show it: figures and a chart of
//! messages per day, from the daily roll-up (see `flowhq_store::daily`).

use chrono::Utc;
use flowhq_domain::TenantId;

use crate::error::AppError;
use crate::state::AppState;

/// Who reads the figures: the owner ("came while you were closed") or an
/// operator ("came while closed").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reader {
    Owner,
    Operator,
}

/// The figures' names, in the page's language and the reader's voice.
pub struct Labels {
    pub received: String,
    pub answered: String,
    pub after_hours: String,
    pub handoffs: String,
}

impl Labels {
    fn for_reader(tr: crate::i18n::Tr, reader: Reader) -> Self {
        match reader {
            Reader::Owner => Self {
                received: tr.t("app-status-received"),
                answered: tr.t("app-status-answered"),
                after_hours: tr.t("app-status-after-hours"),
                handoffs: tr.t("app-status-handoffs"),
            },
            Reader::Operator => Self {
                received: tr.t("console-activity-received"),
                answered: tr.t("console-activity-answered"),
                after_hours: tr.t("console-activity-after-hours"),
                handoffs: tr.t("console-activity-handoffs"),
            },
        }
    }
}

/// A business's last days at a glance.
pub struct Activity {
    pub labels: Labels,
    pub received: i64,
    pub answered: i64,
    /// The share of messages that came while closed, in percent.
    pub after_hours: i64,
    pub handoffs: i64,
    /// The median wait for the first reply to a message, in words
    /// (`2 s`, `4 min`); `None` without replies.
    pub first_reply: Option<String>,
    /// The menu items customers chose most, with how often (three at
    /// most), by their labels in today's menu.
    pub top_items: Vec<(String, i64)>,
    /// Messages per day, an inline `<svg>`.
    pub chart: String,
}

/// How many of the most chosen menu items a page shows.
const TOP_ITEMS: usize = 3;

/// `tenant`'s last `days` days (today included), in the page's language,
/// for `reader`.
pub async fn of(
    state: &AppState,
    tenant: TenantId,
    days: i64,
    reader: Reader,
) -> Result<Activity, AppError> {
    let tr = crate::i18n::current();
    let now = Utc::now();
    let since = now - chrono::Duration::days(days - 1);
    let (per_day, first_reply, choices, config) = tokio::try_join!(
        state.store.daily_totals(Some(tenant), since, now),
        state.store.median_first_reply(tenant, since),
        state.store.menu_choices(tenant, since, now),
        state.store.tenant_config(tenant),
    )?;
    // Items are counted by their number: named by today's menu (an item
    // moved since keeps its count under its new name).
    let bot = flowhq_domain::bot::BotConfig::from_tenant_config(&config).ok();
    let top_items = choices
        .into_iter()
        .take(TOP_ITEMS)
        .map(|(item, n)| {
            let label = bot
                .as_ref()
                .and_then(|b| b.item_label(usize::from(item)))
                .map_or_else(|| format!("{item}"), |l| format!("{item}. {l}"));
            (label, n)
        })
        .collect();
    let sum = |f: fn(&flowhq_store::daily::DayTotals) -> i64| per_day.iter().map(f).sum::<i64>();
    let received = sum(|d| d.inbound);
    let after_hours = sum(|d| d.after_hours);
    Ok(Activity {
        labels: Labels::for_reader(tr, reader),
        received,
        answered: sum(|d| d.answered),
        after_hours: if received > 0 {
            after_hours * 100 / received
        } else {
            0
        },
        handoffs: sum(|d| d.handoffs),
        first_reply: first_reply.map(|wait| wait_in_words(tr, wait)),
        top_items,
        chart: crate::pages::charts::messages_per_day(
            &per_day,
            &tr.t("app-chart-received"),
            &tr.t("app-chart-sent"),
        ),
    })
}

/// A wait as people say it: seconds under two minutes, then minutes, then
/// hours.
fn wait_in_words(tr: crate::i18n::Tr, wait: std::time::Duration) -> String {
    let seconds = wait.as_secs();
    match seconds {
        0..120 => tr.t1("activity-wait-seconds", "n", seconds.max(1)),
        120..7200 => tr.t1("activity-wait-minutes", "n", seconds / 60),
        _ => tr.t1("activity-wait-hours", "n", seconds / 3600),
    }
}
