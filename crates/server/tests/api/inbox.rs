//! The inbox (`/api/portal/tenant/current/conversations…`): a customer
//! who asks for a person shows as "wants a person", live on the event
//! stream; the owner answers through the worker's link (a person's send,
//! which keeps the bot out of the chat), the log says who wrote it, and
//! "Resolve" hands the chat back to the bot. Driven by a fake worker on
//! the link, so every frame is checked.

use chrono::Utc;
use flowhq_domain::protocol::{Command, Down, LoggedMessage, Receipt, Up};
use flowhq_domain::{DeliveryStatus, Direction, LoggedDecision, SessionState};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{SendOk, TestApp, browser, expect_invalid, run, token_for};
use crate::link_client::{self, FakeWorker};

flowhq_store::backend_tests!(run:
    the_owner_answers_a_customer_who_asked_for_a_person,
    conversations_are_found_by_name_number_or_words,
    a_quick_reply_sends_its_text_and_file,
    conversation_files_are_deleted_after_the_retention,
);

const BUSINESS: &str = "+5511987654321";
const MARIA: &str = "+5511987650001";

fn inbound(id: &str, from: &str, text: &str, decision: LoggedDecision) -> LoggedMessage {
    LoggedMessage {
        direction: Direction::Inbound,
        from_number: from.into(),
        to_number: BUSINESS.into(),
        message_text: text.into(),
        wa_message_id: id.into(),
        bot_decision: Some(decision),
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: Some("Maria".into()),
        client_id: None,
        hidden_id: None,
        created_at: Utc::now(),
    }
}

/// The worker ships `messages` and the control plane logs them.
async fn ship(link: &mut FakeWorker, id: u64, messages: Vec<LoggedMessage>) {
    let n = messages.len() as u64;
    link.send(&Up::Messages {
        id,
        messages,
        receipts: vec![],
    })
    .await;
    match link.receive().await {
        Down::Logged {
            id: got, inserted, ..
        } => {
            assert_eq!((got, inserted), (id, n));
        }
        other => panic!("expected Logged, got {other:?}"),
    }
}

/// The next command on the link, acknowledged.
async fn command(link: &mut FakeWorker) -> (String, Command) {
    let Down::Command(commanded) = link.receive().await else {
        panic!("expected a command")
    };
    link.send(&Up::Done {
        id: commanded.id.clone(),
        error: None,
    })
    .await;
    (commanded.id, commanded.command)
}

/// Reads the event stream until an event named `name` whose data contains
/// `needle`; returns its data.
async fn event(
    stream: &mut reqwest::Response,
    buffer: &mut String,
    name: &str,
    needle: &str,
) -> Value {
    tokio::time::timeout(std::time::Duration::from_secs(5), async {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let event = block
                    .lines()
                    .find_map(|l| l.strip_prefix("event: "))
                    .unwrap_or("");
                let data = block
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("");
                if event == name && data.contains(needle) {
                    return serde_json::from_str(data).unwrap();
                }
            }
            let chunk = stream
                .chunk()
                .await
                .unwrap()
                .expect("the stream stays open");
            buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {name} event with {needle} within 5 s"))
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    let response = client.get(app.url(path)).sent().await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

/// An owner's signed-up business with its worker on the link.
async fn business_with_worker(app: &TestApp, client: &reqwest::Client) -> (String, FakeWorker) {
    let signed = app.sign_up(client, "ana@example.com").await;
    let tenant = signed["tenant"]["id"].as_str().unwrap().to_owned();
    let token = token_for(app, &tenant).await;
    let (link, _) = link_client::hello(app, &tenant, &token, SessionState::Connected, 0).await;
    (tenant, link)
}

async fn the_owner_answers_a_customer_who_asked_for_a_person(app: TestApp) {
    let owner = browser();
    let (tenant, mut link) = business_with_worker(&app, &owner).await;
    let mut stream = owner
        .get(app.url("/api/portal/tenant/current/events"))
        .sent()
        .await;
    assert_eq!(stream.status(), 200);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut buffer = String::new();

    ship(
        &mut link,
        1,
        vec![
            inbound("wa-1", MARIA, "hi", LoggedDecision::Welcome),
            inbound(
                "wa-2",
                MARIA,
                "I want to talk to a human",
                LoggedDecision::Handoff,
            ),
        ],
    )
    .await;
    let live = event(&mut stream, &mut buffer, "conversation", "\"handoff\":true").await;
    assert_eq!(live["contact"]["wa_id"], MARIA);
    let contact = live["contact"]["id"].as_str().unwrap().to_owned();

    let list = get(&app, &owner, "/api/portal/tenant/current/conversations").await;
    let item = &list["items"][0];
    assert_eq!(item["contact"]["name"], "Maria", "the push name names them");
    assert_eq!(item["contact"]["phone"], MARIA);
    assert_eq!(item["unread"], 2);
    assert_eq!(item["handoff"], true);
    assert_eq!(item["last_message"]["text"], "I want to talk to a human");
    for filter in ["handoff", "unread"] {
        let only = get(
            &app,
            &owner,
            &format!("/api/portal/tenant/current/conversations?filter={filter}"),
        )
        .await;
        assert_eq!(only["items"].as_array().unwrap().len(), 1, "{filter}");
    }
    let refused = owner
        .get(app.url("/api/portal/tenant/current/conversations?filter=spam"))
        .sent()
        .await;
    expect_invalid(refused, "filter").await;

    // The owner answers: a person's send, handed to the worker now.
    let path = format!("/api/portal/tenant/current/conversations/{contact}/messages");
    let post = owner
        .post(app.url(&path))
        .json(&json!({"text": "Hi Maria, Ana here"}))
        .send();
    let (worker, response) = tokio::join!(command(&mut link), post);
    let (send_id, sent) = worker;
    assert_eq!(
        sent,
        Command::Send {
            to: MARIA.into(),
            text: "Hi Maria, Ana here".into(),
            media: None,
            by_person: true,
        }
    );
    let response = response.unwrap();
    assert_eq!(response.status(), 202);
    let accepted: Value = response.json().await.unwrap();
    assert_eq!(accepted["id"], send_id);
    assert_eq!(accepted["status"], "QUEUED");

    // The worker sent it and ships its log under the send's id.
    let mut sent_log = inbound(
        "out-1",
        MARIA,
        "Hi Maria, Ana here",
        LoggedDecision::Welcome,
    );
    sent_log.direction = Direction::Outbound;
    sent_log.from_number = BUSINESS.into();
    sent_log.to_number = MARIA.into();
    sent_log.bot_decision = None;
    sent_log.push_name = None;
    sent_log.client_id = Some(send_id.clone());
    ship(&mut link, 2, vec![sent_log.clone()]).await;
    // Shipped again (its acknowledgement was lost): logged once.
    link.send(&Up::Messages {
        id: 3,
        messages: vec![sent_log],
        receipts: vec![],
    })
    .await;
    assert!(matches!(
        link.receive().await,
        Down::Logged { inserted: 0, .. }
    ));
    event(&mut stream, &mut buffer, "message", "Hi Maria, Ana here").await;

    let messages = get(&app, &owner, &path).await;
    let items = messages["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{messages}");
    let mine = &items[0];
    assert_eq!(mine["direction"], "OUTBOUND");
    assert_eq!(mine["delivery"], "SENT");
    assert_eq!(mine["contact_id"], contact.as_str());
    assert_eq!(items[2]["contact_id"], contact.as_str(), "inbound too");
    assert_eq!(mine["sent_by_name"], "Ana Souza");
    assert!(mine["sent_by"].is_string());
    let conversation = get(
        &app,
        &owner,
        &format!("/api/portal/tenant/current/conversations/{contact}"),
    )
    .await;
    assert_eq!(conversation["handoff"], false, "a person answered");
    assert_eq!(conversation["unread"], 0);
    assert!(conversation["person_answered_at"].is_string());

    // Receipts: read, then a late "delivered" (never back), and one for a
    // message nobody logged; integrators hear each move once.
    let hook: Value = owner
        .post(app.url("/api/portal/tenant/current/webhooks"))
        .json(&json!({"url": "https://hooks.example.com/flowhq", "events": ["message.status"]}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let receipt = |id: &str, delivery: DeliveryStatus| Receipt {
        wa_message_id: id.into(),
        delivery,
        at: Utc::now(),
    };
    for (frame, receipts) in [
        (
            4,
            vec![
                receipt("out-1", DeliveryStatus::Delivered),
                receipt("out-1", DeliveryStatus::Read),
            ],
        ),
        (
            5,
            vec![
                receipt("out-1", DeliveryStatus::Delivered),
                receipt("never-logged", DeliveryStatus::Read),
            ],
        ),
    ] {
        link.send(&Up::Messages {
            id: frame,
            messages: vec![],
            receipts,
        })
        .await;
        assert!(matches!(
            link.receive().await,
            Down::Logged { id, inserted: 0, .. } if id == frame
        ));
    }
    let live = event(&mut stream, &mut buffer, "delivery", "\"READ\"").await;
    assert_eq!(live["contact_id"], contact.as_str());
    let messages = get(&app, &owner, &path).await;
    assert_eq!(messages["items"][0]["delivery"], "READ");
    let deliveries = get(
        &app,
        &owner,
        &format!(
            "/api/portal/tenant/current/webhooks/{}/deliveries",
            hook["id"].as_str().unwrap()
        ),
    )
    .await;
    let told: Vec<&str> = deliveries["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["payload"]["data"]["message"]["delivery"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(told.len(), 2, "{deliveries}");
    assert!(
        told.contains(&"DELIVERED") && told.contains(&"READ"),
        "{told:?}"
    );

    // Resolve: the worker hears it, and the bot may answer again.
    let resolve = owner
        .post(app.url(&format!(
            "/api/portal/tenant/current/conversations/{contact}/resolve"
        )))
        .send();
    let ((_, resolved), response) = tokio::join!(command(&mut link), resolve);
    let Command::Resolve { contact: wa_id, .. } = resolved else {
        panic!("expected a resolve, got {resolved:?}")
    };
    assert_eq!(wa_id, MARIA);
    let changed: Value = response.unwrap().json().await.unwrap();
    assert_eq!(changed["applied"], true);
    assert_eq!(changed["conversation"]["person_answered_at"], Value::Null);

    // A PDF goes with its type and checksum.
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let form = multipart(Some("Your invoice"), "invoice.pdf", "application/pdf", &pdf);
    let post = form(owner.post(app.url(&path))).send();
    let ((_, sent), response) = tokio::join!(command(&mut link), post);
    assert_eq!(response.unwrap().status(), 202);
    let Command::Send {
        media: Some(media),
        text,
        ..
    } = sent
    else {
        panic!("expected a send with a file, got {sent:?}")
    };
    assert_eq!(text, "Your invoice");
    assert_eq!(media.mime, "application/pdf");
    assert_eq!(media.sha256, hex::encode(Sha256::digest(&pdf)));

    // Refusals change nothing.
    let empty = owner
        .post(app.url(&path))
        .json(&json!({"text": "  "}))
        .sent()
        .await;
    expect_invalid(empty, "text").await;
    let not_a_pdf = multipart(
        None,
        "x.exe",
        "application/octet-stream",
        b"MZ not a document",
    );
    let refused = not_a_pdf(owner.post(app.url(&path))).sent().await;
    expect_invalid(refused, "file").await;

    // Labels and notes.
    let contact_path = format!("/api/portal/tenant/current/contacts/{contact}");
    let patched: Value = owner
        .patch(app.url(&contact_path))
        .json(&json!({"labels": ["vip", " VIP ", "delivery"], "notes": " window table "}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(patched["labels"], json!(["vip", "delivery"]));
    assert_eq!(patched["notes"], "window table");
    let refused = owner
        .patch(app.url(&contact_path))
        .json(&json!({"name": "x".repeat(101), "labels": [""]}))
        .sent()
        .await;
    let error = expect_invalid(refused, "name").await;
    assert!(
        error["message"].as_str().unwrap().contains("labels[0]"),
        "all errors at once: {error}"
    );
    let unchanged = get(
        &app,
        &owner,
        &format!("/api/portal/tenant/current/conversations/{contact}"),
    )
    .await;
    assert_eq!(unchanged["contact"]["labels"], json!(["vip", "delivery"]));
    assert_eq!(unchanged["contact"]["name"], "Maria");

    // The contacts as CSV: the labels and notes as saved.
    let csv = owner
        .get(app.url("/api/portal/tenant/current/contacts/export"))
        .sent()
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "name,number,whatsapp_name,labels,notes,first_seen,last_seen,assistant"
    );
    let row = lines.next().unwrap();
    assert!(
        row.starts_with("Maria,+5511987650001,Maria,vip; delivery,window table,"),
        "{row}"
    );
    assert!(row.ends_with(",on"), "{row}");

    // The operator's twin sees the same conversation.
    let admin = app
        .get_admin(&format!("/api/admin/tenants/{tenant}/conversations"))
        .await;
    assert_eq!(admin["items"][0]["contact"]["id"], contact.as_str());
    let missing = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{}/conversations", uuid::Uuid::now_v7()),
        )
        .sent()
        .await;
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

async fn conversations_are_found_by_name_number_or_words(app: TestApp) {
    let owner = browser();
    let (_tenant, mut link) = business_with_worker(&app, &owner).await;
    let mut joao = inbound(
        "wa-j",
        "+5521912340002",
        "Do you deliver to Niterói?",
        LoggedDecision::Fallback,
    );
    joao.push_name = Some("João".into());
    ship(
        &mut link,
        1,
        vec![
            inbound("wa-m", MARIA, "A table for four", LoggedDecision::Fallback),
            joao,
        ],
    )
    .await;
    let found = |q: &str| {
        let app = &app;
        let owner = &owner;
        let q = q.to_owned();
        async move {
            let page = get(
                app,
                owner,
                &format!(
                    "/api/portal/tenant/current/conversations?q={}",
                    urlencode(&q)
                ),
            )
            .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["contact"]["wa_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("maria").await, [MARIA]);
    assert_eq!(
        found("98765 0001").await,
        [MARIA],
        "a number as people type it"
    );
    assert_eq!(found("niterói").await, ["+5521912340002"]);
    assert_eq!(found("table").await, [MARIA]);
    assert!(
        found("100%").await.is_empty(),
        "LIKE's wildcards are literal"
    );
    let all = get(
        &app,
        &owner,
        "/api/portal/tenant/current/conversations?limit=1",
    )
    .await;
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    let cursor = all["next_cursor"].as_str().unwrap();
    let next = get(
        &app,
        &owner,
        &format!("/api/portal/tenant/current/conversations?limit=1&cursor={cursor}"),
    )
    .await;
    assert_eq!(next["items"].as_array().unwrap().len(), 1);
    assert_ne!(
        next["items"][0]["contact"]["id"],
        all["items"][0]["contact"]["id"]
    );
    assert_eq!(next["next_cursor"], Value::Null);
    app.stop().await;
}

/// A `multipart/form-data` body as a browser's form sends it.
fn multipart(
    text: Option<&str>,
    file_name: &str,
    mime: &str,
    bytes: &[u8],
) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    const BOUNDARY: &str = "----flowhq-test-7d1c";
    let mut body = Vec::new();
    if let Some(text) = text {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n{text}\r\n"
            )
            .bytes(),
        );
    }
    body.extend(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: {mime}\r\n\r\n"
        )
        .bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    move |request| {
        request
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(body)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn a_quick_reply_sends_its_text_and_file(app: TestApp) {
    use base64::Engine as _;
    let owner = browser();
    let (_tenant, mut link) = business_with_worker(&app, &owner).await;
    ship(
        &mut link,
        1,
        vec![inbound(
            "wa-q",
            MARIA,
            "price list?",
            LoggedDecision::Fallback,
        )],
    )
    .await;
    let list = get(&app, &owner, "/api/portal/tenant/current/conversations").await;
    let contact = list["items"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let path = "/api/portal/tenant/current/quick-replies";
    let created = owner
        .post(app.url(path))
        .json(&json!({
            "shortcut": "/Prices",
            "text": "Here is our price list",
            "media": {"file_name": "prices.pdf", "mime": "application/pdf",
                      "data_base64": base64::engine::general_purpose::STANDARD.encode(&pdf)},
        }))
        .sent()
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(
        created["shortcut"], "prices",
        "tidied: no slash, lower case"
    );
    let taken = owner
        .post(app.url(path))
        .json(&json!({"shortcut": "prices", "text": "again", "extra": 1}))
        .sent()
        .await;
    assert_eq!(taken.status(), 422, "unknown fields are refused");
    let taken = owner
        .post(app.url(path))
        .json(&json!({"shortcut": "prices", "text": "again"}))
        .sent()
        .await;
    expect_invalid(taken, "shortcut").await;
    let refused = owner
        .post(app.url(path))
        .json(&json!({"shortcut": "two words", "text": ""}))
        .sent()
        .await;
    let error = expect_invalid(refused, "shortcut").await;
    assert!(
        error["message"].as_str().unwrap().contains("text"),
        "all at once: {error}"
    );
    assert_eq!(get(&app, &owner, path).await.as_array().unwrap().len(), 1);

    // Named in an answer with no text: its text and its file go.
    let post = owner
        .post(app.url(&format!(
            "/api/portal/tenant/current/conversations/{contact}/messages"
        )))
        .json(&json!({"text": "", "quick_reply_id": created["id"]}))
        .send();
    let ((_, sent), response) = tokio::join!(command(&mut link), post);
    assert_eq!(response.unwrap().status(), 202);
    let Command::Send {
        text,
        media: Some(media),
        by_person,
        ..
    } = sent
    else {
        panic!("expected a send with the file, got {sent:?}")
    };
    assert_eq!(text, "Here is our price list");
    assert_eq!(media.sha256, hex::encode(Sha256::digest(&pdf)));
    assert!(by_person);

    // Another business's owner neither sees nor deletes it.
    let other = browser();
    app.sign_up(&other, "bob@example.com").await;
    assert_eq!(get(&app, &other, path).await, json!([]));
    let id = created["id"].as_str().unwrap();
    let gone = other.delete(app.url(&format!("{path}/{id}"))).sent().await;
    assert_eq!(gone.status(), 404);
    let gone = owner.delete(app.url(&format!("{path}/{id}"))).sent().await;
    assert_eq!(gone.status(), 204);
    assert_eq!(get(&app, &owner, path).await, json!([]));
    app.stop().await;
}

async fn conversation_files_are_deleted_after_the_retention(app: TestApp) {
    use base64::Engine as _;
    let owner = browser();
    let signed = app.sign_up(&owner, "ana@example.com").await;
    let tenant: flowhq_domain::TenantId = signed["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let path = "/api/portal/tenant/current/media-retention";
    assert_eq!(
        get(&app, &owner, path).await,
        json!({"days": null}),
        "kept by default"
    );
    let refused = owner
        .put(app.url(path))
        .json(&json!({"days": 0}))
        .sent()
        .await;
    expect_invalid(refused, "days").await;
    let refused = owner
        .put(app.url(path))
        .json(&json!({"days": 4000}))
        .sent()
        .await;
    expect_invalid(refused, "days").await;
    assert_eq!(
        get(&app, &owner, path).await,
        json!({"days": null}),
        "nothing changed"
    );

    // A photo a customer sent, and a quick reply's PDF: both 40 days old.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let sha = hex::encode(Sha256::digest(&png));
    app.state
        .media
        .store_received(&app.store, tenant, &sha, png)
        .await
        .unwrap();
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let created: Value = owner
        .post(app.url("/api/portal/tenant/current/quick-replies"))
        .json(&json!({"shortcut": "menu", "text": "Our menu", "media": {
            "file_name": "menu.pdf", "mime": "application/pdf",
            "data_base64": base64::engine::general_purpose::STANDARD.encode(&pdf)}}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let pdf_sha = created["media"]["sha256"].as_str().unwrap().to_owned();
    let old = (Utc::now() - chrono::Duration::days(40)).timestamp_millis();
    sqlx::query("UPDATE media_file SET created_at = $1 WHERE tenant_id = $2")
        .bind(old)
        .bind(tenant.to_string())
        .execute(app.store.pool())
        .await
        .unwrap();
    let media = |sha: String| {
        let owner = &owner;
        let app = &app;
        async move {
            owner
                .get(app.url(&format!("/api/portal/tenant/current/media/{sha}")))
                .sent()
                .await
                .status()
        }
    };

    // Kept for good: nothing goes.
    assert_eq!(
        flowhq_server::retention::sweep(&app.state).await.unwrap(),
        0
    );
    // 60 days: still young enough.
    let saved = owner
        .put(app.url(path))
        .json(&json!({"days": 60}))
        .sent()
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        flowhq_server::retention::sweep(&app.state).await.unwrap(),
        0
    );
    // 30 days: the photo goes, the quick reply's PDF stays.
    owner
        .put(app.url(path))
        .json(&json!({"days": 30}))
        .sent()
        .await;
    assert_eq!(get(&app, &owner, path).await, json!({"days": 30}));
    assert_eq!(
        flowhq_server::retention::sweep(&app.state).await.unwrap(),
        1
    );
    assert_eq!(media(sha.clone()).await, 404, "the photo is gone");
    assert_eq!(media(pdf_sha).await, 200, "the quick reply's file stays");
    assert!(
        !app.data_dir
            .join("media")
            .join(tenant.to_string())
            .join(&sha)
            .exists()
    );
    app.stop().await;
}
