//! The owner's own assistant: settings read and changed at any time (the
//! running worker gets them before the PATCH answers), refusals that name
//! the field and change nothing, and the owner's on/off switch.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::{Command, Down, Up};
use flowhq_domain::{SessionState, TenantId};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, expect_error, expect_invalid, run, token_for};
use crate::link_client::{self, FakeWorker};

flowhq_store::backend_tests!(run:
    the_setup_requests_business_name_names_the_tenant,
    an_owners_settings_reach_the_running_worker_before_the_answer,
    refused_settings_name_the_field_and_change_nothing,
    the_owner_switches_the_assistant_off_and_on,
    a_preview_answers_from_unsaved_settings,
    the_owner_reads_the_history_and_undoes_changes,
    the_owner_builds_a_menu_with_a_file_and_facts,
    refused_menus_and_facts_name_the_field_and_store_nothing,
    the_owner_exports_messages_as_csv,
);

const CONFIG: &str = "/api/portal/tenant/current/config";

/// An owner whose tenant is approved and whose (fake) worker is linked.
async fn owner_with_worker(app: &TestApp, email: &str) -> (reqwest::Client, String, FakeWorker) {
    let owner = browser();
    let signed_up = app.sign_up(&owner, email).await;
    let tenant = signed_up["tenant"]["id"].as_str().unwrap().to_owned();
    owner
        .post(app.url("/api/portal/setup-request"))
        .json(&json!({
            "business_name": "Padaria Sol", "template_type": "RETAIL", "language": "PT",
            "whatsapp_number": "+5511987654000",
            "hours": {"timezone": "America/Sao_Paulo", "mon": [["08:00", "18:00"]]}
        }))
        .sent()
        .await;
    let id: TenantId = tenant.parse().unwrap();
    app.store
        .apply_event(id, Event::SetupRequestApproved, "t")
        .await
        .unwrap();
    let token = token_for(app, &tenant).await;
    let (link, _) = link_client::hello(app, &tenant, &token, SessionState::Connected, 0).await;
    (owner, tenant, link)
}

/// Acknowledges the next command and returns it.
async fn acknowledge(link: &mut FakeWorker) -> Command {
    let Down::Command(commanded) = link.receive().await else {
        panic!("expected a command")
    };
    link.send(&Up::Done {
        id: commanded.id,
        error: None,
    })
    .await;
    commanded.command
}

async fn settings(app: &TestApp, owner: &reqwest::Client) -> Value {
    owner
        .get(app.url(CONFIG))
        .sent()
        .await
        .json()
        .await
        .unwrap()
}

async fn the_setup_requests_business_name_names_the_tenant(app: TestApp) {
    let (_owner, tenant, _link) = owner_with_worker(&app, "lupe@example.com").await;
    let detail = app.get_admin(&format!("/api/admin/tenants/{tenant}")).await;
    assert_eq!(detail["name"], "Padaria Sol");
    assert_eq!(detail["config"]["business_name"], "Padaria Sol");
    app.stop().await;
}

async fn an_owners_settings_reach_the_running_worker_before_the_answer(app: TestApp) {
    let (owner, tenant, mut link) = owner_with_worker(&app, "ana@example.com").await;
    let before = settings(&app, &owner).await;
    assert_eq!(before["business_name"], "Padaria Sol");
    assert_eq!(before["template_type"], "RETAIL");
    assert_eq!(before["closures"], json!([]));
    assert_eq!(before["customized"], json!([]));
    // Every text, the template's in Portuguese until the owner changes it.
    assert!(
        before["texts"]["greeting"]
            .as_str()
            .unwrap()
            .contains("{business_name}"),
        "{before}"
    );

    let patch = owner
        .patch(app.url(CONFIG))
        .json(&json!({
            "business_name": "Padaria Sol Nascente",
            "hours": {"timezone": "America/Sao_Paulo", "sat": [["08:00", "12:00"]]},
            "texts": {"greeting": "Bom dia! Aqui é a {business_name}.", "fallback": null},
            "closures": [{"from": "2026-12-24", "to": "2026-12-26", "note": "Natal"}],
            "special_hours": [{"date": "2026-12-31", "ranges": [["08:00", "12:00"]]}]
        }))
        .send();
    let worker = async {
        let Command::Config { config } = acknowledge(&mut link).await else {
            panic!("expected the config")
        };
        config
    };
    let (response, config) = tokio::join!(patch, worker);
    let changed: Value = response.unwrap().json().await.unwrap();
    assert_eq!(changed["applied"], true, "{changed}");
    assert_eq!(config.business_name, "Padaria Sol Nascente");
    assert_eq!(config.closures.len(), 1);
    assert_eq!(config.special_hours.len(), 1);
    assert_eq!(
        config.overrides["greeting"],
        "Bom dia! Aqui é a {business_name}."
    );
    assert_eq!(changed["customized"], json!(["greeting"]));
    assert_eq!(changed["closures"][0]["note"], "Natal");
    assert_eq!(changed["hours"]["mon"], json!([]));
    // What the PATCH did not name stays.
    assert_eq!(changed["language"], "PT");
    assert_eq!(changed["texts"]["fallback"], before["texts"]["fallback"]);
    // The tenant is named for the business.
    let detail = app.get_admin(&format!("/api/admin/tenants/{tenant}")).await;
    assert_eq!(detail["name"], "Padaria Sol Nascente");

    // A text set back to the template's own is no longer the owner's.
    let template_greeting = before["texts"]["greeting"].clone();
    let reset = owner
        .patch(app.url(CONFIG))
        .json(&json!({"texts": {"greeting": template_greeting}}))
        .send();
    let (response, _) = tokio::join!(reset, acknowledge(&mut link));
    let changed: Value = response.unwrap().json().await.unwrap();
    assert_eq!(changed["customized"], json!([]));

    // With the worker gone the change is recorded, not applied.
    link.hang_up().await;
    let offline = owner
        .patch(app.url(CONFIG))
        .json(&json!({"closures": []}))
        .sent()
        .await;
    let body: Value = offline.json().await.unwrap();
    assert_eq!(body["closures"], json!([]));
    app.stop().await;
}

async fn refused_settings_name_the_field_and_change_nothing(app: TestApp) {
    let (owner, _tenant, _link) = owner_with_worker(&app, "rui@example.com").await;
    let before = settings(&app, &owner).await;
    let cases = [
        (json!({"business_name": " "}), "business_name"),
        (json!({"hours": {"timezone": "Mars/Olympus"}}), "hours"),
        (
            json!({"texts": {"no_such_text": "x"}}),
            "texts.no_such_text",
        ),
        (
            json!({"texts": {"greeting": "Hi {owner}"}}),
            "texts.greeting",
        ),
        (
            json!({"closures": [{"from": "2026-12-26", "to": "2026-12-24"}]}),
            "closures[0].to",
        ),
        (
            json!({"closures": [{"from": "2026-01-01", "to": "2026-01-01"}], "special_hours": [{"date": "2026-01-01", "ranges": []}]}),
            "special_hours[0].date",
        ),
        (
            json!({"special_hours": [{"date": "2026-12-31", "ranges": [["09:00", "9"]]}]}),
            "special_hours[0].ranges",
        ),
    ];
    for (body, field) in cases {
        // A good field beside the bad one is not written either.
        let mut body = body;
        body["language"] = json!("EN");
        let response = owner.patch(app.url(CONFIG)).json(&body).sent().await;
        expect_invalid(response, field).await;
    }
    let unknown = owner
        .patch(app.url(CONFIG))
        .json(&json!({"colour": "blue"}))
        .sent()
        .await;
    let error = expect_error(unknown, 422, "invalid_field").await;
    assert!(
        error["message"].as_str().unwrap().contains("colour"),
        "{error}"
    );
    assert_eq!(settings(&app, &owner).await, before);
    app.stop().await;
}

async fn the_owner_switches_the_assistant_off_and_on(app: TestApp) {
    let (owner, tenant, mut link) = owner_with_worker(&app, "eva@example.com").await;
    let pause = owner
        .post(app.url("/api/portal/tenant/current/pause"))
        .send();
    let (response, command) = tokio::join!(pause, acknowledge(&mut link));
    assert_eq!(command, Command::Pause);
    let body: Value = response.unwrap().json().await.unwrap();
    assert_eq!(body, json!({"status": "PAUSED", "applied": true}));
    // Paused twice is a conflict, and says so.
    let again = owner
        .post(app.url("/api/portal/tenant/current/pause"))
        .sent()
        .await;
    expect_error(again, 409, "invalid_transition").await;

    let resume = owner
        .post(app.url("/api/portal/tenant/current/resume"))
        .send();
    let (response, command) = tokio::join!(resume, acknowledge(&mut link));
    assert_eq!(command, Command::Resume);
    let body: Value = response.unwrap().json().await.unwrap();
    assert_eq!(body, json!({"status": "ACTIVE", "applied": true}));
    let events: Value = app
        .get_admin(&format!("/api/admin/tenants/{tenant}/events"))
        .await;
    let actors: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "PAUSE" || e["event"] == "RESUME")
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["owner:eva@example.com", "owner:eva@example.com"]);
    app.stop().await;
}

async fn a_preview_answers_from_unsaved_settings(app: TestApp) {
    let (owner, _tenant, _link) = owner_with_worker(&app, "ivo@example.com").await;
    let before = settings(&app, &owner).await;
    let always = json!({"timezone": "UTC", "mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]],
        "wed": [["00:00", "24:00"]], "thu": [["00:00", "24:00"]], "fri": [["00:00", "24:00"]],
        "sat": [["00:00", "24:00"]], "sun": [["00:00", "24:00"]]});
    let preview = |settings: Value| {
        owner
            .post(app.url("/api/portal/tenant/current/bot/preview"))
            .json(&json!({"text": "hello", "at": "2026-12-25T12:00:00Z", "settings": settings}))
            .send()
    };
    // Friday: closed on the saved hours (Mondays only), open on the edited.
    let saved: Value = owner
        .post(app.url("/api/portal/tenant/current/bot/preview"))
        .json(&json!({"text": "hello", "at": "2026-12-25T12:00:00Z"}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["decision"]["decision"], "AWAY", "{saved}");
    let open: Value = preview(json!({"hours": always}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(open["decision"]["decision"], "WELCOME", "{open}");
    let closed: Value = preview(json!({
        "hours": always,
        "closures": [{"from": "2026-12-24", "to": "2026-12-26"}]
    }))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert!(
        closed["replies"][0]
            .as_str()
            .unwrap()
            .contains("27 de dezembro"),
        "{closed}"
    );
    let refused = preview(json!({"closures": [{"from": "2026-12-26", "to": "2026-12-24"}]}))
        .await
        .unwrap();
    expect_invalid(refused, "closures[0].to").await;
    // Nothing was saved.
    assert_eq!(settings(&app, &owner).await, before);
    app.stop().await;
}

async fn the_owner_reads_the_history_and_undoes_changes(app: TestApp) {
    let (owner, tenant, mut link) = owner_with_worker(&app, "rosa@example.com").await;
    let before = settings(&app, &owner).await;
    let patch = owner
        .patch(app.url(CONFIG))
        .json(&json!({"closures": [{"from": "2026-12-24", "to": "2026-12-26"}], "language": "ES"}))
        .send();
    tokio::join!(patch, acknowledge(&mut link)).0.unwrap();
    // The same values again change nothing and record nothing.
    let same = owner
        .patch(app.url(CONFIG))
        .json(&json!({"language": "ES"}))
        .send();
    let (same, _) = tokio::join!(same, acknowledge(&mut link));
    assert_eq!(same.unwrap().status(), 200);
    let history = |owner: &reqwest::Client| {
        let owner = owner.clone();
        let url = app.url("/api/portal/tenant/current/config/history");
        async move { owner.get(url).sent().await.json::<Value>().await.unwrap() }
    };
    let changes = history(&owner).await;
    let items = changes["items"].as_array().unwrap();
    // The setup request's settings, then this change, newest first.
    assert_eq!(items.len(), 2, "{changes}");
    assert_eq!(items[0]["actor"], "owner:rosa@example.com");
    assert_eq!(items[0]["fields"], json!(["language", "closures"]));
    assert_eq!(items[0]["undone_at"], Value::Null);

    // Undo: the settings are back, the worker has them, the change is marked.
    let undo = owner
        .post(app.url("/api/portal/tenant/current/config/undo"))
        .send();
    let (response, command) = tokio::join!(undo, acknowledge(&mut link));
    let Command::Config { config } = command else {
        panic!("expected the config")
    };
    assert!(config.closures.is_empty());
    let undone: Value = response.unwrap().json().await.unwrap();
    assert_eq!(undone["applied"], true, "{undone}");
    assert_eq!(undone["undone"]["id"], items[0]["id"]);
    assert_eq!(undone["undone"]["undone_by"], "owner:rosa@example.com");
    let mut after = settings(&app, &owner).await;
    after["updated_at"] = before["updated_at"].clone();
    assert_eq!(after, before);
    let changes = history(&owner).await;
    assert!(changes["items"][0]["undone_at"].is_string(), "{changes}");

    // Another tenant's owner has no history of this one and nothing to undo.
    let other = browser();
    app.sign_up(&other, "zed@example.com").await;
    let theirs = history(&other).await;
    assert_eq!(theirs["items"], json!([]));
    let nothing = other
        .post(app.url("/api/portal/tenant/current/config/undo"))
        .sent()
        .await;
    expect_error(nothing, 409, "conflict").await;
    let detail = app.get_admin(&format!("/api/admin/tenants/{tenant}")).await;
    assert_eq!(detail["config"]["language"], "PT");

    // The operator's twins: the same history; an undo of the setup
    // request's settings, recorded as the operator's.
    let admin_history = app
        .get_admin(&format!("/api/admin/tenants/{tenant}/config/history"))
        .await;
    assert_eq!(admin_history, history(&owner).await);
    let undo = app
        .admin(
            Method::POST,
            &format!("/api/admin/tenants/{tenant}/config/undo"),
        )
        .send();
    let (response, _) = tokio::join!(undo, acknowledge(&mut link));
    let undone: Value = response.unwrap().json().await.unwrap();
    assert_eq!(undone["undone"]["id"], items[1]["id"], "{undone}");
    assert_eq!(undone["undone"]["undone_by"], "admin-token");
    assert_eq!(undone["language"], "EN", "back to the defaults of signup");
    let unknown = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{}/config/history", TenantId::new()),
        )
        .sent()
        .await;
    expect_error(unknown, 404, "not_found").await;
    app.stop().await;
}

/// The smallest file that is a PDF by its content.
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

async fn the_owner_builds_a_menu_with_a_file_and_facts(app: TestApp) {
    let (owner, tenant, mut link) = owner_with_worker(&app, "pix@example.com").await;
    let menu = json!([
        {"label": "Horário", "answer": "Abrimos:\n{hours}", "keywords": ["horario"]},
        {"label": "Pix", "answer": "Nossa chave Pix está no PDF.", "keywords": ["pix"],
         "attachment": {"file_name": "pix.pdf", "mime": "application/pdf",
                        "data_base64": BASE64.encode(PDF)}},
        {"label": "Cardápio", "keywords": ["cardapio"], "items": [
            {"label": "Pães", "answer": "Pão francês, R$ 1.", "keywords": ["pao"]},
            {"label": "Bolos", "answer": "Bolo de milho, R$ 20.", "keywords": ["bolo"]}
        ]}
    ]);
    let patch = owner
        .patch(app.url(CONFIG))
        .json(&json!({
            "facts": {"address": "Rua Augusta 12, São Paulo", "map_link": "https://maps.example/sol"},
            "menu": menu
        }))
        .send();
    let (response, command) = tokio::join!(patch, acknowledge(&mut link));
    let Command::Config { config } = command else {
        panic!("expected the config")
    };
    let changed: Value = response.unwrap().json().await.unwrap();
    assert_eq!(changed["applied"], true, "{changed}");
    assert_eq!(changed["menu_customized"], true);
    let pix = &changed["menu"][1];
    assert_eq!(pix["id"], "pix", "new items get ids from their labels");
    assert_eq!(
        pix["attachment"],
        json!({"file_name": "pix.pdf", "mime": "application/pdf",
               "size": PDF.len(), "sha256": sha256_hex(PDF)})
    );
    assert_eq!(changed["menu"][2]["items"][1]["label"], "Bolos");
    assert_eq!(changed["facts"]["address"], "Rua Augusta 12, São Paulo");
    // The items' texts are the menu's now, not `texts`.
    assert!(changed["texts"].get("hours.label").is_none(), "{changed}");
    assert!(changed["texts"]["greeting"].is_string());
    let refused = owner
        .patch(app.url(CONFIG))
        .json(&json!({"texts": {"hours.label": "Horário"}}))
        .sent()
        .await;
    expect_invalid(refused, "texts.hours.label").await;
    // The worker has the menu and the facts.
    let menu = config.menu.expect("the owner's menu");
    assert_eq!(menu[1].attachment.as_ref().unwrap().sha256, sha256_hex(PDF));
    assert_eq!(
        config.facts.map_link.as_deref(),
        Some("https://maps.example/sol")
    );

    // The preview answers "pix" with the text and the file.
    let preview: Value = owner
        .post(app.url("/api/portal/tenant/current/bot/preview"))
        .json(&json!({"text": "pix", "at": "2026-12-07T14:00:00Z"}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        preview["replies"],
        json!(["Nossa chave Pix está no PDF."]),
        "{preview}"
    );
    assert_eq!(preview["files"][0]["sha256"], sha256_hex(PDF));

    // The worker fetches the file with its own token; another tenant's
    // worker cannot.
    let token = token_for(&app, &tenant).await;
    let url = app.url(&format!("/api/worker/{tenant}/media/{}", sha256_hex(PDF)));
    let file = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&token)
        .sent()
        .await;
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    let (other_owner, other, _other_link) = owner_with_worker(&app, "zoe@example.com").await;
    let other_token = token_for(&app, &other).await;
    let theirs = reqwest::Client::new()
        .get(app.url(&format!("/api/worker/{other}/media/{}", sha256_hex(PDF))))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    expect_error(theirs, 404, "not_found").await;
    // The owner reads their file; another owner cannot name it.
    let mine = owner
        .get(app.url(&format!(
            "/api/portal/tenant/current/media/{}",
            sha256_hex(PDF)
        )))
        .sent()
        .await;
    assert_eq!(mine.headers()["content-type"], "application/pdf");
    assert_eq!(mine.headers()["content-security-policy"], "sandbox");
    assert_eq!(mine.bytes().await.unwrap().as_ref(), PDF);
    let stranger = other_owner
        .get(app.url(&format!(
            "/api/portal/tenant/current/media/{}",
            sha256_hex(PDF)
        )))
        .send()
        .await
        .unwrap();
    expect_error(stranger, 404, "not_found").await;

    // Kept files are written back by hash; null goes back to the template,
    // whose location answer now quotes the address.
    let mut kept = changed["menu"].clone();
    kept[0]["label"] = json!("Horário de funcionamento");
    let again = owner
        .patch(app.url(CONFIG))
        .json(&json!({"menu": kept}))
        .sent()
        .await;
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["menu"][1]["attachment"]["sha256"], sha256_hex(PDF));
    assert_eq!(again["menu"][0]["label"], "Horário de funcionamento");
    let reset = owner
        .patch(app.url(CONFIG))
        .json(&json!({"menu": null}))
        .sent()
        .await;
    let reset: Value = reset.json().await.unwrap();
    assert_eq!(reset["menu_customized"], false);
    let location = reset["menu"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == "location")
        .unwrap();
    assert!(
        location["answer"].as_str().unwrap().contains("{address}"),
        "{location}"
    );
    app.stop().await;
}

async fn refused_menus_and_facts_name_the_field_and_store_nothing(app: TestApp) {
    let (owner, tenant, _link) = owner_with_worker(&app, "nop@example.com").await;
    let before = settings(&app, &owner).await;
    let item =
        |label: &str, keywords: Value| json!({"label": label, "answer": "x", "keywords": keywords});
    let not_a_pdf = json!([{"label": "Pix", "answer": "x", "attachment": {
        "file_name": "pix.pdf", "mime": "application/pdf",
        "data_base64": BASE64.encode(b"MZ this is a program, not a PDF")}}]);
    let cases = [
        (
            json!({"menu": [item("Pay", json!(["pix", "card"])), item("Pix", json!(["PIX!"]))]}),
            "menu[1].keywords",
        ),
        (json!({"menu": not_a_pdf}), "menu[0].attachment"),
        (
            json!({"menu": [{"label": "Food", "items": [{"label": "Pizza", "answer": "x",
                "items": [item("Deep", json!([]))]}]}]}),
            "menu[0].items[0].items",
        ),
        (
            json!({"menu": (0..21).map(|i| item(&format!("Item {i}"), json!([]))).collect::<Vec<_>>()}),
            "menu",
        ),
        (json!({"menu": [{"label": "No answer"}]}), "menu[0].answer"),
        (
            json!({"facts": {"website": "example.com"}}),
            "facts.website",
        ),
        (json!({"facts": {"phone": "12345"}}), "facts.phone"),
        (json!({"facts": {"fax": "+5511987654000"}}), "facts.fax"),
    ];
    for (body, field) in cases {
        let mut body = body;
        body["language"] = json!("EN");
        let response = owner.patch(app.url(CONFIG)).json(&body).sent().await;
        let error = expect_invalid(response, field).await;
        if field == "menu[1].keywords" {
            let message = error["message"].as_str().unwrap();
            assert!(
                message.contains("menu[0]") && message.contains("Pay"),
                "{message}"
            );
        }
    }
    assert_eq!(settings(&app, &owner).await, before);
    let id: TenantId = tenant.parse().unwrap();
    assert_eq!(
        app.store.media_usage(id).await.unwrap(),
        0,
        "no file was kept"
    );
    app.stop().await;
}

async fn the_owner_exports_messages_as_csv(app: TestApp) {
    use flowhq_domain::protocol::LoggedMessage;
    use flowhq_domain::{Direction, LoggedDecision};
    let (owner, tenant, _link) = owner_with_worker(&app, "csv@example.com").await;
    let id: TenantId = tenant.parse().unwrap();
    // São Paulo: 2026-12-01 23:30 there is 2026-12-02 02:30 UTC.
    let at = |utc: &str| utc.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let message = |wa: &str, text: &str, when: &str| LoggedMessage {
        direction: Direction::Inbound,
        from_number: "+5511911111111".into(),
        to_number: "+5511987654000".into(),
        message_text: text.into(),
        wa_message_id: wa.into(),
        bot_decision: Some(LoggedDecision::Welcome),
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: at(when),
    };
    app.store
        .log_messages(
            id,
            &[
                message(
                    "m1",
                    "Olá, \"bom dia\", tudo bem?\nSegunda linha",
                    "2026-12-02T02:30:00Z",
                ),
                message("m2", "fora do intervalo", "2026-12-04T15:00:00Z"),
            ],
        )
        .await
        .unwrap();
    let response = owner
        .get(app.url("/api/portal/tenant/current/messages/export?from=2026-12-01&to=2026-12-02"))
        .sent()
        .await;
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv = response.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time,direction,from,to,text,bot_decision,file_name,file_type"
    );
    assert!(
        csv.contains("2026-12-01 23:30:00,INBOUND,+5511911111111,+5511987654000,\"Olá, \"\"bom dia\"\", tudo bem?\nSegunda linha\",WELCOME,,"),
        "{csv}"
    );
    assert!(!csv.contains("fora do intervalo"), "{csv}");
    let refused = owner
        .get(app.url("/api/portal/tenant/current/messages/export?from=2026-12-05&to=2026-12-01"))
        .sent()
        .await;
    expect_invalid(refused, "to").await;
    let missing = owner
        .get(app.url("/api/portal/tenant/current/messages/export"))
        .sent()
        .await;
    expect_invalid(missing, "from").await;
    app.stop().await;
}
