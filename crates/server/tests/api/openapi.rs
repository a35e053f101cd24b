//! `GET /api/openapi.json`: public, complete against docs/api.md, internally
//! consistent, and true of the running server (every documented operation
//! is routed, and the documented credentials are the ones it asks for).

use std::collections::{BTreeSet, HashSet};

use flowhq_server::config::ChannelKind;
use flowhq_store::Backend;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, run};

flowhq_store::backend_tests!(run_sim:
    the_document_is_public_json_and_lists_every_route_of_the_contract,
    every_documented_operation_is_routed_and_asks_for_its_documented_credentials,
    references_security_and_enums_are_consistent,
);

flowhq_store::backend_tests!(run: simulator_paths_are_documented_only_when_mounted);

async fn run_sim<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    crate::helpers::run_configured(backend, |s| s.channel = ChannelKind::Simulator, test).await;
}

/// docs/api.md's admin, portal and simulator routes, and the README's additions.
const CONTRACT: &[(&str, &str)] = &[
    ("POST", "/api/admin/tenants"),
    ("GET", "/api/admin/tenants"),
    ("GET", "/api/admin/tenants/{id}"),
    ("PATCH", "/api/admin/tenants/{id}"),
    ("DELETE", "/api/admin/tenants/{id}"),
    ("POST", "/api/admin/tenants/{id}/pause"),
    ("POST", "/api/admin/tenants/{id}/resume"),
    ("POST", "/api/admin/tenants/{id}/retry"),
    ("POST", "/api/admin/tenants/{id}/worker/start"),
    ("POST", "/api/admin/tenants/{id}/worker/stop"),
    ("POST", "/api/admin/tenants/{id}/worker/restart"),
    ("GET", "/api/admin/tenants/{id}/qr"),
    ("GET", "/api/admin/tenants/{id}/messages"),
    ("GET", "/api/admin/tenants/{id}/events"),
    ("GET", "/api/admin/tenants/{id}/config/history"),
    ("POST", "/api/admin/tenants/{id}/config/undo"),
    ("GET", "/api/admin/setup-requests"),
    ("POST", "/api/admin/setup-requests/{id}/approve"),
    ("POST", "/api/admin/setup-requests/{id}/reject"),
    ("POST", "/api/portal/signup"),
    ("POST", "/api/portal/login"),
    ("POST", "/api/portal/logout"),
    ("POST", "/api/portal/setup-request"),
    ("GET", "/api/portal/tenant/current/status"),
    ("GET", "/api/portal/tenant/current/qr"),
    ("GET", "/api/portal/tenant/current/messages"),
    ("GET", "/api/portal/tenant/current/config"),
    ("PATCH", "/api/portal/tenant/current/config"),
    ("POST", "/api/portal/tenant/current/pause"),
    ("POST", "/api/portal/tenant/current/resume"),
    ("GET", "/api/portal/tenant/current/config/history"),
    ("POST", "/api/portal/tenant/current/config/undo"),
    ("POST", "/api/sim/tenants/{id}/scan"),
    ("POST", "/api/sim/tenants/{id}/logout"),
    ("POST", "/api/sim/tenants/{id}/inbound"),
    ("GET", "/api/sim/tenants/{id}/outbox"),
    // README: additions in docs/api.md.
    ("POST", "/api/admin/tenants/{id}/bot/preview"),
    ("POST", "/api/portal/tenant/current/bot/preview"),
    ("POST", "/api/admin/tenants/{id}/worker/token"),
    ("POST", "/api/admin/workers/stop-all"),
    // Issue 22: mail and accounts.
    ("GET", "/api/admin/mail"),
    ("GET", "/api/admin/alerts"),
    ("POST", "/api/portal/password-reset"),
    ("POST", "/api/portal/password-reset/confirm"),
    // Issue 21: webhooks.
    ("GET", "/api/portal/tenant/current/webhooks"),
    ("POST", "/api/portal/tenant/current/webhooks"),
    ("PATCH", "/api/portal/tenant/current/webhooks/{id}"),
    ("DELETE", "/api/portal/tenant/current/webhooks/{id}"),
    ("GET", "/api/portal/tenant/current/webhooks/{id}/deliveries"),
    (
        "POST",
        "/api/portal/tenant/current/webhooks/{id}/deliveries/{delivery_id}/replay",
    ),
    ("GET", "/api/admin/webhooks"),
    ("POST", "/api/admin/webhooks"),
    ("GET", "/api/admin/webhooks/{id}/deliveries"),
    ("GET", "/api/admin/tenants/{id}/webhooks"),
    // Issue 21: integrations.
    ("POST", "/api/portal/tenant/current/api-keys"),
    ("GET", "/api/portal/tenant/current/api-keys"),
    ("DELETE", "/api/portal/tenant/current/api-keys/{id}"),
    ("POST", "/api/admin/tenants/{id}/api-keys"),
    ("GET", "/api/admin/tenants/{id}/api-keys"),
    ("DELETE", "/api/admin/tenants/{id}/api-keys/{key_id}"),
    ("PATCH", "/api/admin/tenants/{id}/api-settings"),
    ("POST", "/api/v1/messages"),
    ("GET", "/api/v1/messages"),
    ("GET", "/api/v1/contacts"),
    ("GET", "/api/v1/status"),
    ("POST", "/api/v1/webhooks"),
    ("GET", "/api/v1/webhooks"),
    ("PATCH", "/api/v1/webhooks/{id}"),
    ("DELETE", "/api/v1/webhooks/{id}"),
    ("GET", "/api/v1/webhooks/{id}/deliveries"),
    (
        "POST",
        "/api/v1/webhooks/{id}/deliveries/{delivery_id}/replay",
    ),
];

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

async fn fetch_document(app: &TestApp) -> Value {
    // A client without credentials: the document is public.
    let response = reqwest::get(app.url("/api/openapi.json")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.expect("the document is JSON");
    doc
}

/// Every (METHOD, path) the document describes.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

async fn the_document_is_public_json_and_lists_every_route_of_the_contract(app: TestApp) {
    let doc = fetch_document(&app).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
    assert_eq!(doc["info"]["title"], "Flow HQ");
    let documented = operations(&doc);
    for (method, path) in CONTRACT {
        assert!(
            documented.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is not documented"
        );
    }
    // The internal worker protocol is deliberately left out.
    assert!(
        documented
            .iter()
            .all(|(_, p)| !p.starts_with("/api/worker"))
    );
    app.stop().await;
}

async fn simulator_paths_are_documented_only_when_mounted(app: TestApp) {
    let doc = fetch_document(&app).await;
    let documented = operations(&doc);
    assert!(documented.contains(&("GET".into(), "/api/admin/tenants".into())));
    assert!(
        documented.iter().all(|(_, p)| !p.starts_with("/api/sim")),
        "{documented:?}"
    );
    app.stop().await;
}

/// Asks for every documented operation without credentials, with a fresh
/// id in the path and an empty JSON object as the body. An undocumented
/// path would be the router's 404 and a wrong method its 405; an operation
/// documented with security must refuse with 401, and one documented
/// without must not.
async fn every_documented_operation_is_routed_and_asks_for_its_documented_credentials(
    app: TestApp,
) {
    let doc = fetch_document(&app).await;
    let anonymous = reqwest::Client::new();
    let fresh_id = uuid::Uuid::now_v7().to_string();
    let ops = operations(&doc);
    assert!(ops.len() >= CONTRACT.len());
    for (method, path) in &ops {
        let operation = &doc["paths"][path][method.to_lowercase()];
        let secured = operation["security"]
            .as_array()
            .is_some_and(|s| !s.is_empty());
        let url = app.url(&path.replace("{id}", &fresh_id));
        let mut request = anonymous.request(Method::from_bytes(method.as_bytes()).unwrap(), url);
        if operation.get("requestBody").is_some() {
            request = request.json(&json!({}));
        }
        let response = request.sent().await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(status, 405, "{method} {path}: not routed for this method");
        assert!(
            status != 404 || body["error"]["message"] != "route not found",
            "{method} {path}: not routed"
        );
        if secured {
            assert_eq!(status, 401, "{method} {path} is documented with security");
        } else {
            assert_ne!(
                status, 401,
                "{method} {path} is documented without security"
            );
        }
        let documented_statuses = operation["responses"].as_object().unwrap();
        assert!(
            documented_statuses.contains_key(&status.to_string()),
            "{method} {path} answered {status}, which it does not document"
        );
    }
    app.stop().await;
}

/// Collects every `$ref` in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

async fn references_security_and_enums_are_consistent(app: TestApp) {
    let doc = fetch_document(&app).await;
    let schemas = doc["components"]["schemas"].as_object().unwrap();

    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in &all {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected $ref {r}"));
        assert!(schemas.contains_key(name), "dangling $ref {r}");
    }

    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    assert_eq!(schemes["admin_token"]["scheme"], "bearer");
    assert_eq!(schemes["session_cookie"]["in"], "cookie");
    assert_eq!(schemes["session_cookie"]["name"], "flowhq_session");
    assert_eq!(
        schemes["portal_internal_key"]["name"],
        "x-portal-internal-key"
    );
    assert_eq!(schemes["portal_user_email"]["name"], "x-user-email");
    assert_eq!(schemes["api_key"]["scheme"], "bearer");
    assert_eq!(
        doc["paths"]["/api/v1/messages"]["post"]["parameters"][0]["name"],
        "Idempotency-Key"
    );

    let mut operation_ids = HashSet::new();
    for (method, path) in operations(&doc) {
        let operation = &doc["paths"][&path][method.to_lowercase()];
        let id = operation["operationId"].as_str().unwrap().to_owned();
        assert!(
            operation_ids.insert(id.clone()),
            "duplicate operationId {id}"
        );
        let security: Vec<&str> = operation["security"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|requirement| requirement.as_object().unwrap().keys())
            .map(String::as_str)
            .collect();
        for name in &security {
            assert!(schemes.contains_key(*name), "{id}: unknown scheme {name}");
        }
        let public = [
            "/api/portal/signup",
            "/api/portal/login",
            "/api/portal/logout",
            "/api/portal/password-reset",
            "/api/portal/password-reset/confirm",
            "/api/portal/verify-email",
            "/api/portal/invitation/accept",
        ];
        if path.starts_with("/api/v1/") {
            assert_eq!(security, ["api_key"], "{id}");
            assert_eq!(operation["tags"], json!(["public"]), "{id}");
        } else if path.starts_with("/api/admin") || path.starts_with("/api/sim") {
            assert_eq!(security, ["admin_token", "session_cookie"], "{id}");
        } else if !public.contains(&path.as_str()) {
            assert_eq!(
                security,
                ["session_cookie", "portal_internal_key", "portal_user_email"],
                "{id}"
            );
        }
        // Every error response is docs/api.md's error shape.
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/ErrorBody",
                    "{id} {status}"
                );
            }
        }
    }

    let detail = &schemas["ErrorDetail"];
    let required: Vec<&str> = detail["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(required, ["code", "message"]);
    assert!(detail["properties"]["field"].is_object());

    assert_eq!(
        schemas["TenantStatus"]["enum"],
        json!([
            "NEW",
            "PENDING",
            "APPROVED",
            "QR_PENDING",
            "ACTIVE",
            "PAUSED",
            "ERROR"
        ])
    );
    assert_eq!(
        schemas["TemplateType"]["enum"],
        json!(["RESTAURANT", "CLINIC", "SALON", "RETAIL", "GENERIC"])
    );

    let list = &doc["paths"]["/api/admin/tenants"]["get"];
    let params: Vec<&str> = list["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["status", "q", "limit", "cursor"]);
    app.stop().await;
}
