//! Every operation of `/api/openapi.json`, read from the running server,
//! with generated hostile input: bodies of the wrong type, with fields
//! missing, extra, of the wrong type or huge, invalid UTF-8, trailing data,
//! no body at all; path ids that are not ids, that name nothing, or that
//! name another owner's tenant; query parameters that do not parse; each
//! with an admin's token, an owner's session and no credentials. Whatever
//! comes, the server never answers 5xx, every 4xx has docs/api.md's error shape,
//! and a refusal writes nothing (the rows of every table are counted, and
//! the `updated_at` of the tables that have one summed, before and after).
//!
//! Two writes are allowed on a refusal: a failed `POST /api/portal/login`
//! counts towards the login throttle, so login is left out of the
//! nothing-written check; and the simulated network (its own file,
//! `sim.db`, not counted) makes a tenant's simulated phone, with the QR
//! code on show, the first time anything looks at it, a refused scan
//! included.
//!
//! The cases come from a seeded generator (`FLOWHQ_FUZZ_SEED` to change
//! the seed); a failure names the request, so it can be replayed by hand.

use flowhq_server::auth::session::COOKIE_NAME;
use flowhq_server::config::{ChannelKind, SupervisorMode};
use flowhq_store::Backend;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Map, Value, json};
use sqlx::Row;

use crate::helpers::{ADMIN_TOKEN, OWNER_PASSWORD, SendOk, TestApp, run_configured};

flowhq_store::backend_tests!(run_sim: no_hostile_input_gets_a_5xx_or_writes_on_a_refusal);

async fn run_sim<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(
        backend,
        |s| {
            // Every documented operation, and no worker processes whose
            // heartbeats would write meanwhile.
            s.channel = ChannelKind::Simulator;
            s.supervisor = SupervisorMode::External;
        },
        test,
    )
    .await;
}

/// Random bodies per operation, beyond the fixed cases.
const RANDOM_CASES: usize = 6;

#[derive(Clone, Copy, Debug)]
enum Who {
    Admin,
    Owner,
    Nobody,
}

const EVERYONE: [Who; 3] = [Who::Admin, Who::Owner, Who::Nobody];

/// A request body: its bytes and content type (`None`: no body at all).
#[derive(Clone, Debug)]
struct Body {
    what: String,
    content_type: Option<&'static str>,
    bytes: Vec<u8>,
}

impl Body {
    fn json(what: impl Into<String>, value: &Value) -> Self {
        Self::raw(what, value.to_string().into_bytes())
    }

    fn raw(what: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            what: what.into(),
            content_type: Some("application/json"),
            bytes,
        }
    }

    fn none() -> Self {
        Self {
            what: "no body".into(),
            content_type: None,
            bytes: Vec::new(),
        }
    }
}

struct Fixture {
    /// Owner A's session cookie: the "owner" of every request.
    owner_cookie: String,
    /// Owner A's tenant and setup request: real ids A may use.
    own_tenant: String,
    own_request: String,
    /// Owner B's tenant: another tenant's id.
    other_tenant: String,
    other_request: String,
    /// No credential store: each request carries exactly its own.
    http: reqwest::Client,
}

async fn fixture(app: &TestApp) -> Fixture {
    let mut ids = Vec::new();
    let mut cookie = String::new();
    for email in ["owner-a@example.com", "owner-b@example.com"] {
        let owner = crate::helpers::browser();
        let signed_up = app.sign_up(&owner, email).await;
        let tenant = signed_up["tenant"]["id"].as_str().unwrap().to_owned();
        let response = owner
            .post(app.url("/api/portal/setup-request"))
            .json(&json!({"business_name": "B", "template_type": "GENERIC",
                          "language": "EN", "whatsapp_number": "+5511987654000"}))
            .sent()
            .await;
        assert_eq!(response.status(), 201);
        let request: Value = response.json().await.unwrap();
        ids.push((tenant, request["id"].as_str().unwrap().to_owned()));
        if cookie.is_empty() {
            // The session, from a login of its own: the signup's cookie
            // lives in `owner`'s jar.
            let login = reqwest::Client::new()
                .post(app.url("/api/portal/login"))
                .json(&json!({"email": email, "password": OWNER_PASSWORD}))
                .sent()
                .await;
            assert_eq!(login.status(), 200);
            cookie = login
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok()?.split(';').next())
                .find(|pair| pair.starts_with(&format!("{COOKIE_NAME}=")))
                .expect("a session cookie")
                .to_owned();
        }
    }
    let (own_tenant, own_request) = ids.remove(0);
    let (other_tenant, other_request) = ids.remove(0);
    Fixture {
        owner_cookie: cookie,
        own_tenant,
        own_request,
        other_tenant,
        other_request,
        // A fresh connection per request: the server may close one after
        // refusing a hostile request (a body it would not read, say), and a
        // pooled connection reused at that moment fails in the client, not
        // the server.
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
    }
}

/// What the database holds, in numbers: a refusal must not change them.
async fn fingerprint(app: &TestApp) -> Vec<i64> {
    const COUNTED: &[&str] = &[
        "tenant",
        "tenant_config",
        "whatsapp_session",
        "message_log",
        "worker_process",
        "app_user",
        "setup_request",
        "tenant_event",
        "web_session",
        "worker_send",
        "mail",
        "user_token",
        "alert",
    ];
    const UPDATED: &[&str] = &[
        "tenant",
        "tenant_config",
        "whatsapp_session",
        "worker_process",
        "app_user",
        "setup_request",
    ];
    let mut columns: Vec<String> = COUNTED
        .iter()
        .map(|t| format!("(SELECT COUNT(*) FROM {t})"))
        .collect();
    columns.extend(
        UPDATED
            .iter()
            .map(|t| format!("(SELECT CAST(COALESCE(SUM(updated_at), 0) AS BIGINT) FROM {t})")),
    );
    let sql = format!("SELECT {}", columns.join(", "));
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    (0..columns.len())
        .map(|i| row.try_get::<i64, _>(i).unwrap())
        .collect()
}

/// Follows a `$ref` into the document's components.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            resolve(doc, &doc["components"]["schemas"][name])
        }
        None => schema,
    }
}

fn types(schema: &Value) -> Vec<String> {
    match &schema["type"] {
        Value::String(t) => vec![t.clone()],
        Value::Array(ts) => ts
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// A plausible value for `schema`: the shape it asks for, not necessarily
/// one the server accepts.
fn plausible(doc: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema[key].as_array().and_then(|s| {
            s.iter()
                .find(|s| !types(resolve(doc, s)).contains(&"null".to_owned()))
        }) {
            return plausible(doc, first, depth);
        }
    }
    let kinds = types(schema);
    let kind = kinds
        .iter()
        .find(|t| *t != "null")
        .map_or("object", String::as_str);
    match kind {
        "string" => json!("Cafe 1"),
        "integer" => json!(1),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "array" if depth < 4 => json!([plausible(doc, &schema["items"], depth + 1)]),
        "array" => json!([]),
        _ if depth < 4 => {
            let mut object = Map::new();
            if let Some(properties) = schema["properties"].as_object() {
                for (name, property) in properties {
                    object.insert(name.clone(), plausible(doc, property, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => json!({}),
    }
}

/// A value of another type than `value`'s.
fn wrong_type(value: &Value, rng: &mut StdRng) -> Value {
    let choices = [
        json!(12345),
        json!("text"),
        json!(true),
        json!(null),
        json!([1, "two", null]),
        json!({"unexpected": {"deeper": []}}),
        json!(-1e300),
        json!(18_446_744_073_709_551_615_u64),
    ];
    loop {
        let candidate = choices[rng.gen_range(0..choices.len())].clone();
        let same = std::mem::discriminant(&candidate) == std::mem::discriminant(value);
        if !same {
            return candidate;
        }
    }
}

/// A string of characters that break careless code: controls, NUL,
/// bidi overrides, zero-width ones, quotes, astral planes.
fn nasty_string(rng: &mut StdRng) -> String {
    const PIECES: &[&str] = &[
        "\u{0}",
        "\r\n",
        "\u{202E}",
        "\u{200B}",
        "\u{FEFF}",
        "'",
        "\"",
        "\\",
        "%00",
        "<script>",
        "../../",
        "😀",
        "ﷺ",
        "𝕏",
        " ",
        "a",
        "+5511",
        "@",
        "DROP TABLE tenant;--",
    ];
    let length = rng.gen_range(0..20);
    (0..length)
        .map(|_| PIECES[rng.gen_range(0..PIECES.len())])
        .collect()
}

/// Random mutations of `value`, recursively.
fn mutate(value: &Value, rng: &mut StdRng, depth: usize) -> Value {
    match value {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, inner) in object {
                match rng.gen_range(0..6) {
                    0 => {} // missing
                    1 => {
                        out.insert(key.clone(), wrong_type(inner, rng));
                    }
                    2 => {
                        out.insert(key.clone(), json!(nasty_string(rng)));
                    }
                    _ if depth < 5 => {
                        out.insert(key.clone(), mutate(inner, rng, depth + 1));
                    }
                    _ => {
                        out.insert(key.clone(), inner.clone());
                    }
                }
            }
            if rng.gen_bool(0.3) {
                out.insert(nasty_string(rng), wrong_type(&Value::Null, rng));
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out: Vec<Value> = items.iter().map(|i| mutate(i, rng, depth + 1)).collect();
            if rng.gen_bool(0.3) {
                out.extend(std::iter::repeat_n(
                    json!(nasty_string(rng)),
                    rng.gen_range(0..50),
                ));
            }
            Value::Array(out)
        }
        Value::String(_) => match rng.gen_range(0..3) {
            0 => json!(nasty_string(rng)),
            1 => json!("x".repeat(rng.gen_range(0..5000))),
            _ => wrong_type(value, rng),
        },
        other => match rng.gen_range(0..2) {
            0 => wrong_type(other, rng),
            _ => json!(rng.r#gen::<i64>()),
        },
    }
}

/// The bodies every operation that takes one is tried with.
fn bodies(base: &Value, rng: &mut StdRng) -> Vec<Body> {
    let text = base.to_string();
    let mut cases = vec![
        Body::none(),
        Body::raw("empty", Vec::new()),
        Body::json("null", &json!(null)),
        Body::json("an array", &json!([base])),
        Body::json("a string", &json!("text")),
        Body::json("a number", &json!(42)),
        Body::json("an empty object", &json!({})),
        Body::raw("invalid UTF-8", b"{\"name\": \"\xff\xfe\xfd\"}".to_vec()),
        Body::raw("trailing junk", format!("{text}x").into_bytes()),
        Body::raw("two objects", format!("{text} {text}").into_bytes()),
        Body::raw("trailing brackets", format!("{text}]]]").into_bytes()),
        Body::raw("trailing NUL", format!("{text}\u{0}junk").into_bytes()),
        Body::raw("truncated", text.as_bytes()[..text.len() / 2].to_vec()),
        Body::raw("deep nesting", "[".repeat(10_000).into_bytes()),
        Body::raw("over a MiB", vec![b' '; 1024 * 1024 + 1]),
        Body {
            what: "text/plain".into(),
            content_type: Some("text/plain"),
            bytes: text.clone().into_bytes(),
        },
        Body {
            what: "a form".into(),
            content_type: Some("application/x-www-form-urlencoded"),
            bytes: b"name=x&phone_number=%2B5511912345678".to_vec(),
        },
    ];
    if let Value::Object(fields) = base {
        let huge = "h".repeat(200_000);
        let mut all_huge = fields.clone();
        let mut extra = fields.clone();
        extra.insert("unexpected_field".into(), json!({"x": [1, 2, 3]}));
        cases.push(Body::json("an extra field", &Value::Object(extra)));
        for (name, value) in fields {
            let mut missing = fields.clone();
            missing.remove(name);
            cases.push(Body::json(
                format!("without {name}"),
                &Value::Object(missing),
            ));
            let mut wrong = fields.clone();
            wrong.insert(name.clone(), wrong_type(value, rng));
            cases.push(Body::json(
                format!("{name} of a wrong type"),
                &Value::Object(wrong),
            ));
            all_huge.insert(name.clone(), json!(huge));
        }
        cases.push(Body::json("every field huge", &Value::Object(all_huge)));
    }
    for i in 0..RANDOM_CASES {
        cases.push(Body::json(format!("random #{i}"), &mutate(base, rng, 0)));
    }
    cases
}

struct Operation {
    method: Method,
    template: String,
    /// A plausible JSON body, when the operation takes one.
    body: Option<Value>,
    query: Vec<String>,
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut ops = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            if !op.is_object() || method == Method::OPTIONS {
                continue;
            }
            let body = op["requestBody"]["content"]
                .as_object()
                .and_then(|content| content.values().next())
                .map(|media| plausible(doc, &media["schema"], 0));
            let query = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect();
            ops.push(Operation {
                method,
                template: template.clone(),
                body,
                query,
            });
        }
    }
    // The ones that end what the others need (a session, a tenant) last.
    ops.sort_by_key(|op| {
        (
            op.method == Method::DELETE || op.template.ends_with("/logout"),
            op.template.clone(),
        )
    });
    ops
}

impl Fixture {
    /// Fills the path's ids: `real` for the requests' own, else `id`.
    fn path(&self, template: &str, id: &str) -> String {
        let mut path = String::new();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').unwrap() + start;
            path.push_str(&rest[..start]);
            path.push_str(id);
            rest = &rest[end + 1..];
        }
        path.push_str(rest);
        path
    }

    /// Owner A's own id for the template's kind of id.
    fn own_id(&self, template: &str) -> &str {
        if template.contains("setup-requests") {
            &self.own_request
        } else {
            &self.own_tenant
        }
    }

    fn other_id(&self, template: &str) -> &str {
        if template.contains("setup-requests") {
            &self.other_request
        } else {
            &self.other_tenant
        }
    }

    fn request(
        &self,
        app: &TestApp,
        who: Who,
        method: &Method,
        path: &str,
        body: &Body,
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method.clone(), app.url(path));
        request = match who {
            Who::Admin => request.bearer_auth(ADMIN_TOKEN),
            Who::Owner => request.header("cookie", &self.owner_cookie),
            Who::Nobody => request,
        };
        if let Some(content_type) = body.content_type {
            request = request
                .header("content-type", content_type)
                .body(body.bytes.clone());
        }
        request
    }
}

/// One request, checked: no 5xx; a 4xx in the error shape that wrote
/// nothing. `before` is what the database held before it, and becomes what
/// it holds after.
async fn check(
    app: &TestApp,
    fixture: &Fixture,
    before: &mut Vec<i64>,
    (who, method, path, body): (Who, &Method, &str, &Body),
) {
    let what = format!("{who:?} {method} {} with {}", truncate(path), body.what);
    let response = fixture
        .request(app, who, method, path, body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let status = response.status();
    assert!(!status.is_server_error(), "{what}: {status}");
    // An event stream never ends: its opening is the answer.
    let streams = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.as_bytes().starts_with(b"text/event-stream"));
    let text = if streams {
        String::new()
    } else {
        response.text().await.unwrap_or_default()
    };
    let after = fingerprint(app).await;
    if status.is_client_error() {
        let error: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{what}: {status} is not JSON: {text:?}"));
        let error = &error["error"];
        for key in ["code", "message"] {
            assert!(
                error[key].as_str().is_some_and(|s| !s.is_empty()),
                "{what}: {status} without {key}: {text}"
            );
        }
        if status == 422 {
            assert!(
                error["field"].is_string(),
                "{what}: a 422 names the field: {text}"
            );
        }
        if !path.starts_with("/api/portal/login") {
            assert_eq!(
                *before, after,
                "{what}: refused ({status}) but wrote: {text}"
            );
        }
    }
    *before = after;
}

fn truncate(path: &str) -> String {
    if path.len() > 120 {
        format!("{}… ({} bytes)", &path[..120], path.len())
    } else {
        path.to_owned()
    }
}

async fn no_hostile_input_gets_a_5xx_or_writes_on_a_refusal(app: TestApp) {
    let seed = std::env::var("FLOWHQ_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_f10e_u64);
    let mut rng = StdRng::seed_from_u64(seed);
    let fixture = fixture(&app).await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ops = operations(&doc);
    assert!(ops.len() > 25, "read the operations: {}", ops.len());
    let mut before = fingerprint(&app).await;
    let mut requests = 0;
    let started = std::time::Instant::now();
    for op in &ops {
        let has_id = op.template.contains('{');
        let own = fixture.path(&op.template, fixture.own_id(&op.template));
        // Bodies, on the operation's own path.
        let cases = match &op.body {
            Some(base) => bodies(base, &mut rng),
            None => vec![
                Body::none(),
                Body::raw("junk", b"}{".to_vec()),
                Body::raw("trailing junk", b"{}x".to_vec()),
            ],
        };
        for body in &cases {
            for who in EVERYONE {
                // An admin deleting the fixture's own tenant would leave
                // nothing for the rest to refuse.
                if matches!(who, Who::Admin) && op.method == Method::DELETE && has_id {
                    continue;
                }
                check(&app, &fixture, &mut before, (who, &op.method, &own, body)).await;
                requests += 1;
            }
        }
        // Bad ids.
        if has_id {
            let plain = match &op.body {
                Some(base) => Body::json("a plausible body", base),
                None => Body::none(),
            };
            let random = uuid::Uuid::now_v7().to_string();
            let ids = [
                "not-a-uuid",
                "%FF%FE",
                "..%2F..%2Fetc",
                &random,
                "00000000-0000-0000-0000-000000000000",
                fixture.other_id(&op.template),
            ];
            for id in ids {
                let path = fixture.path(&op.template, id);
                for who in EVERYONE {
                    if matches!(who, Who::Admin) && id == fixture.other_id(&op.template) {
                        continue; // an admin may act on any tenant
                    }
                    check(
                        &app,
                        &fixture,
                        &mut before,
                        (who, &op.method, &path, &plain),
                    )
                    .await;
                    requests += 1;
                }
            }
        }
        // Query parameters that do not parse.
        for name in &op.query {
            for value in ["%FF%FE", "-1", "99999999999999999999", "%00", "a%20b", ""] {
                let path = format!("{own}?{name}={value}");
                let plain = Body::none();
                for who in [Who::Admin, Who::Owner] {
                    check(
                        &app,
                        &fixture,
                        &mut before,
                        (who, &op.method, &path, &plain),
                    )
                    .await;
                    requests += 1;
                }
            }
        }
    }
    eprintln!(
        "hostile input: {requests} requests over {} operations in {:.1} s (seed {seed:#x})",
        ops.len(),
        started.elapsed().as_secs_f64()
    );
    app.stop().await;
}
