//! Staff (`/api/portal/tenant/current/staff`): the owner invites someone by
//! email, they choose a password through the mailed link and answer from
//! the inbox (their replies carry their name), settings and keys answer
//! them 403, and once removed their session opens nothing.

use flowhq_domain::protocol::{Command, Down, LoggedMessage, Up};
use flowhq_domain::{Direction, SessionState};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, expect_error, expect_invalid, run, token_for};
use crate::link_client;

flowhq_store::backend_tests!(run:
    an_invited_staff_member_answers_from_the_inbox_and_nothing_else,
);

const BUSINESS: &str = "+5511987654321";
const MARIA: &str = "+5511987650001";
const STAFF_PASSWORD: &str = "lantern-orchard-63";

fn message(id: &str, direction: Direction, text: &str) -> LoggedMessage {
    let (from, to) = match direction {
        Direction::Inbound => (MARIA, BUSINESS),
        Direction::Outbound => (BUSINESS, MARIA),
    };
    LoggedMessage {
        direction,
        from_number: from.into(),
        to_number: to.into(),
        message_text: text.into(),
        wa_message_id: id.into(),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: Some("Maria".into()),
        client_id: None,
        hidden_id: None,
        created_at: chrono::Utc::now(),
    }
}

/// The token of the invitation mailed to `to`.
async fn invitation_token(app: &TestApp, to: &str) -> (String, Value) {
    let response = app.send_admin(Method::GET, "/api/admin/mail").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let mail = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["kind"] == "invitation" && m["to"] == to)
        .unwrap_or_else(|| panic!("no invitation to {to}: {body}"))
        .clone();
    let text = mail["text"].as_str().unwrap();
    let start = text.find("token=").expect("an invitation link") + "token=".len();
    (text[start..start + 64].to_owned(), mail)
}

async fn an_invited_staff_member_answers_from_the_inbox_and_nothing_else(app: TestApp) {
    let owner = browser();
    let signed = app.sign_up(&owner, "ana@example.com").await;
    let tenant = signed["tenant"]["id"].as_str().unwrap().to_owned();
    let staff_path = "/api/portal/tenant/current/staff";
    let invite = |email: &str, name: &str| {
        owner
            .post(app.url(staff_path))
            .json(&json!({"email": email, "name": name}))
            .send()
    };

    expect_invalid(invite("not-an-email", "Bruno").await.unwrap(), "email").await;
    expect_invalid(invite("bruno@example.com", "").await.unwrap(), "name").await;
    expect_error(
        invite("ana@example.com", "Ana again").await.unwrap(),
        409,
        "conflict",
    )
    .await;
    let response = invite("Bruno@Example.com", "Bruno Lima").await.unwrap();
    assert_eq!(response.status(), 201);
    let invited: Value = response.json().await.unwrap();
    assert_eq!(invited["user"]["role"], "STAFF");
    assert_eq!(invited["user"]["tenant_id"], tenant.as_str());
    let bruno_id = invited["user"]["id"].as_str().unwrap().to_owned();

    let listed: Value = owner
        .get(app.url(staff_path))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let people = listed["items"].as_array().unwrap();
    assert_eq!(people.len(), 2, "{listed}");
    assert_eq!(people[0]["user"]["role"], "OWNER");
    assert_eq!(people[1]["user"]["email"], "bruno@example.com");
    assert!(people[1]["invited_until"].is_string());
    let admin_twin = app
        .get_admin(&format!("/api/admin/tenants/{tenant}/staff"))
        .await;
    assert_eq!(admin_twin["items"], listed["items"]);

    // The mail names the business; the account opens only through it.
    let (token, mail) = invitation_token(&app, "bruno@example.com").await;
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .contains("Business of ana@example.com"),
        "{mail}"
    );
    let staff = browser();
    let login = || {
        staff
            .post(app.url("/api/portal/login"))
            .json(&json!({"email": "bruno@example.com", "password": STAFF_PASSWORD}))
            .send()
    };
    assert_eq!(login().await.unwrap().status(), 401);
    let accepted = reqwest::Client::new()
        .post(app.url("/api/portal/invitation/accept"))
        .json(&json!({"token": token, "password": STAFF_PASSWORD}))
        .sent()
        .await;
    assert_eq!(accepted.status(), 204);
    assert_eq!(login().await.unwrap().status(), 200);

    // Settings, keys, staff, webhooks, the log and the business's switches
    // are the owner's.
    for (method, path, body) in [
        (Method::GET, "/api/portal/tenant/current/config", None),
        (
            Method::PATCH,
            "/api/portal/tenant/current/config",
            Some(json!({"business_name": "Bruno's"})),
        ),
        (Method::GET, "/api/portal/tenant/current/api-keys", None),
        (
            Method::POST,
            "/api/portal/tenant/current/api-keys",
            Some(json!({"name": "mine"})),
        ),
        (Method::GET, "/api/portal/tenant/current/webhooks", None),
        (Method::GET, staff_path, None),
        (
            Method::POST,
            staff_path,
            Some(json!({"email": "c@example.com", "name": "C"})),
        ),
        (Method::GET, "/api/portal/tenant/current/messages", None),
        (Method::POST, "/api/portal/tenant/current/pause", None),
        (
            Method::PUT,
            "/api/portal/tenant/current/media-retention",
            Some(json!({"days": 1})),
        ),
        (
            Method::POST,
            "/api/portal/tenant/current/quick-replies",
            Some(json!({"shortcut": "hi", "text": "Hello"})),
        ),
    ] {
        let mut request = staff.request(method.clone(), app.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        expect_error(request.sent().await, 403, "forbidden").await;
    }
    let people_now: Value = owner
        .get(app.url(staff_path))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        people_now["items"].as_array().unwrap().len(),
        2,
        "nothing changed"
    );

    // The inbox is theirs: a customer writes, Bruno answers, the log says
    // it was Bruno.
    let worker_token = token_for(&app, &tenant).await;
    let (mut link, _) =
        link_client::hello(&app, &tenant, &worker_token, SessionState::Connected, 0).await;
    link.send(&Up::Messages {
        id: 1,
        messages: vec![message("wa-1", Direction::Inbound, "Is anyone there?")],
        receipts: vec![],
    })
    .await;
    assert!(matches!(
        link.receive().await,
        Down::Logged { inserted: 1, .. }
    ));
    let list: Value = staff
        .get(app.url("/api/portal/tenant/current/conversations"))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let contact = list["items"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        "/api/portal/tenant/current/quick-replies".to_owned(),
        "/api/portal/tenant/current/contacts/export".to_owned(),
        format!("/api/portal/tenant/current/conversations/{contact}"),
    ] {
        assert_eq!(
            staff.get(app.url(&path)).sent().await.status(),
            200,
            "{path}"
        );
    }
    let patched = staff
        .patch(app.url(&format!("/api/portal/tenant/current/contacts/{contact}")))
        .json(&json!({"labels": ["vip"]}))
        .sent()
        .await;
    assert_eq!(patched.status(), 200);

    let path = format!("/api/portal/tenant/current/conversations/{contact}/messages");
    let post = staff
        .post(app.url(&path))
        .json(&json!({"text": "Bruno here, how can I help?"}))
        .send();
    let (commanded, response) = tokio::join!(link.receive(), post);
    assert_eq!(response.unwrap().status(), 202);
    let Down::Command(commanded) = commanded else {
        panic!("expected the send")
    };
    assert!(matches!(
        commanded.command,
        Command::Send {
            by_person: true,
            ..
        }
    ));
    link.send(&Up::Done {
        id: commanded.id.clone(),
        error: None,
    })
    .await;
    let mut sent = message("out-1", Direction::Outbound, "Bruno here, how can I help?");
    sent.push_name = None;
    sent.client_id = Some(commanded.id);
    link.send(&Up::Messages {
        id: 2,
        messages: vec![sent],
        receipts: vec![],
    })
    .await;
    assert!(matches!(
        link.receive().await,
        Down::Logged { inserted: 1, .. }
    ));
    let messages: Value = owner.get(app.url(&path)).sent().await.json().await.unwrap();
    let answer = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "OUTBOUND")
        .unwrap()
        .clone();
    assert_eq!(answer["sent_by"], bruno_id.as_str());
    assert_eq!(answer["sent_by_name"], "Bruno Lima");

    // Another business's owner cannot remove Bruno, nor Ana herself.
    let other = browser();
    app.sign_up(&other, "carla@example.com").await;
    let remove = |client: &reqwest::Client, id: &str| {
        client.delete(app.url(&format!("{staff_path}/{id}"))).send()
    };
    expect_error(remove(&other, &bruno_id).await.unwrap(), 404, "not_found").await;
    let ana_id = signed["user"]["id"].as_str().unwrap().to_owned();
    expect_error(remove(&owner, &ana_id).await.unwrap(), 404, "not_found").await;
    assert_eq!(remove(&owner, &bruno_id).await.unwrap().status(), 204);
    // Removed: the session opens nothing, the reply keeps its author's id.
    let after = staff
        .get(app.url("/api/portal/tenant/current/conversations"))
        .sent()
        .await;
    assert_eq!(after.status(), 401);
    let messages: Value = owner.get(app.url(&path)).sent().await.json().await.unwrap();
    let answer = messages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["direction"] == "OUTBOUND")
        .unwrap()
        .clone();
    assert_eq!(answer["sent_by"], bruno_id.as_str());
    assert_eq!(answer["sent_by_name"], Value::Null);
    app.stop().await;
}
