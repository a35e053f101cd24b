//! API keys: made by the owner or an operator, the secret shown once and
//! kept hashed, listed with their prefix, revoked at once.

use flowhq_domain::TenantId;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{SendOk, TestApp, browser, expect_error, expect_invalid, run};

flowhq_store::backend_tests!(run:
    a_key_is_shown_once_and_stored_hashed,
    key_bodies_are_checked_and_every_refused_field_named,
    a_revoked_or_unknown_key_opens_nothing,
    operators_manage_any_tenants_keys_and_its_guard,
    a_tenants_keys_are_its_own,
);

const KEYS: &str = "/api/portal/tenant/current/api-keys";

/// An owner signed up in a browser of their own, and their tenant.
pub async fn owner(app: &TestApp, email: &str) -> (Client, TenantId) {
    let client = browser();
    let signed_up = app.sign_up(&client, email).await;
    let tenant = signed_up["tenant"]["id"].as_str().unwrap().parse().unwrap();
    (client, tenant)
}

/// Makes a key with `scopes` as the owner in `client`; the answer.
pub async fn create_key(app: &TestApp, client: &Client, scopes: &[&str]) -> Value {
    let response = client
        .post(app.url(KEYS))
        .json(&json!({"name": "Shop", "scopes": scopes}))
        .sent()
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// An owner and a key of theirs with `scopes`: (tenant, secret).
pub async fn tenant_with_key(app: &TestApp, email: &str, scopes: &[&str]) -> (TenantId, String) {
    let (client, tenant) = owner(app, email).await;
    let key = create_key(app, &client, scopes).await;
    (tenant, key["secret"].as_str().unwrap().to_owned())
}

async fn a_key_is_shown_once_and_stored_hashed(app: TestApp) {
    let (client, tenant) = owner(&app, "ana@example.com").await;
    let created = create_key(&app, &client, &["messages:send", "contacts:read"]).await;
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("fhq_") && secret.len() == 44, "{secret}");
    assert_eq!(created["prefix"], secret[..12]);
    assert_eq!(created["name"], "Shop");
    assert_eq!(created["scopes"], json!(["messages:send", "contacts:read"]));
    assert_eq!(created["tenant_id"], tenant.to_string());
    assert_eq!(created["created_by"], "owner:ana@example.com");
    assert_eq!(created["last_used_at"], Value::Null);

    // Listed without the secret.
    let list: Value = client.get(app.url(KEYS)).sent().await.json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], created["id"]);
    assert!(items[0].get("secret").is_none(), "{list}");
    assert!(!list.to_string().contains(secret));

    // Stored as its SHA-256 only.
    let (stored,): (String,) = sqlx::query_as("SELECT secret_hash FROM api_key WHERE id = $1")
        .bind(created["id"].as_str().unwrap())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(stored, hex::encode(Sha256::digest(secret.as_bytes())));

    // Its use is noted.
    let status = app
        .client
        .get(app.url("/api/v1/status"))
        .bearer_auth(secret)
        .sent()
        .await;
    assert_eq!(status.status(), 200);
    let list: Value = client.get(app.url(KEYS)).sent().await.json().await.unwrap();
    assert!(list["items"][0]["last_used_at"].is_string(), "{list}");
    app.stop().await;
}

async fn key_bodies_are_checked_and_every_refused_field_named(app: TestApp) {
    let (client, _) = owner(&app, "ana@example.com").await;
    let refused = client
        .post(app.url(KEYS))
        .json(&json!({"name": " ", "scopes": ["messages:send", "root"]}))
        .sent()
        .await;
    let error = expect_invalid(refused, "name").await;
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("name") && message.contains("\"root\""),
        "{message}"
    );
    let none = client
        .post(app.url(KEYS))
        .json(&json!({"name": "Shop", "scopes": []}))
        .sent()
        .await;
    expect_invalid(none, "scopes").await;
    let list: Value = client.get(app.url(KEYS)).sent().await.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "nothing was made");
    app.stop().await;
}

async fn a_revoked_or_unknown_key_opens_nothing(app: TestApp) {
    let (client, _) = owner(&app, "ana@example.com").await;
    let created = create_key(&app, &client, &["messages:read"]).await;
    let secret = created["secret"].as_str().unwrap();
    let status = |token: String| {
        app.client
            .get(app.url("/api/v1/status"))
            .bearer_auth(token)
            .sent()
    };
    assert_eq!(status(secret.to_owned()).await.status(), 200);

    let revoked = client
        .delete(app.url(&format!("{KEYS}/{}", created["id"].as_str().unwrap())))
        .sent()
        .await;
    assert_eq!(revoked.status(), 200);
    let revoked: Value = revoked.json().await.unwrap();
    assert!(revoked["revoked_at"].is_string(), "{revoked}");

    expect_error(status(secret.to_owned()).await, 401, "unauthorized").await;
    // The same prefix with another secret, a malformed one, none at all.
    let forged = format!("{}{}", &secret[..12], "x".repeat(32));
    expect_error(status(forged).await, 401, "unauthorized").await;
    expect_error(status("fhq_nope".into()).await, 401, "unauthorized").await;
    let bare = app.client.get(app.url("/api/v1/status")).sent().await;
    expect_error(bare, 401, "unauthorized").await;
    // A session cookie does not open the public API.
    let with_cookie = client.get(app.url("/api/v1/status")).sent().await;
    expect_error(with_cookie, 401, "unauthorized").await;
    app.stop().await;
}

async fn operators_manage_any_tenants_keys_and_its_guard(app: TestApp) {
    let (client, tenant) = owner(&app, "ana@example.com").await;
    let keys = format!("/api/admin/tenants/{tenant}/api-keys");
    let made = app
        .send_admin_json(
            Method::POST,
            &keys,
            &json!({"name": "CRM", "scopes": ["webhooks:manage"]}),
        )
        .await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["created_by"], "admin-token");
    assert!(made["secret"].as_str().unwrap().starts_with("fhq_"));
    // The owner sees it too.
    let own: Value = client.get(app.url(KEYS)).sent().await.json().await.unwrap();
    assert_eq!(own["items"][0]["id"], made["id"]);
    let listed = app.get_admin(&keys).await;
    assert_eq!(listed["items"][0]["name"], "CRM");
    let revoked = app
        .send_admin(
            Method::DELETE,
            &format!("{keys}/{}", made["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(revoked.status(), 200);

    let settings = format!("/api/admin/tenants/{tenant}/api-settings");
    assert_eq!(
        app.get_admin(&settings).await,
        json!({"send_any_contact": false})
    );
    let lifted = app
        .send_admin_json(Method::PATCH, &settings, &json!({"send_any_contact": true}))
        .await;
    assert_eq!(lifted.status(), 200);
    assert_eq!(
        app.get_admin(&settings).await,
        json!({"send_any_contact": true})
    );
    let wrong = app
        .send_admin_json(
            Method::PATCH,
            &settings,
            &json!({"send_any_contact": "yes"}),
        )
        .await;
    expect_invalid(wrong, "send_any_contact").await;
    let unknown = app
        .send_admin(
            Method::GET,
            &format!("/api/admin/tenants/{}/api-settings", uuid::Uuid::now_v7()),
        )
        .await;
    expect_error(unknown, 404, "not_found").await;
    app.stop().await;
}

async fn a_tenants_keys_are_its_own(app: TestApp) {
    let (alice, a) = owner(&app, "alice@example.com").await;
    let (bob, b) = owner(&app, "bob@example.com").await;
    let alices = create_key(&app, &alice, &["messages:read"]).await;
    let id = alices["id"].as_str().unwrap();
    // Bob neither sees nor revokes it, as owner; nor does the admin path of
    // Bob's tenant.
    let list: Value = bob.get(app.url(KEYS)).sent().await.json().await.unwrap();
    assert_eq!(list["items"], json!([]));
    let by_bob = bob.delete(app.url(&format!("{KEYS}/{id}"))).sent().await;
    expect_error(by_bob, 404, "not_found").await;
    let wrong_tenant = app
        .send_admin(
            Method::DELETE,
            &format!("/api/admin/tenants/{b}/api-keys/{id}"),
        )
        .await;
    expect_error(wrong_tenant, 404, "not_found").await;
    let not_an_id = bob.delete(app.url(&format!("{KEYS}/nope"))).sent().await;
    expect_error(not_an_id, 404, "not_found").await;
    let key = app.store.api_key(a, id.parse().unwrap()).await.unwrap();
    assert_eq!(key.revoked_at, None, "still alive");
    app.stop().await;
}
