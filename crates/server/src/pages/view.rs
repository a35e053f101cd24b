//! Small formatting helpers shared by the pages: times and ages, status
//! badges, inline QR images, the owner-facing texts in each language.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use flowhq_domain::{Language, SessionState, TenantStatus, WorkerStatus};

use crate::i18n::{self, Tr};

/// Percent-encodes a query-string value.
pub fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `2026-11-27 14:05 UTC` (in the page's language's date order).
pub fn time(at: DateTime<Utc>) -> String {
    i18n::current().utc_time(at)
}

/// A time in the business's own zone: `2026-11-27 11:05`, `27/11/2026 11:05`.
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    i18n::current().date_time(at, tz)
}

/// How long ago, briefly, in the page's language: `12 s ago`, `5 min
/// ago`, `há 3 h`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    i18n::current().ago(at, now)
}

/// A language by its own name, as people choose it.
pub fn language_name(language: Language) -> &'static str {
    match language {
        Language::En => "English",
        Language::Es => "Español",
        Language::Pt => "Português",
    }
}

/// The CSS modifier of a tenant status badge.
pub fn tenant_tone(status: TenantStatus) -> &'static str {
    match status {
        TenantStatus::Active => "ok",
        TenantStatus::New | TenantStatus::Approved => "neutral",
        TenantStatus::Pending | TenantStatus::QrPending => "wait",
        TenantStatus::Paused => "muted",
        TenantStatus::Error => "bad",
    }
}

pub fn worker_tone(status: WorkerStatus) -> &'static str {
    match status {
        WorkerStatus::Running => "ok",
        WorkerStatus::Starting | WorkerStatus::Stopping => "wait",
        WorkerStatus::Stopped => "muted",
        WorkerStatus::Error => "bad",
    }
}

/// The WhatsApp session as the console shows it: what the worker last
/// reported while it runs; without a running worker nobody holds the
/// session, whatever was reported last ("Connected" in green beside a
/// crashed worker would be a lie).
pub fn session_shown(state: SessionState, worker: WorkerStatus) -> (String, &'static str) {
    let tr = i18n::current();
    if worker == WorkerStatus::Running {
        (
            tr.state("session-state", state.as_str()),
            session_tone(state),
        )
    } else {
        (tr.t("session-not-running"), "muted")
    }
}

pub fn session_tone(state: SessionState) -> &'static str {
    match state {
        SessionState::Connected => "ok",
        SessionState::Connecting | SessionState::QrReady => "wait",
        SessionState::Disconnected => "muted",
        SessionState::LoggedOut => "bad",
    }
}

/// The kinds of stored states that have names in the message files, in
/// the order a bare state is looked up (see [`label`]).
const STATE_KINDS: [&str; 6] = [
    "tenant-status",
    "worker-status",
    "session-state",
    "template-type",
    "setup-request-status",
    "decision",
];

/// The message ids of the states, looked up once.
static STATE_KEYS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    i18n::all_keys(Language::En)
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| STATE_KINDS.iter().any(|kind| key.starts_with(kind)))
        .collect()
});

/// A status as people read it: `QR_PENDING` → `QR pending` in English (as
/// the console always said it); in another language the state's name
/// from the message files when it has one (the first kind that names it),
/// else the English words.
pub fn label(raw: &str) -> String {
    let tr = i18n::current();
    if tr.language() != Language::En {
        let named = STATE_KINDS
            .iter()
            .map(|kind| i18n::state_key(kind, raw))
            .find(|key| STATE_KEYS.contains(key));
        if let Some(key) = named {
            return tr.t(&key);
        }
    }
    english_label(raw)
}

fn english_label(raw: &str) -> String {
    let lower = raw.replace('_', " ").to_lowercase();
    let mut chars = lower.chars();
    let mut out: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    out.extend(chars);
    out.replace("Qr ", "QR ")
}

/// A QR code as an inline `<svg>` element (no XML prolog), or `None` when
/// the code cannot be encoded. Made here from the code's text, so it holds
/// no input from anyone else.
pub fn qr_svg(code: &str) -> Option<String> {
    let svg = crate::api::admin::qr::render_svg(code).ok()?;
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen(
        "<svg",
        &format!(
            "<svg role=\"img\" aria-label=\"{}\"",
            i18n::current().t("app-qr-image")
        ),
        1,
    ))
}

/// What the owner reads next to the QR code, in the page's language.
pub struct QrTexts {
    pub title: String,
    pub steps: [String; 4],
    pub waiting: String,
    pub expires: String,
    /// Linking by phone number instead of scanning.
    pub pair_title: String,
    pub pair_help: String,
    pub pair_button: String,
    pub pair_code: String,
    pub pair_steps: String,
    /// When the QR codes ran out.
    pub ran_out: String,
    pub new_codes: String,
    /// The copy button of the pairing code, and what it says once done.
    pub copy: String,
    pub copied: String,
    /// "{s}" is replaced by the seconds left before the code expires.
    pub expires_in: String,
}

pub fn qr_texts(tr: Tr) -> QrTexts {
    QrTexts {
        title: tr.t("app-qr-title"),
        steps: [
            tr.t("app-qr-step-open"),
            tr.t("app-qr-step-menu"),
            tr.t("app-qr-step-link"),
            tr.t("app-qr-step-scan"),
        ],
        waiting: tr.t("app-qr-waiting"),
        expires: tr.t("app-qr-expires"),
        pair_title: tr.t("app-qr-pair-title"),
        pair_help: tr.t("app-qr-pair-help"),
        pair_button: tr.t("app-qr-pair-button"),
        pair_code: tr.t("app-qr-pair-code"),
        pair_steps: tr.t("app-qr-pair-steps"),
        ran_out: tr.t("app-qr-ran-out"),
        new_codes: tr.t("app-qr-new-codes"),
        copy: tr.t("app-qr-copy"),
        copied: tr.t("app-qr-copied"),
        // The script puts the seconds where the message has `{s}`.
        expires_in: tr.t1("app-qr-expires-in", "seconds", "{s}"),
    }
}

/// Up to `max` last lines of a text file's tail, or `None` when there is
/// no such file. Reads at most the last 64 KiB.
pub fn tail_lines(path: &std::path::Path, max: usize) -> Option<Vec<String>> {
    use std::io::{Read, Seek, SeekFrom};
    const WINDOW: u64 = 64 * 1024;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let start = len.saturating_sub(WINDOW);
    file.seek(SeekFrom::Start(start)).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines: Vec<&str> = text.lines().collect();
    if start > 0 && !lines.is_empty() {
        // The first line was cut by the window.
        lines.remove(0);
    }
    let from = lines.len().saturating_sub(max);
    Some(lines[from..].iter().map(|l| (*l).to_owned()).collect())
}

#[cfg(test)]
mod tests {

    #[test]
    fn the_session_shown_follows_the_worker() {
        let shown = super::session_shown(SessionState::Connected, WorkerStatus::Running);
        assert_eq!(shown, ("Connected".to_owned(), "ok"));
        for worker in [
            WorkerStatus::Error,
            WorkerStatus::Stopped,
            WorkerStatus::Starting,
        ] {
            let (text, tone) = super::session_shown(SessionState::Connected, worker);
            assert!(text.starts_with("Not connected"), "{worker:?}");
            assert_eq!(tone, "muted");
        }
    }

    use super::*;

    #[test]
    fn labels_read_like_words() {
        assert_eq!(label("QR_PENDING"), "QR pending");
        assert_eq!(label("ACTIVE"), "Active");
        assert_eq!(label("LOGGED_OUT"), "Logged out");
    }

    #[test]
    fn ages_are_brief() {
        let now = Utc::now();
        assert_eq!(ago(now - chrono::Duration::seconds(5), now), "5 s ago");
        assert_eq!(ago(now - chrono::Duration::minutes(5), now), "5 min ago");
        assert_eq!(ago(now - chrono::Duration::hours(5), now), "5 h ago");
        assert_eq!(ago(now + chrono::Duration::seconds(5), now), "0 s ago");
    }

    #[test]
    fn the_qr_texts_are_in_each_language() {
        let pt = qr_texts(Tr::new(Language::Pt));
        assert_eq!(pt.title, "Conecte o seu WhatsApp");
        assert!(pt.expires_in.contains("{s}"), "{}", pt.expires_in);
        let es = qr_texts(Tr::new(Language::Es));
        assert_eq!(es.copied, "Copiado");
    }

    #[test]
    fn qr_codes_inline_as_svg_elements() {
        let svg = qr_svg("2@simabc").unwrap();
        assert!(svg.starts_with("<svg role=\"img\""));
        assert!(!svg.contains("<?xml"));
    }

    #[test]
    fn log_tails_keep_the_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.log");
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&path, text).unwrap();
        let lines = tail_lines(&path, 3).unwrap();
        assert_eq!(lines, ["line 97", "line 98", "line 99"]);
        assert!(tail_lines(&dir.path().join("missing.log"), 3).is_none());
    }
}
