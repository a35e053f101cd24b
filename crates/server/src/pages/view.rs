//! Small formatting helpers shared by the pages: times and ages, status
//! badges, inline QR images, the owner-facing texts in each language.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use flowhq_domain::{Language, SessionState, TenantStatus, WorkerStatus};

/// Percent-encodes a query-string value.
pub fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// `2026-11-27 14:05 UTC`.
pub fn time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A time in the business's own zone: `2026-11-27 11:05`.
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// How long ago, briefly: `12 s ago`, `5 min ago`, `3 h ago`, `4 d ago`.
pub fn ago(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (now - at).num_seconds().max(0);
    match seconds {
        0..60 => format!("{seconds} s ago"),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86_400 => format!("{} h ago", seconds / 3600),
        _ => format!("{} d ago", seconds / 86_400),
    }
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
    if worker == WorkerStatus::Running {
        (label(state.as_str()), session_tone(state))
    } else {
        ("Not connected (worker not running)".to_owned(), "muted")
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

/// A status as people read it: `QR_PENDING` → `QR pending`.
pub fn label(raw: &str) -> String {
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
        "<svg role=\"img\" aria-label=\"QR code to link WhatsApp\"",
        1,
    ))
}

/// What the owner reads next to the QR code, in the bot's language.
pub struct QrTexts {
    pub title: &'static str,
    pub steps: [&'static str; 4],
    pub waiting: &'static str,
    pub expires: &'static str,
    /// Linking by phone number instead of scanning.
    pub pair_title: &'static str,
    pub pair_help: &'static str,
    pub pair_button: &'static str,
    pub pair_code: &'static str,
    pub pair_steps: &'static str,
    /// When the QR codes ran out.
    pub ran_out: &'static str,
    pub new_codes: &'static str,
    /// The copy button of the pairing code, and what it says once done.
    pub copy: &'static str,
    pub copied: &'static str,
    /// "{s}" is replaced by the seconds left before the code expires.
    pub expires_in: &'static str,
}

pub fn qr_texts(language: Language) -> QrTexts {
    match language {
        Language::En => QrTexts {
            title: "Link your WhatsApp",
            steps: [
                "Open WhatsApp on the phone with your business number.",
                "Tap Menu ⋮ (Android) or Settings (iPhone), then Linked devices.",
                "Tap Link a device.",
                "Point the phone at this screen to scan the code.",
            ],
            waiting: "Preparing your code… this takes a few seconds.",
            expires: "The code changes every few seconds; this page keeps it fresh.",
            pair_title: "Cannot scan? Link with your phone number",
            pair_help: "We show an 8-character code to type on your phone instead.",
            pair_button: "Get a code",
            pair_code: "Your code",
            pair_steps: "On the phone: Linked devices → Link a device → Link with phone number instead, then type this code.",
            ran_out: "The codes expired before one was used.",
            new_codes: "Get new codes",
            copy: "Copy the code",
            copied: "Copied",
            expires_in: "This code works for {s} more seconds.",
        },
        Language::Es => QrTexts {
            title: "Vincula tu WhatsApp",
            steps: [
                "Abre WhatsApp en el teléfono con el número de tu negocio.",
                "Toca Menú ⋮ (Android) o Ajustes (iPhone) y luego Dispositivos vinculados.",
                "Toca Vincular un dispositivo.",
                "Apunta el teléfono a esta pantalla para escanear el código.",
            ],
            waiting: "Preparando tu código… tarda unos segundos.",
            expires: "El código cambia cada pocos segundos; esta página lo mantiene al día.",
            pair_title: "¿No puedes escanear? Vincula con tu número",
            pair_help: "Te mostramos un código de 8 caracteres para escribir en el teléfono.",
            pair_button: "Obtener un código",
            pair_code: "Tu código",
            pair_steps: "En el teléfono: Dispositivos vinculados → Vincular un dispositivo → Vincular con el número de teléfono, y escribe este código.",
            ran_out: "Los códigos caducaron antes de usarse.",
            new_codes: "Obtener códigos nuevos",
            copy: "Copiar el código",
            copied: "Copiado",
            expires_in: "Este código funciona {s} segundos más.",
        },
        Language::Pt => QrTexts {
            title: "Conecte o seu WhatsApp",
            steps: [
                "Abra o WhatsApp no celular com o número da sua empresa.",
                "Toque em Mais opções ⋮ (Android) ou Configurações (iPhone) e depois em Dispositivos conectados.",
                "Toque em Conectar um dispositivo.",
                "Aponte o celular para esta tela para escanear o código.",
            ],
            waiting: "Preparando o seu código… leva alguns segundos.",
            expires: "O código muda a cada poucos segundos; esta página o mantém atualizado.",
            pair_title: "Não consegue escanear? Conecte com o seu número",
            pair_help: "Mostramos um código de 8 caracteres para digitar no celular.",
            pair_button: "Receber um código",
            pair_code: "Seu código",
            pair_steps: "No celular: Dispositivos conectados → Conectar um dispositivo → Conectar com número de telefone, e digite este código.",
            ran_out: "Os códigos expiraram antes de serem usados.",
            new_codes: "Receber novos códigos",
            copy: "Copiar o código",
            copied: "Copiado",
            expires_in: "Este código funciona por mais {s} segundos.",
        },
    }
}

/// Every IANA time zone, for the time-zone picker.
pub fn timezones() -> impl Iterator<Item = &'static str> {
    chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
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
