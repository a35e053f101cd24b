//! The owner runs their own assistant, end to end with a real worker: hours
//! changed so that the business is closed now are what the very next
//! customer hears; a closure covering today names the reopening date; the
//! owner's switch stops and restarts the answers; a menu item of the
//! owner's sends its PDF.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{Datelike, Days, Utc};

use super::commands::logged;
use super::pairing::scan_until_active;
use super::*;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// An owner signed up through the portal, their setup request approved by
/// the operator and their phone linked: the owner's client and tenant id.
pub(super) async fn owner_with_active_tenant(env: &Env) -> (Client, TenantId) {
    let owner = Client::builder().cookie_store(true).build().unwrap();
    let (_, signed_up) = as_owner(
        env,
        &owner,
        Method::POST,
        "/api/portal/signup",
        json!({
            "name": "Lupe", "email": "lupe@example.com", "password": "tulip-harbour-42",
            "phone": "+5511987654321", "business_name": "Lupe"
        }),
    )
    .await;
    let id: TenantId = signed_up["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let (_, request) = as_owner(
        env,
        &owner,
        Method::POST,
        "/api/portal/setup-request",
        json!({
            "business_name": "Padaria da Lupe", "template_type": "RETAIL", "language": "EN",
            "whatsapp_number": "+5511987654000"
        }),
    )
    .await;
    let (status, body) = env
        .post(
            &format!(
                "/api/admin/setup-requests/{}/approve",
                request["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let tenant = scan_until_active(env, id, &env.url("")).await;
    assert_eq!(
        tenant["name"], "Padaria da Lupe",
        "the business names the tenant"
    );
    (owner, id)
}

/// `owner`'s call to the portal API: its status and JSON body.
async fn as_owner(
    env: &Env,
    owner: &Client,
    method: Method,
    path: &str,
    body: Value,
) -> (u16, Value) {
    call(owner.request(method, env.url(path)), body).await
}

async fn patch_config(env: &Env, owner: &Client, body: Value) -> Value {
    let (status, body) = as_owner(
        env,
        owner,
        Method::PATCH,
        "/api/portal/tenant/current/config",
        body,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["applied"], true, "the worker acknowledged: {body}");
    body
}

/// The text the bot sent `to`, once it has.
async fn reply_to(env: &Env, id: TenantId, to: &str) -> String {
    eventually(
        &format!("a reply to {to}"),
        Duration::from_secs(10),
        || async {
            env.outbox(id)
                .await
                .into_iter()
                .find(|m| m["to"] == to)
                .map(|m| m["text"].as_str().unwrap().to_owned())
        },
    )
    .await
}

flowhq_store::backend_tests!(run: the_owners_settings_and_switch_answer_the_next_customer);

async fn the_owners_settings_and_switch_answer_the_next_customer(mut env: Env) {
    let (server, port) = start_server(&env.db_url, env.data_dir.clone(), 0).await;
    env.port = port;
    let (owner, id) = owner_with_active_tenant(&env).await;

    // Open all day every day but today (UTC): closed now, open at midnight.
    let today = Utc::now().date_naive();
    let mut hours = json!({"timezone": "UTC"});
    for (index, day) in DAYS.iter().enumerate() {
        if index != today.weekday().num_days_from_monday() as usize {
            hours[day] = json!([["00:00", "24:00"]]);
        }
    }
    patch_config(&env, &owner, json!({ "hours": hours })).await;
    env.inbound(id, "+34600000001", "hello").await;
    let away = reply_to(&env, id, "+34600000001").await;
    assert!(
        away.contains("closed right now") && away.contains("tomorrow at 00:00"),
        "{away}"
    );

    // Open always, but closed from today for three days: the away message
    // names the date it reopens.
    let reopens = today.checked_add_days(Days::new(3)).unwrap();
    let always: serde_json::Map<String, Value> = DAYS
        .iter()
        .map(|d| ((*d).to_owned(), json!([["00:00", "24:00"]])))
        .collect();
    let mut hours = Value::Object(always);
    hours["timezone"] = json!("UTC");
    patch_config(
        &env,
        &owner,
        json!({
            "hours": hours,
            "closures": [{"from": today.to_string(), "to": (reopens - Days::new(1)).to_string(), "note": "Holidays"}]
        }),
    )
    .await;
    env.inbound(id, "+34600000002", "hello").await;
    let away = reply_to(&env, id, "+34600000002").await;
    let date = reopens.format("%-d %B").to_string();
    assert!(away.contains(&format!("{date} at 00:00")), "{date}: {away}");

    // Open again: the owner's switch off, the next message is not answered.
    patch_config(&env, &owner, json!({ "closures": [] })).await;
    let switch = "/api/portal/tenant/current";
    let (_, body) = as_owner(
        &env,
        &owner,
        Method::POST,
        &format!("{switch}/pause"),
        json!({}),
    )
    .await;
    assert_eq!(body, json!({"status": "PAUSED", "applied": true}));
    let paused = env.inbound(id, "+34600000003", "hello").await;
    let log = logged(&env, id, &paused).await;
    assert_eq!(log["bot_decision"], "PAUSED", "{log}");
    // Switched on: answered again.
    let (status, _) = as_owner(
        &env,
        &owner,
        Method::POST,
        &format!("{switch}/resume"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    env.inbound(id, "+34600000004", "hello").await;
    let welcome = reply_to(&env, id, "+34600000004").await;
    assert!(welcome.contains("Padaria da Lupe"), "{welcome}");
    assert!(
        !env.outbox(id)
            .await
            .iter()
            .any(|m| m["to"] == "+34600000003"),
        "the paused message was never answered"
    );

    // The owner's own item with a PDF: "pix" gets its answer and the file,
    // and the menu lists it in its place.
    let pdf: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(pdf))
    };
    let settings = patch_config(
        &env,
        &owner,
        json!({"menu": [
            {"label": "Opening hours", "answer": "{hours}", "keywords": ["hours"]},
            {"label": "Pix", "answer": "Our Pix key is in the PDF.", "keywords": ["pix"],
             "attachment": {"file_name": "pix.pdf", "mime": "application/pdf",
                            "data_base64": BASE64.encode(pdf)}}
        ]}),
    )
    .await;
    assert_eq!(settings["menu"][1]["attachment"]["sha256"], sha256);
    env.inbound(id, "+34600000005", "pix").await;
    let sent = eventually(
        "the answer and its PDF",
        Duration::from_secs(10),
        || async {
            let sent: Vec<Value> = env
                .outbox(id)
                .await
                .into_iter()
                .filter(|m| m["to"] == "+34600000005")
                .collect();
            (sent.len() == 2).then_some(sent)
        },
    )
    .await;
    assert_eq!(sent[0]["text"], "Our Pix key is in the PDF.");
    assert_eq!(sent[0]["media"], Value::Null);
    assert_eq!(sent[1]["media"]["mime"], "application/pdf");
    assert_eq!(sent[1]["media"]["sha256"], sha256);
    assert_eq!(sent[1]["media"]["size"], pdf.len());
    env.inbound(id, "+34600000005", "menu").await;
    let menu = eventually("the menu", Duration::from_secs(10), || async {
        env.outbox(id)
            .await
            .into_iter()
            .filter(|m| m["to"] == "+34600000005")
            .nth(2)
            .map(|m| m["text"].as_str().unwrap().to_owned())
    })
    .await;
    assert!(menu.contains("1. Opening hours\n2. Pix"), "{menu}");

    // A customer's photo with a caption: logged with its file, the caption
    // as its text.
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01";
    let (status, body) = env
        .post(
            &format!("/api/sim/tenants/{id}/inbound"),
            json!({"from": "+34600000006", "text": "is this in stock?",
                   "media": {"mime": "image/png", "file_name": "shoe.png", "data_base64": BASE64.encode(png)}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let log = logged(&env, id, body["wa_message_id"].as_str().unwrap()).await;
    assert_eq!(log["message_text"], "is this in stock?");
    assert_eq!(log["media"]["mime"], "image/png");
    assert_eq!(log["media"]["file_name"], "shoe.png");
    assert_eq!(log["media"]["size"], png.len());

    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}
