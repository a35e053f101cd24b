use flowhq_domain::TenantId;
use flowhq_domain::lifecycle::Event;
use flowhq_store::Backend;
use flowhq_store::testing::TestDb;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    ADMIN_TOKEN, SendOk, TestApp, expect_error, expect_invalid, run, spawn_app_with,
};

flowhq_store::backend_tests!(run:
    create_returns_the_tenant_with_its_relations,
    list_is_newest_first_with_filters_and_cursor,
    admin_api_requires_a_valid_token,
    malformed_bodies_are_400_and_change_nothing,
    invalid_fields_are_422_naming_the_field_and_change_nothing,
    oversized_bodies_are_413,
    unknown_and_malformed_ids_are_404,
    refused_lifecycle_moves_are_409_and_change_nothing,
    lifecycle_endpoints_move_the_tenant_and_write_the_trail,
    patch_edits_and_validates,
    delete_removes_the_tenant,
    messages_are_listed_newest_first,
);

async fn tenant_count(app: &TestApp) -> usize {
    let list: Value = app.get_admin("/api/admin/tenants?limit=200").await;
    list["items"].as_array().unwrap().len()
}

async fn create_returns_the_tenant_with_its_relations(app: TestApp) {
    let response = app.send_admin_json(Method::POST, "/api/admin/tenants", &json!({
            "name": "  Cafe Lua ",
            "phone_number": "+55 (11) 91234-5678",
            "config": {
                "template_type": "RESTAURANT",
                "language": "PT",
                "hours": {"timezone": "America/Sao_Paulo", "mon": [["09:00", "13:00"], ["15:00", "19:00"]], "fri": [["22:00", "02:00"]]}
            }
        })).await;
    assert_eq!(response.status(), 201);
    let tenant: Value = response.json().await.unwrap();
    assert_eq!(tenant["name"], "Cafe Lua");
    assert_eq!(tenant["phone_number"], "+5511912345678");
    assert_eq!(tenant["status"], "NEW");
    assert_eq!(tenant["config"]["template_type"], "RESTAURANT");
    assert_eq!(tenant["config"]["business_name"], "Cafe Lua");
    assert_eq!(
        tenant["config"]["hours"]["fri"],
        json!([["22:00", "02:00"]])
    );
    assert_eq!(tenant["session"]["state"], "DISCONNECTED");
    assert_eq!(tenant["worker"]["status"], "STOPPED");
    assert_eq!(
        tenant["worker"]["process_name"],
        format!("flowhq-worker-{}", tenant["id"].as_str().unwrap())
    );
    assert_eq!(tenant["setup_request"], Value::Null);

    let id = tenant["id"].as_str().unwrap();
    let fetched: Value = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    assert_eq!(fetched, tenant);
    app.stop().await;
}

async fn list_is_newest_first_with_filters_and_cursor(app: TestApp) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let tenant = app
            .create_tenant(&format!("Salon {i}"), &format!("+34600000{i:03}"))
            .await;
        ids.push(tenant["id"].as_str().unwrap().to_owned());
    }
    app.create_tenant("Clinic", "+34611111111").await;
    let page: Value = app.get_admin("/api/admin/tenants?q=salon&limit=3").await;
    let got: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, vec![ids[4].clone(), ids[3].clone(), ids[2].clone()]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let next: Value = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants?q=salon&limit=3&cursor={cursor}"),
        )
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"].as_array().unwrap().len(), 2);
    assert_eq!(next["next_cursor"], Value::Null);

    let id: TenantId = ids[0].parse().unwrap();
    app.store
        .apply_event(id, Event::SetupRequestSubmitted, "test")
        .await
        .unwrap();
    let pending: Value = app.get_admin("/api/admin/tenants?status=PENDING").await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
    assert_eq!(pending["items"][0]["id"], ids[0]);

    let bad = app
        .send_admin(Method::GET, "/api/admin/tenants?status=SLEEPING")
        .await;
    expect_invalid(bad, "status").await;
    let bad = app
        .send_admin(Method::GET, "/api/admin/tenants?limit=0")
        .await;
    expect_invalid(bad, "limit").await;
    let bad = app
        .send_admin(Method::GET, "/api/admin/tenants?cursor=abc")
        .await;
    expect_invalid(bad, "cursor").await;
    app.stop().await;
}

async fn admin_api_requires_a_valid_token(app: TestApp) {
    let none = app.client.get(app.url("/api/admin/tenants")).sent().await;
    expect_error(none, 401, "unauthorized").await;
    let wrong = app
        .client
        .get(app.url("/api/admin/tenants"))
        .bearer_auth("not-the-token-at-all")
        .sent()
        .await;
    expect_error(wrong, 401, "unauthorized").await;
    let prefix = app
        .client
        .get(app.url("/api/admin/tenants"))
        .bearer_auth(&ADMIN_TOKEN[..10])
        .sent()
        .await;
    expect_error(prefix, 401, "unauthorized").await;
    let create = app
        .client
        .post(app.url("/api/admin/tenants"))
        .json(&json!({"name": "X", "phone_number": "+34600000001"}))
        .sent()
        .await;
    expect_error(create, 401, "unauthorized").await;
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn malformed_bodies_are_400_and_change_nothing(app: TestApp) {
    let broken = app
        .admin(Method::POST, "/api/admin/tenants")
        .header("content-type", "application/json")
        .body("{\"name\": \"X\", ")
        .sent()
        .await;
    expect_error(broken, 400, "malformed_request").await;
    let not_json = app
        .admin(Method::POST, "/api/admin/tenants")
        .body("name=X")
        .sent()
        .await;
    // Not said to be JSON: refused by its media type.
    expect_error(not_json, 415, "unsupported_media_type").await;
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn invalid_fields_are_422_naming_the_field_and_change_nothing(app: TestApp) {
    let cases = [
        (json!({"name": "", "phone_number": "+34600000001"}), "name"),
        (
            json!({"name": "X", "phone_number": "600000001"}),
            "phone_number",
        ),
        (json!({"phone_number": "+34600000001"}), "body"),
        (json!({"name": 7, "phone_number": "+34600000001"}), "name"),
        (
            json!({"name": "X", "phone_number": "+34600000001", "color": "red"}),
            "color",
        ),
        (
            json!({"name": "X", "phone_number": "+34600000001", "config": {"template_type": "BAKERY"}}),
            "config.template_type",
        ),
        (
            json!({"name": "X", "phone_number": "+34600000001", "config": {"language": "FR"}}),
            "config.language",
        ),
        (
            json!({"name": "X", "phone_number": "+34600000001", "config": {"hours": {"timezone": "Nowhere/City"}}}),
            "config.hours",
        ),
        (
            json!({"name": "X", "phone_number": "+34600000001", "config": {"hours": {"timezone": "UTC", "mon": [["9", "17"]]}}}),
            "config.hours",
        ),
    ];
    for (body, field) in cases {
        let response = app
            .send_admin_json(Method::POST, "/api/admin/tenants", &body)
            .await;
        expect_invalid(response, field).await;
    }
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn oversized_bodies_are_413(app: TestApp) {
    let huge = "x".repeat(2 * 1024 * 1024);
    let response = app
        .send_admin_json(
            Method::POST,
            "/api/admin/tenants",
            &json!({"name": huge, "phone_number": "+34600000001"}),
        )
        .await;
    // The unread rest of the body ends the connection: the client is told,
    // so that its next request (below) does not race the close.
    assert_eq!(response.headers()["connection"], "close");
    expect_error(response, 413, "payload_too_large").await;
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn unknown_and_malformed_ids_are_404(app: TestApp) {
    let unknown = TenantId::new();
    for path in [
        format!("/api/admin/tenants/{unknown}"),
        "/api/admin/tenants/not-an-id".to_owned(),
        format!("/api/admin/tenants/{unknown}/events"),
        format!("/api/admin/tenants/{unknown}/messages"),
    ] {
        let response = app.send_admin(Method::GET, &path).await;
        expect_error(response, 404, "not_found").await;
    }
    let pause = app
        .send_admin(Method::POST, &format!("/api/admin/tenants/{unknown}/pause"))
        .await;
    expect_error(pause, 404, "not_found").await;
    let delete = app
        .send_admin(Method::DELETE, &format!("/api/admin/tenants/{unknown}"))
        .await;
    expect_error(delete, 404, "not_found").await;
    let patch = app
        .send_admin_json(
            Method::PATCH,
            &format!("/api/admin/tenants/{unknown}"),
            &json!({"name": "Y"}),
        )
        .await;
    expect_error(patch, 404, "not_found").await;
    app.stop().await;
}

async fn refused_lifecycle_moves_are_409_and_change_nothing(app: TestApp) {
    let tenant = app.create_tenant("Shop", "+34600000009").await;
    let id = tenant["id"].as_str().unwrap();
    for action in ["pause", "resume", "retry"] {
        let response = app
            .send_admin(Method::POST, &format!("/api/admin/tenants/{id}/{action}"))
            .await;
        let error = expect_error(response, 409, "invalid_transition").await;
        assert!(
            error["message"].as_str().unwrap().contains("NEW"),
            "{error}"
        );
    }
    let after: Value = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    assert_eq!(after["status"], "NEW");
    assert_eq!(after["updated_at"], tenant["updated_at"]);
    let events: Value = app
        .get_admin(&format!("/api/admin/tenants/{id}/events"))
        .await;
    assert_eq!(events["items"], json!([]));
    app.stop().await;
}

async fn lifecycle_endpoints_move_the_tenant_and_write_the_trail(app: TestApp) {
    let tenant = app.create_tenant("Shop", "+34600000010").await;
    let id = tenant["id"].as_str().unwrap();
    let tenant_id: TenantId = id.parse().unwrap();
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        app.store
            .apply_event(tenant_id, event, "test")
            .await
            .unwrap();
    }
    let paused: Value = app
        .send_admin(Method::POST, &format!("/api/admin/tenants/{id}/pause"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paused["status"], "PAUSED");
    let again = app
        .send_admin(Method::POST, &format!("/api/admin/tenants/{id}/pause"))
        .await;
    expect_error(again, 409, "invalid_transition").await;
    let resumed: Value = app
        .send_admin(Method::POST, &format!("/api/admin/tenants/{id}/resume"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resumed["status"], "ACTIVE");
    let events: Value = app
        .get_admin(&format!("/api/admin/tenants/{id}/events"))
        .await;
    let items = events["items"].as_array().unwrap();
    assert_eq!(items.len(), 6);
    assert_eq!(items[4]["event"], "PAUSE");
    assert_eq!(items[4]["from_status"], "ACTIVE");
    assert_eq!(items[4]["to_status"], "PAUSED");
    assert_eq!(items[4]["actor"], "admin-token");
    assert_eq!(items[5]["event"], "RESUME");
    app.stop().await;
}

async fn patch_edits_and_validates(app: TestApp) {
    let tenant = app.create_tenant("Shop", "+34600000011").await;
    let id = tenant["id"].as_str().unwrap();
    let body = json!({
        "name": "Shop Two",
        "config": {
            "language": "ES",
            "hours": {"timezone": "Europe/Madrid", "sat": [["10:00", "24:00"]]}
        }
    });
    let patched: Value = app
        .send_admin_json(Method::PATCH, &format!("/api/admin/tenants/{id}"), &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(patched["name"], "Shop Two");
    assert_eq!(patched["phone_number"], tenant["phone_number"]);
    assert_eq!(patched["config"]["language"], "ES");
    assert_eq!(
        patched["config"]["hours"]["sat"],
        json!([["10:00", "24:00"]])
    );
    let bad = app
        .send_admin_json(
            Method::PATCH,
            &format!("/api/admin/tenants/{id}"),
            &json!({"name": "Ok", "phone_number": "nope"}),
        )
        .await;
    expect_invalid(bad, "phone_number").await;
    let unchanged: Value = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    assert_eq!(unchanged["name"], "Shop Two");
    app.stop().await;
}

async fn delete_removes_the_tenant(app: TestApp) {
    let tenant = app.create_tenant("Shop", "+34600000012").await;
    let id = tenant["id"].as_str().unwrap();
    let response = app
        .send_admin(Method::DELETE, &format!("/api/admin/tenants/{id}"))
        .await;
    assert_eq!(response.status(), 204);
    let gone = app
        .send_admin(Method::GET, &format!("/api/admin/tenants/{id}"))
        .await;
    expect_error(gone, 404, "not_found").await;
    assert_eq!(tenant_count(&app).await, 0);
    app.stop().await;
}

async fn messages_are_listed_newest_first(app: TestApp) {
    use flowhq_domain::Direction;
    use flowhq_domain::protocol::LoggedMessage;
    let tenant = app.create_tenant("Shop", "+34600000013").await;
    let id: TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    let base = chrono::Utc::now();
    let messages: Vec<_> = (0..5)
        .map(|i| LoggedMessage {
            direction: Direction::Inbound,
            from_number: "+34600000099".into(),
            to_number: "+34600000013".into(),
            message_text: format!("hello {i}"),
            wa_message_id: format!("wa-{i}"),
            bot_decision: None,
            reply_to: None,
            menu_item: None,
            media: None,
            push_name: None,
            client_id: None,
            hidden_id: None,
            created_at: base + chrono::Duration::seconds(i),
        })
        .collect();
    app.store.log_messages(id, &messages).await.unwrap();
    let page: Value = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{id}/messages?limit=2"),
        )
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["message_text"], "hello 4");
    assert_eq!(page["items"][1]["message_text"], "hello 3");
    let before = page["next_cursor"].as_str().unwrap();
    let next: Value = app
        .admin(
            Method::GET,
            &format!("/api/admin/tenants/{id}/messages?limit=2&before={before}"),
        )
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["message_text"], "hello 2");
    app.stop().await;
}

/// Stop the server and start another on the same database and data dir:
/// everything is still there, and no second bootstrap admin appears.
async fn data_survives_a_restart_on(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let first = spawn_app_with(&db, |_| {}).await;
    let tenant = first.create_tenant("Durable", "+34600000014").await;
    let data_dir = first.data_dir.clone();
    first.stop().await;

    let second = spawn_app_with(&db, |s| s.data_dir = data_dir).await;
    let id = tenant["id"].as_str().unwrap();
    let fetched: Value = second
        .admin(Method::GET, &format!("/api/admin/tenants/{id}"))
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(fetched["name"], "Durable");
    assert_eq!(second.store.count_admins().await.unwrap(), 1);
    second.stop().await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart_sqlite() {
    data_survives_a_restart_on(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_survives_a_restart_postgres() {
    data_survives_a_restart_on(Backend::Postgres).await;
}

flowhq_store::backend_tests!(run: bot_preview_answers_as_the_bot_and_overrides_are_validated);

async fn bot_preview_answers_as_the_bot_and_overrides_are_validated(app: TestApp) {
    let response = app
        .send_admin_json(
            Method::POST,
            "/api/admin/tenants",
            &json!({
                "name": "Cafe Lua",
                "phone_number": "+5511912345678",
                "config": {"template_type": "RESTAURANT", "language": "PT",
                           "hours": {"timezone": "America/Sao_Paulo", "mon": [["09:00", "18:00"]]}}
            }),
        )
        .await;
    let tenant: Value = response.json().await.unwrap();
    let id = tenant["id"].as_str().unwrap();
    let preview = |text: &str, at: &str| {
        app.admin(
            Method::POST,
            &format!("/api/admin/tenants/{id}/bot/preview"),
        )
        .json(&json!({"text": text, "at": at}))
    };
    // Monday 2026-11-30 10:00 in São Paulo (UTC-3): open.
    let open: Value = preview("oi", "2026-11-30T13:00:00Z")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(open["open"], true);
    assert!(
        open["replies"][0].as_str().unwrap().contains("Cafe Lua"),
        "{open}"
    );
    // Sunday: closed, the away message says when it opens.
    let closed: Value = preview("oi", "2026-11-29T13:00:00Z")
        .sent()
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["open"], false);
    assert_eq!(closed["decision"]["decision"], "AWAY");
    assert!(
        closed["replies"][0].as_str().unwrap().contains("09:00"),
        "{closed}"
    );

    let bad = app
        .send_admin_json(
            Method::PATCH,
            &format!("/api/admin/tenants/{id}"),
            &json!({"config": {"overrides": {"no_such_text": "hi"}}}),
        )
        .await;
    expect_invalid(bad, "config.overrides.no_such_text").await;
    let good = app
        .send_admin_json(
            Method::PATCH,
            &format!("/api/admin/tenants/{id}"),
            &json!({"config": {"overrides": {"fallback": "Não entendi, digite menu."}}}),
        )
        .await;
    assert_eq!(good.status(), 200);
    let stored: Value = app.get_admin(&format!("/api/admin/tenants/{id}")).await;
    assert_eq!(
        stored["config"]["overrides"]["fallback"],
        "Não entendi, digite menu."
    );
    app.stop().await;
}
