//! The pages in a real browser: headless Chromium driven over WebDriver
//! (chromedriver), against a control plane with real worker processes on the
//! simulated WhatsApp network.
//!
//! A Brazilian owner (a `pt-BR` browser) signs up and sends the setup form,
//! every page in Portuguese; an admin (an `en-US` browser) logs in and
//! approves in English; the owner's page shows the QR code; the simulator
//! scans it; the owner's page turns ACTIVE without a reload; the admin
//! pauses and resumes.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs
//! them). Without chromedriver the test is skipped, except under CI (`CI`
//! set), where it fails. With `FLOWHQ_SCREENSHOTS_DIR` set it saves a
//! screenshot of each page there (`docs/screenshots/` in the README).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::{ChannelKind, Settings};
use flowhq_store::Backend;
use flowhq_store::testing::TestDb;
use serde_json::{Value, json};

const ADMIN_TOKEN: &str = "browser-admin-token-0123456789";
const ADMIN_EMAIL: &str = "root@example.com";
const ADMIN_PASSWORD: &str = "root-password-123";
const OWNER_EMAIL: &str = "ana@padaria.example";
const WAIT: Duration = Duration::from_secs(30);

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// chromedriver, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver(path: &std::path::Path) -> Driver {
    let port = free_port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting chromedriver");
    let driver = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    driver
}

/// A Chromium whose language (and `Accept-Language`) is `lang`.
async fn browser(driver: &Driver, profile: &std::path::Path, lang: &str) -> Client {
    let profile = format!("--user-data-dir={}", profile.display());
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,900",
    ];
    let lang_arg = format!("--lang={lang}");
    args.push(&lang_arg);
    // A profile of its own, in a temporary directory, per browser.
    args.push(&profile);
    let mut options = json!({
        "args": args,
        "prefs": { "intl": { "accept_languages": lang } },
    });
    if let Some(chromium) = find_on_path("chromium") {
        options["binary"] = json!(chromium);
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

struct Shots(Option<PathBuf>);

impl Shots {
    async fn take(&self, client: &Client, name: &str) {
        let Some(dir) = &self.0 else { return };
        std::fs::create_dir_all(dir).unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

async fn fill(client: &Client, css: &str, text: &str) {
    fresh(client, css, |field| async move {
        field.clear().await?;
        field.send_keys(text).await
    })
    .await;
}

async fn click(client: &Client, css: &str) {
    fresh(client, css, |element| async move { element.click().await }).await;
}

/// Finds `css` and acts on it, finding it again when the page replaced
/// the element in between (a form re-rendered by a live update): a stale
/// reference is the page moving on, not the test failing.
async fn fresh<F, Fut>(client: &Client, css: &str, act: F)
where
    F: Fn(fantoccini::elements::Element) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        let element = client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match act(element).await {
            Ok(()) => return,
            Err(e) if e.is_stale_element_reference() && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

async fn path_of(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    url.path().to_owned()
}

/// Clicks a form's submit button and waits for the browser to land on
/// `expected`; on a timeout, fails with the page's text.
async fn submit(client: &Client, css: &str, expected: &str) {
    click(client, css).await;
    let deadline = Instant::now() + WAIT;
    while path_of(client).await != expected {
        if Instant::now() >= deadline {
            let text = client
                .execute("return document.body.innerText;", vec![])
                .await
                .unwrap_or_default();
            panic!("expected to land on {expected} after {css}; the page says: {text}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The owner's texts: Portuguese, from the same message files the pages
/// use, each checked to differ from its English (so that a page still in
/// English fails).
fn pt(key: &str) -> String {
    use flowhq_domain::Language;
    use flowhq_server::i18n::Tr;
    let text = Tr::new(Language::Pt).t(key);
    assert_ne!(
        text,
        Tr::new(Language::En).t(key),
        "{key} is not translated"
    );
    text
}

/// Waits until the page's text includes `text`.
async fn shows(client: &Client, what: &str, text: &str) {
    until(
        client,
        what,
        &format!("document.body.innerText.includes({})", json!(text)),
    )
    .await;
}

/// The page is in Portuguese: its `lang`, and none of the English words
/// that betray a text left untranslated.
async fn in_portuguese(client: &Client, page: &str) {
    let lang = client
        .execute("return document.documentElement.lang;", vec![])
        .await
        .unwrap();
    assert_eq!(lang, json!("pt-BR"), "{page}");
    let text = client
        .execute("return document.body.innerText.toLowerCase();", vec![])
        .await
        .unwrap();
    let text = text.as_str().unwrap_or_default();
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for english in [
        "the", "your", "you", "and", "with", "save", "settings", "password",
    ] {
        assert!(
            !words.contains(&english),
            "{page}: English {english:?} in {text}"
        );
    }
}

/// Waits until `script` (a JS expression) is true in the page.
async fn until(client: &Client, what: &str, script: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let value = client
            .execute(&format!("return !!({script});"), vec![])
            .await
            .unwrap_or(Value::Bool(false));
        if value == Value::Bool(true) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn onboarding_approval_qr_and_pause_in_a_real_browser() {
    let Some(chromedriver) = find_on_path("chromedriver") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromedriver is missing: install Debian's chromium and chromium-driver"
        );
        eprintln!("skipped: no chromedriver on PATH");
        return;
    };
    let shots = Shots(std::env::var_os("FLOWHQ_SCREENSHOTS_DIR").map(PathBuf::from));
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::with_data_dir(dir.path().join("data"));
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.admin_token = Some(Secret::new(ADMIN_TOKEN));
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(Secret::new(ADMIN_PASSWORD));
    settings.channel = ChannelKind::Simulator;
    settings.heartbeat_interval = Duration::from_millis(300);
    settings.stale_after = Duration::from_secs(5);
    settings.worker_exe = Some(PathBuf::from(env!("CARGO_BIN_EXE_flowhq")));
    settings.worker_stop_grace = Duration::from_secs(3);
    let app = Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let store = app.state().store.clone();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop_rx.await;
    }));

    let driver = start_driver(&chromedriver).await;
    let profiles = tempfile::tempdir().unwrap();
    let owner = browser(&driver, &profiles.path().join("owner"), "pt-BR").await;
    let admin = browser(&driver, &profiles.path().join("admin"), "en-US").await;

    // The owner signs up…
    owner.goto(&format!("{base}/login")).await.unwrap();
    in_portuguese(&owner, "/login").await;
    shots.take(&owner, "login-pt").await;
    owner.goto(&format!("{base}/signup")).await.unwrap();
    in_portuguese(&owner, "/signup").await;
    // Every refused field at once, in Portuguese.
    click(&owner, "form[action='/signup'] button[type=submit]").await;
    until(
        &owner,
        "the error summary with the focus",
        "document.activeElement && document.activeElement.matches('[data-error-summary]')",
    )
    .await;
    shows(&owner, "the summary", &pt("form-correct-fields")).await;
    in_portuguese(&owner, "the refused sign-up").await;
    shots.take(&owner, "signup-errors-pt").await;
    fill(&owner, "#name", "Ana Souza").await;
    fill(&owner, "#business_name", "Padaria Sol").await;
    fill(&owner, "#email", OWNER_EMAIL).await;
    // Typed the Brazilian way.
    fill(&owner, "#phone", "11 98765-4321").await;
    fill(&owner, "#password", "olive-harbour-42").await;
    shots.take(&owner, "signup-pt").await;
    submit(
        &owner,
        "form[action='/signup'] button[type=submit]",
        "/app/setup",
    )
    .await;

    // …and sends the setup form, which offers Portuguese and São Paulo's
    // time zone first.
    in_portuguese(&owner, "/app/setup").await;
    let chosen = owner
        .execute(
            "return [document.querySelector('#language').value, document.querySelector('#timezone').value];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chosen, json!(["PT", "America/Sao_Paulo"]));
    owner
        .find(Locator::Css("#template_type"))
        .await
        .unwrap()
        .select_by_value("RESTAURANT")
        .await
        .unwrap();
    fill(&owner, "#whatsapp_number", "11 98765-4321").await;
    shots.take(&owner, "portal-setup-pt").await;
    submit(
        &owner,
        "form[action='/app/setup'] button[type=submit]",
        "/app",
    )
    .await;
    shows(&owner, "the waiting step", &pt("app-status-pending-title")).await;
    in_portuguese(&owner, "/app (waiting)").await;
    shots.take(&owner, "portal-pending-pt").await;
    // A marker that a reload would lose.
    owner
        .execute("window.__noReload = 42;", vec![])
        .await
        .unwrap();

    // The admin logs in and approves.
    admin.goto(&format!("{base}/login")).await.unwrap();
    fill(&admin, "#email", ADMIN_EMAIL).await;
    fill(&admin, "#password", ADMIN_PASSWORD).await;
    submit(
        &admin,
        "form[action='/login'] button[type=submit]",
        "/admin",
    )
    .await;
    // The dashboard's charts: messages per day and tenants by status,
    // each one image with a text alternative.
    until(
        &admin,
        "the dashboard's two charts",
        "document.querySelectorAll('.chart svg[role=img][aria-label]').length === 2",
    )
    .await;
    shots.take(&admin, "admin-dashboard").await;
    admin
        .goto(&format!("{base}/admin/setup-requests"))
        .await
        .unwrap();
    shots.take(&admin, "admin-setup-requests").await;
    // Rejecting asks in a modal dialog, the focus inside; cancelled, it
    // changes nothing.
    click(&admin, "button.reject-open").await;
    until(
        &admin,
        "the reject dialog with the focus",
        "document.querySelector('dialog.dialog[open]') && \
         document.querySelector('dialog.dialog[open]').contains(document.activeElement)",
    )
    .await;
    shots.take(&admin, "admin-reject-dialog").await;
    click(&admin, "dialog.dialog[open] .actions button.secondary").await;
    until(
        &admin,
        "the dialog closed",
        "!document.querySelector('dialog.dialog[open]')",
    )
    .await;
    click(&admin, "form[action$='/approve'] button").await;
    until(
        &admin,
        "the approval notice",
        "document.body.innerText.includes('Its worker is starting.')",
    )
    .await;

    // The owner's page moves to the QR step by itself and shows the code.
    until(&owner, "the QR code", "document.querySelector('.qr svg')").await;
    let title = owner.find(Locator::Css("#qr-title")).await.unwrap();
    assert_eq!(title.text().await.unwrap(), pt("app-qr-title"));
    in_portuguese(&owner, "/app (QR)").await;
    shots.take(&owner, "portal-qr-pt").await;
    // On a phone the "link with phone number" option leads, open.
    let size = owner.get_window_size().await.unwrap();
    owner.set_window_size(390, 844).await.unwrap();
    owner.refresh().await.unwrap();
    until(
        &owner,
        "the pairing option first and open",
        "document.querySelector('details.pairing').open && \
         document.querySelector('details.pairing').getBoundingClientRect().top < \
         document.querySelector('.qr').getBoundingClientRect().top",
    )
    .await;
    shots.take(&owner, "portal-qr-phone-pt").await;
    owner
        .set_window_size(size.0 as u32, size.1 as u32)
        .await
        .unwrap();
    // The reload above was ours; from here the page must update by itself.
    owner
        .execute("window.__noReload = 42;", vec![])
        .await
        .unwrap();

    let tenant = store
        .user_by_email(&flowhq_domain::values::Email::parse(OWNER_EMAIL).unwrap())
        .await
        .unwrap()
        .unwrap()
        .tenant_id
        .unwrap();
    admin.goto(&format!("{base}/admin/tenants")).await.unwrap();
    until(
        &admin,
        "the business in the list",
        "document.body.innerText.includes('Padaria Sol')",
    )
    .await;
    shots.take(&admin, "admin-tenants").await;
    admin
        .goto(&format!("{base}/admin/tenants/{tenant}"))
        .await
        .unwrap();
    until(
        &admin,
        "the admin's QR code",
        "document.querySelector('.qr svg')",
    )
    .await;
    until(
        &admin,
        "the tenant's activity chart",
        "document.querySelector('#activity-h') && document.querySelector('.chart svg[role=img]')",
    )
    .await;
    shots.take(&admin, "admin-tenant").await;

    // The simulated phone scans; the owner's page turns ACTIVE, no reload.
    let http = reqwest::Client::new();
    let scan = http
        .post(format!("{base}/api/sim/tenants/{tenant}/scan"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), 200);
    until(
        &owner,
        "the live step",
        "document.querySelector('.live-dot')",
    )
    .await;
    let marker = owner
        .execute("return window.__noReload;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!(42), "the page updated without a reload");
    let badge = owner
        .find(Locator::Css("[data-testid=tenant-status]"))
        .await
        .unwrap();
    let live =
        flowhq_server::i18n::Tr::new(flowhq_domain::Language::Pt).state("tenant-status", "ACTIVE");
    assert_eq!(badge.text().await.unwrap(), live);
    in_portuguese(&owner, "/app (live)").await;
    shots.take(&owner, "portal-live-pt").await;
    owner.set_window_size(390, 844).await.unwrap();
    shots.take(&owner, "portal-live-phone-pt").await;

    // The admin pauses and resumes.
    until(
        &admin,
        "the pause button",
        "document.querySelector(\"form[action$='/pause'] button\")",
    )
    .await;
    click(&admin, "form[action$='/pause'] button").await;
    until(
        &admin,
        "the paused notice",
        "document.body.innerText.includes('Automatic replies are paused.')",
    )
    .await;
    assert_eq!(
        store.tenant(tenant).await.unwrap().status,
        flowhq_domain::TenantStatus::Paused
    );
    shots.take(&admin, "admin-tenant-paused").await;
    click(&admin, "form[action$='/resume'] button").await;
    until(
        &admin,
        "the resumed notice",
        "document.body.innerText.includes('Automatic replies are back on.')",
    )
    .await;
    assert_eq!(
        store.tenant(tenant).await.unwrap().status,
        flowhq_domain::TenantStatus::Active
    );

    owners_settings_menu_and_switch(&owner, &base, &shots, &store, tenant).await;
    owners_inbox(&owner, &base, &shots, &http, tenant).await;

    // The admin invites an operator.
    admin.goto(&format!("{base}/admin/admins")).await.unwrap();
    fill(&admin, "#name", "Olga Ops").await;
    fill(&admin, "#email", "olga@ops.example").await;
    submit(
        &admin,
        "form[action='/admin/admins'] button[type=submit]",
        "/admin/admins",
    )
    .await;
    until(
        &admin,
        "the invitation notice",
        "document.body.innerText.includes('Invitation sent to olga@ops.example')",
    )
    .await;
    shots.take(&admin, "admin-operators").await;

    owner.close().await.unwrap();
    admin.close().await.unwrap();
    // Chromium's helpers exit shortly after the browser; give them a moment
    // before chromedriver goes.
    tokio::time::sleep(Duration::from_secs(1)).await;
    drop(driver);
    let stop = http
        .post(format!("{base}/api/admin/workers/stop-all"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(stop.status().is_success());
    let _ = stop_tx.send(());
    let _ = server.await;
    db.cleanup().await;
}

/// The owner's inbox in Portuguese: a customer asks for a person and the
/// open inbox shows it without a reload (the event stream); the owner opens
/// the chat on a phone, answers, sees the answer arrive live, and resolves.
async fn owners_inbox(
    owner: &Client,
    base: &str,
    shots: &Shots,
    http: &reqwest::Client,
    tenant: flowhq_domain::TenantId,
) {
    owner.set_window_size(1280, 900).await.unwrap();
    owner.goto(&format!("{base}/app/inbox")).await.unwrap();
    in_portuguese(owner, "/app/inbox").await;
    owner
        .execute("window.__inboxNoReload = 7;", vec![])
        .await
        .unwrap();
    let inbound = http
        .post(format!("{base}/api/sim/tenants/{tenant}/inbound"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({"from": "+5511976540099", "text": "Quero falar com um atendente"}))
        .send()
        .await
        .unwrap();
    assert_eq!(inbound.status(), 200);
    let started = Instant::now();
    shows(
        owner,
        "the conversation, live",
        &pt("app-inbox-wants-person"),
    )
    .await;
    shows(owner, "the customer's number", "+5511976540099").await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "shown {:?} after the message",
        started.elapsed()
    );
    let marker = owner
        .execute("return window.__inboxNoReload;", vec![])
        .await
        .unwrap();
    assert_eq!(marker, json!(7), "the inbox updated without a reload");
    shots.take(owner, "portal-inbox-pt").await;

    owner.set_window_size(390, 844).await.unwrap();
    click(owner, ".conversations a").await;
    until(owner, "the chat", "document.querySelector('#answer-h')").await;
    in_portuguese(owner, "/app/inbox/{id}").await;
    fits_the_width(owner, "/app/inbox/{id}").await;
    fill(owner, "#text", "Oi! Aqui é a Ana, em que posso ajudar?").await;
    click(owner, "form[action$='/answer'] button[type=submit]").await;
    shows(owner, "the sent notice", &pt("app-inbox-notice-sent")).await;
    shows(
        owner,
        "the answer in the chat",
        "Oi! Aqui é a Ana, em que posso ajudar?",
    )
    .await;
    shots.take(owner, "portal-conversation-phone-pt").await;
    click(owner, "form[action$='/resolve'] button").await;
    shows(
        owner,
        "the resolved notice",
        &pt("app-inbox-notice-resolved"),
    )
    .await;
    owner.set_window_size(1280, 900).await.unwrap();
    shots.take(owner, "portal-conversation-pt").await;
}

/// The owner's own assistant at a phone's width, then at a desktop's: a
/// refused setting marked beside its field and nothing saved, then saved;
/// a menu item with a PDF added in the builder; the switch off and on.
async fn owners_settings_menu_and_switch(
    owner: &Client,
    base: &str,
    shots: &Shots,
    store: &flowhq_store::Store,
    tenant: flowhq_domain::TenantId,
) {
    owner.set_window_size(390, 844).await.unwrap();
    owner.goto(&format!("{base}/app/settings")).await.unwrap();
    in_portuguese(owner, "/app/settings").await;
    fill(owner, "#fact_address", "Rua Augusta 500, São Paulo").await;
    fill(owner, "#fact_website", "padaria-sol").await;
    fill(owner, "#text_greeting", "Olá! Bem-vindo à {business_name}.").await;
    submit(
        owner,
        "form[action='/app/settings'] button[type=submit]",
        "/app/settings",
    )
    .await;
    until(
        owner,
        "the website marked",
        "document.querySelector('#fact_website[aria-invalid=true]') && document.querySelector('#fact_website-error')",
    )
    .await;
    owner
        .execute(
            "document.querySelector('#fact_website').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    in_portuguese(owner, "the refused settings").await;
    shots.take(owner, "portal-settings-error-phone-pt").await;
    fits_the_width(owner, "/app/settings").await;
    let config = store.tenant_config(tenant).await.unwrap();
    assert_eq!(config.facts.address, None, "nothing was saved");
    fill(owner, "#fact_website", "https://padaria-sol.example").await;
    submit(
        owner,
        "form[action='/app/settings'] button[type=submit]",
        "/app/settings",
    )
    .await;
    shows(owner, "the saved notice", &pt("app-settings-saved-applied")).await;
    let config = store.tenant_config(tenant).await.unwrap();
    assert_eq!(
        config.facts.address.as_deref(),
        Some("Rua Augusta 500, São Paulo")
    );
    assert_eq!(
        config.overrides["greeting"],
        "Olá! Bem-vindo à {business_name}."
    );

    // The menu builder: a new item "Pix" with its PDF, saved.
    let pdf = std::env::temp_dir().join(format!("pix-{}.pdf", std::process::id()));
    std::fs::write(
        &pdf,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    .unwrap();
    owner.goto(&format!("{base}/app/menu")).await.unwrap();
    until(
        owner,
        "the menu's items",
        "document.querySelectorAll('.menu-item').length > 2",
    )
    .await;
    let before = owner
        .execute(
            "return document.querySelectorAll('[data-menu-items] > .menu-item').length;",
            vec![],
        )
        .await
        .unwrap()
        .as_u64()
        .unwrap();
    click(owner, "[data-menu-add]").await;
    let last = "[data-menu-items] > .menu-item:last-child";
    fill(owner, &format!("{last} [data-path$='.label'] input"), "Pix").await;
    fill(
        owner,
        &format!("{last} [data-path$='.answer'] textarea"),
        "Nossa chave Pix está no PDF.",
    )
    .await;
    fill(
        owner,
        &format!("{last} [data-path$='.keywords'] input"),
        "pix",
    )
    .await;
    owner
        .find(Locator::Css(&format!("{last} input[type=file]")))
        .await
        .unwrap()
        .send_keys(pdf.to_str().unwrap())
        .await
        .unwrap();
    until(
        owner,
        "the file read",
        "document.body.innerText.includes('pix-')",
    )
    .await;
    click(owner, "[data-menu-save]").await;
    until(
        owner,
        "the saved menu",
        "!document.querySelector('[data-menu-saved]').hidden",
    )
    .await;
    in_portuguese(owner, "/app/menu").await;
    shots.take(owner, "portal-menu-phone-pt").await;
    fits_the_width(owner, "/app/menu").await;
    let config = store.tenant_config(tenant).await.unwrap();
    let menu = config.menu.expect("the owner's menu");
    assert_eq!(menu.len() as u64, before + 1);
    let pix = menu.last().unwrap();
    assert_eq!(pix.keywords, ["pix"]);
    assert_eq!(pix.attachment.as_ref().unwrap().mime, "application/pdf");
    let _ = std::fs::remove_file(&pdf);

    // A keyword of another item is refused beside its field, nothing saved.
    fill(
        owner,
        &format!("{last} [data-path$='.keywords'] input"),
        "pix, menu",
    )
    .await;
    click(owner, "[data-menu-save]").await;
    until(
        owner,
        "the refused keyword",
        "!document.querySelector('[data-menu-error]').hidden && document.querySelector('[data-path$=\\'.keywords\\'] .error-text')",
    )
    .await;
    assert_eq!(
        store
            .tenant_config(tenant)
            .await
            .unwrap()
            .menu
            .unwrap()
            .last()
            .unwrap()
            .keywords,
        ["pix"]
    );

    owner.set_window_size(1280, 900).await.unwrap();
    owner.goto(&format!("{base}/app/menu")).await.unwrap();
    until(
        owner,
        "the menu's items",
        "document.querySelectorAll('.menu-item').length > 2",
    )
    .await;
    shots.take(owner, "portal-menu-pt").await;
    owner.goto(&format!("{base}/app/settings")).await.unwrap();
    shots.take(owner, "portal-settings-pt").await;

    // The switch on /app: off, then on.
    owner.goto(&format!("{base}/app")).await.unwrap();
    click(owner, "form[action='/app/pause'] button").await;
    shows(owner, "the paused panel", &pt("app-status-paused-title")).await;
    assert_eq!(
        store.tenant(tenant).await.unwrap().status,
        flowhq_domain::TenantStatus::Paused
    );
    click(owner, "form[action='/app/resume'] button").await;
    shows(owner, "the live panel", &pt("app-status-live-title")).await;
    assert_eq!(
        store.tenant(tenant).await.unwrap().status,
        flowhq_domain::TenantStatus::Active
    );
}

/// Nothing on the page is wider than the window: no sideways scrolling on
/// a phone.
async fn fits_the_width(client: &Client, page: &str) {
    let overflow = client
        .execute(
            "return document.documentElement.scrollWidth - window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert!(
        overflow.as_i64().unwrap_or(1) <= 0,
        "{page} is {overflow} px wider than the window"
    );
}
