//! Walks every admin and portal route with the wrong identity: anonymous
//! callers get 401 everywhere, owners get 403 on the admin API, and an
//! owner's portal only ever shows their own tenant.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, run};

flowhq_store::backend_tests!(run: every_route_refuses_the_wrong_identity, owners_only_see_their_own_tenant);

/// Every admin route, with a real tenant and request id filled in.
fn admin_routes(tenant: &str, request: &str) -> Vec<(Method, String)> {
    let t = |suffix: &str| format!("/api/admin/tenants/{tenant}{suffix}");
    vec![
        (Method::POST, "/api/admin/tenants".into()),
        (Method::GET, "/api/admin/tenants".into()),
        (Method::GET, t("")),
        (Method::PATCH, t("")),
        (Method::DELETE, t("")),
        (Method::POST, t("/pause")),
        (Method::POST, t("/resume")),
        (Method::POST, t("/retry")),
        (Method::GET, t("/events")),
        (Method::GET, t("/messages")),
        (
            Method::GET,
            t("/messages/export?from=2026-01-01&to=2026-01-02"),
        ),
        (Method::GET, t("/config/history")),
        (Method::POST, t("/api-keys")),
        (Method::GET, t("/api-keys")),
        (
            Method::DELETE,
            t(&format!("/api-keys/{}", uuid::Uuid::now_v7())),
        ),
        (Method::GET, t("/api-settings")),
        (Method::PATCH, t("/api-settings")),
        (Method::POST, t("/config/undo")),
        (Method::GET, "/api/admin/setup-requests".into()),
        (Method::GET, "/api/admin/mail".into()),
        (Method::GET, "/api/admin/alerts".into()),
        (Method::POST, "/api/admin/invitations".into()),
        (Method::GET, "/api/admin/admins".into()),
        (Method::GET, "/api/admin/webhooks".into()),
        (Method::POST, "/api/admin/webhooks".into()),
        (Method::PATCH, format!("/api/admin/webhooks/{ANY_ID}")),
        (Method::DELETE, format!("/api/admin/webhooks/{ANY_ID}")),
        (
            Method::GET,
            format!("/api/admin/webhooks/{ANY_ID}/deliveries"),
        ),
        (
            Method::POST,
            format!("/api/admin/webhooks/{ANY_ID}/deliveries/replay"),
        ),
        (
            Method::POST,
            format!("/api/admin/webhooks/{ANY_ID}/deliveries/evt_x/replay"),
        ),
        (Method::GET, t("/webhooks")),
        (Method::GET, t(&format!("/webhooks/{ANY_ID}/deliveries"))),
        (Method::GET, t("/conversations")),
        (Method::GET, t(&format!("/conversations/{ANY_ID}/messages"))),
        (
            Method::POST,
            t(&format!("/conversations/{ANY_ID}/messages")),
        ),
        (Method::POST, t(&format!("/conversations/{ANY_ID}/resolve"))),
        (Method::PATCH, t(&format!("/contacts/{ANY_ID}"))),
        (Method::GET, t("/contacts/export")),
        (Method::GET, t("/staff")),
        (
            Method::POST,
            t(&format!("/webhooks/{ANY_ID}/deliveries/replay")),
        ),
        (
            Method::POST,
            format!("/api/admin/setup-requests/{request}/approve"),
        ),
        (
            Method::POST,
            format!("/api/admin/setup-requests/{request}/reject"),
        ),
    ]
}

const PORTAL_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/portal/setup-request"),
    ("GET", "/api/portal/tenant/current/status"),
    ("GET", "/api/portal/tenant/current/messages"),
    (
        "GET",
        "/api/portal/tenant/current/messages/export?from=2026-01-01&to=2026-01-02",
    ),
    ("GET", "/api/portal/tenant/current/config"),
    ("PATCH", "/api/portal/tenant/current/config"),
    ("POST", "/api/portal/tenant/current/pause"),
    ("POST", "/api/portal/tenant/current/resume"),
    ("GET", "/api/portal/tenant/current/config/history"),
    ("POST", "/api/portal/tenant/current/config/undo"),
    ("POST", "/api/portal/verify-email/resend"),
    ("GET", "/api/portal/tenant/current/webhooks"),
    ("POST", "/api/portal/tenant/current/webhooks"),
    (
        "PATCH",
        "/api/portal/tenant/current/webhooks/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "DELETE",
        "/api/portal/tenant/current/webhooks/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "GET",
        "/api/portal/tenant/current/webhooks/0190a5f0-0000-7000-8000-000000000000/deliveries",
    ),
    (
        "POST",
        "/api/portal/tenant/current/webhooks/0190a5f0-0000-7000-8000-000000000000/deliveries/replay",
    ),
    (
        "POST",
        "/api/portal/tenant/current/webhooks/0190a5f0-0000-7000-8000-000000000000/deliveries/evt_x/replay",
    ),
    ("POST", "/api/portal/tenant/current/api-keys"),
    ("GET", "/api/portal/tenant/current/api-keys"),
    ("GET", "/api/portal/tenant/current/conversations"),
    (
        "GET",
        "/api/portal/tenant/current/conversations/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "GET",
        "/api/portal/tenant/current/conversations/0190a5f0-0000-7000-8000-000000000000/messages",
    ),
    (
        "POST",
        "/api/portal/tenant/current/conversations/0190a5f0-0000-7000-8000-000000000000/messages",
    ),
    (
        "POST",
        "/api/portal/tenant/current/conversations/0190a5f0-0000-7000-8000-000000000000/resolve",
    ),
    (
        "POST",
        "/api/portal/tenant/current/conversations/0190a5f0-0000-7000-8000-000000000000/assistant",
    ),
    (
        "PATCH",
        "/api/portal/tenant/current/contacts/0190a5f0-0000-7000-8000-000000000000",
    ),
    ("GET", "/api/portal/tenant/current/events"),
    ("GET", "/api/portal/tenant/current/contacts/export"),
    ("GET", "/api/portal/tenant/current/quick-replies"),
    ("GET", "/api/portal/tenant/current/staff"),
    ("POST", "/api/portal/tenant/current/staff"),
    (
        "DELETE",
        "/api/portal/tenant/current/staff/0190a5f0-0000-7000-8000-000000000000",
    ),
    ("GET", "/api/portal/tenant/current/media-retention"),
    ("PUT", "/api/portal/tenant/current/media-retention"),
    ("POST", "/api/portal/tenant/current/quick-replies"),
    (
        "DELETE",
        "/api/portal/tenant/current/quick-replies/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "DELETE",
        "/api/portal/tenant/current/api-keys/0190a0a0-0000-7000-8000-000000000000",
    ),
];

/// The public API: open to a tenant's key only, never to a session.
const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("POST", "/api/v1/messages"),
    ("GET", "/api/v1/messages"),
    ("GET", "/api/v1/contacts"),
    ("GET", "/api/v1/status"),
    ("GET", "/api/v1/webhooks"),
    ("POST", "/api/v1/webhooks"),
    (
        "PATCH",
        "/api/v1/webhooks/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "DELETE",
        "/api/v1/webhooks/0190a5f0-0000-7000-8000-000000000000",
    ),
    (
        "GET",
        "/api/v1/webhooks/0190a5f0-0000-7000-8000-000000000000/deliveries",
    ),
    (
        "POST",
        "/api/v1/webhooks/0190a5f0-0000-7000-8000-000000000000/deliveries/evt_x/replay",
    ),
];

/// An id that names nothing: the refusals come before any look-up.
const ANY_ID: &str = "0190a5f0-0000-7000-8000-000000000000";

async fn every_route_refuses_the_wrong_identity(app: TestApp) {
    let owner = browser();
    let signed_up = app.sign_up(&owner, "victim@example.com").await;
    let tenant = signed_up["tenant"]["id"].as_str().unwrap().to_owned();
    let request: Value = owner
        .post(app.url("/api/portal/setup-request"))
        .json(&json!({"business_name": "V", "template_type": "GENERIC", "language": "EN", "whatsapp_number": "+5511987654000"}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let request = request["id"].as_str().unwrap().to_owned();
    let anonymous = reqwest::Client::new();

    for (method, path) in admin_routes(&tenant, &request) {
        let body = json!({"name": "x", "phone_number": "+34600000000", "notes": "n"});
        let anon = anonymous
            .request(method.clone(), app.url(&path))
            .json(&body)
            .sent()
            .await;
        assert_eq!(anon.status(), 401, "anonymous {method} {path}");
        let as_owner = owner
            .request(method.clone(), app.url(&path))
            .json(&body)
            .sent()
            .await;
        assert_eq!(as_owner.status(), 403, "owner {method} {path}");
    }
    for (method, path) in PORTAL_ROUTES {
        let method: Method = method.parse().unwrap();
        let anon = anonymous
            .request(method.clone(), app.url(path))
            .json(&json!({}))
            .sent()
            .await;
        assert_eq!(anon.status(), 401, "anonymous {method} {path}");
    }
    for (method, path) in PUBLIC_ROUTES {
        let method: Method = method.parse().unwrap();
        for client in [&anonymous, &owner] {
            let refused = client
                .request(method.clone(), app.url(path))
                .json(&json!({"to": "+5511900000000", "text": "x"}))
                .sent()
                .await;
            assert_eq!(refused.status(), 401, "{method} {path}");
        }
        let admin = app
            .admin(method.clone(), path)
            .json(&json!({}))
            .sent()
            .await;
        assert_eq!(
            admin.status(),
            401,
            "the admin token is no API key: {method} {path}"
        );
    }
    // Nothing the refused calls asked for happened.
    let detail: Value = app.get_admin(&format!("/api/admin/tenants/{tenant}")).await;
    assert_eq!(detail["status"], "PENDING");
    assert_eq!(detail["setup_request"]["status"], "PENDING");
    app.stop().await;
}

/// `client`'s GET of `path`, as JSON.
async fn read(app: &TestApp, client: &reqwest::Client, path: &str) -> Value {
    client.get(app.url(path)).sent().await.json().await.unwrap()
}

async fn owners_only_see_their_own_tenant(app: TestApp) {
    use flowhq_domain::protocol::LoggedMessage;
    use flowhq_domain::{Direction, TenantId};
    let alice = browser();
    let bob = browser();
    let a = app.sign_up(&alice, "alice@example.com").await;
    let b = app.sign_up(&bob, "bob@example.com").await;
    let a_id: TenantId = a["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let message = LoggedMessage {
        direction: Direction::Inbound,
        from_number: "+5511900000000".into(),
        to_number: "+5511987654321".into(),
        message_text: "secret of alice".into(),
        wa_message_id: "wa-a".into(),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: chrono::Utc::now(),
    };
    app.store.log_messages(a_id, &[message]).await.unwrap();

    let bob_status = read(&app, &bob, "/api/portal/tenant/current/status").await;
    assert_eq!(bob_status["tenant"]["id"], b["tenant"]["id"]);
    let bob_messages = read(&app, &bob, "/api/portal/tenant/current/messages").await;
    assert_eq!(bob_messages["items"], json!([]));
    let alice_messages = read(&app, &alice, "/api/portal/tenant/current/messages").await;
    assert_eq!(
        alice_messages["items"][0]["message_text"],
        "secret of alice"
    );
    // The inbox: Alice's conversation is not Bob's to see or touch.
    let alice_inbox = read(&app, &alice, "/api/portal/tenant/current/conversations").await;
    let contact = alice_inbox["items"][0]["contact"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bob_inbox = read(&app, &bob, "/api/portal/tenant/current/conversations").await;
    assert_eq!(bob_inbox["items"], json!([]));
    let c = |suffix: &str| format!("/api/portal/tenant/current/conversations/{contact}{suffix}");
    for (method, path, body) in [
        (Method::GET, c(""), json!({})),
        (Method::GET, c("/messages"), json!({})),
        (Method::POST, c("/messages"), json!({"text": "hi"})),
        (Method::POST, c("/resolve"), json!({})),
        (Method::POST, c("/assistant"), json!({"on": false})),
        (
            Method::PATCH,
            format!("/api/portal/tenant/current/contacts/{contact}"),
            json!({"notes": "mine"}),
        ),
    ] {
        let refused = bob
            .request(method.clone(), app.url(&path))
            .json(&body)
            .sent()
            .await;
        assert_eq!(refused.status(), 404, "Bob {method} {path}");
    }
    let still = read(&app, &alice, &c("")).await;
    assert_eq!(
        still["contact"]["notes"], "",
        "nothing Bob asked for happened"
    );
    assert_eq!(still["contact"]["assistant_off"], false);

    // Settings: Bob's change is his own; Alice's stay as they were.
    let config = "/api/portal/tenant/current/config";
    let alice_before = read(&app, &alice, config).await;
    let changed = bob
        .patch(app.url(config))
        .json(&json!({"business_name": "Bob's", "closures": [{"from": "2026-01-01", "to": "2026-01-02"}]}))
        .sent()
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(read(&app, &alice, config).await, alice_before);
    let a_detail = app.get_admin(&format!("/api/admin/tenants/{a_id}")).await;
    assert_ne!(a_detail["name"], "Bob's");

    // API keys: Bob's key reads Bob's tenant, and Alice's keys stay hers.
    let keys = "/api/portal/tenant/current/api-keys";
    let made: Value = alice
        .post(app.url(keys))
        .json(&json!({"name": "A", "scopes": ["messages:read"]}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    let bob_key: Value = bob
        .post(app.url(keys))
        .json(&json!({"name": "B", "scopes": ["messages:read"]}))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        read(&app, &bob, keys).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let alices = format!("{keys}/{}", made["id"].as_str().unwrap());
    assert_eq!(bob.delete(app.url(&alices)).sent().await.status(), 404);
    let bob_reads: Value = app
        .client
        .get(app.url("/api/v1/messages"))
        .bearer_auth(bob_key["secret"].as_str().unwrap())
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bob_reads["items"], json!([]));
    app.stop().await;
}
