//! Defences at the edge: security headers on every response, framework
//! errors in the API's shape, connection timeouts and cap, a private data
//! dir, and a stop that lets requests finish.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use flowhq_server::config::{Settings, default_database_url};
use flowhq_server::security::headers::CONTENT_SECURITY_POLICY;
use flowhq_store::{Backend, Store};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{
    ADMIN_TOKEN, OWNER_PASSWORD, SendOk, TestApp, expect_error, expect_invalid, run,
    run_configured, token_for,
};

flowhq_store::backend_tests!(run:
    every_kind_of_response_carries_the_security_headers,
    framework_errors_on_the_api_have_the_error_shape,
    worker_requests_get_503_once_the_stop_began,
    a_request_whose_client_hung_up_finishes_before_the_pool_closes,
);

flowhq_store::backend_tests!(run_short_timeouts:
    half_a_request_line_is_disconnected,
    an_idle_keep_alive_connection_is_closed,
    a_body_that_stops_arriving_is_refused,
);

flowhq_store::backend_tests!(run_two_connections: the_connection_cap_makes_new_connections_wait);

flowhq_store::backend_tests!(run_loose_data_dir: an_existing_data_dir_is_made_private);

/// The timeouts of these tests: short, so that they are quick.
const TIMEOUT: Duration = Duration::from_secs(1);

async fn run_short_timeouts<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(
        backend,
        |s| {
            s.connections.header_read_timeout = TIMEOUT;
            s.connections.body_read_timeout = TIMEOUT;
        },
        test,
    )
    .await;
}

async fn run_two_connections<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run_configured(backend, |s| s.connections.max_connections = 2, test).await;
}

async fn every_kind_of_response_carries_the_security_headers(app: TestApp) {
    let anonymous = reqwest::Client::new();
    let responses = [
        ("a page", anonymous.get(app.url("/login")).send().await, 200),
        (
            "an API answer",
            app.admin(Method::GET, "/api/admin/tenants").send().await,
            200,
        ),
        (
            "an API error",
            anonymous.get(app.url("/api/admin/tenants")).send().await,
            401,
        ),
        (
            "a 404",
            anonymous.get(app.url("/no/such/page")).send().await,
            404,
        ),
        (
            "a static file",
            anonymous.get(app.url("/static/app.js")).send().await,
            200,
        ),
        (
            "a page redirect",
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(app.url("/admin"))
                .send()
                .await,
            303,
        ),
        (
            "the health check",
            anonymous.get(app.url("/healthz")).send().await,
            200,
        ),
    ];
    for (what, response, status) in responses {
        let response = response.unwrap();
        assert_eq!(response.status(), status, "{what}");
        let headers = response.headers();
        let header = |name: &str| {
            headers
                .get(name)
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            header("content-security-policy"),
            CONTENT_SECURITY_POLICY,
            "{what}"
        );
        assert_eq!(header("x-frame-options"), "DENY", "{what}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
    }
    for directive in [
        "default-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(CONTENT_SECURITY_POLICY.contains(directive), "{directive}");
    }
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
    app.stop().await;
}

/// Every page the tests reach has no inline script, style or event
/// handler, which the policy would block.
#[test]
fn templates_have_nothing_inline_the_policy_would_block() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut pending = vec![dir];
    let mut seen = 0;
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        seen += 1;
        for (i, line) in text.lines().enumerate() {
            let at = format!("{}:{}", path.display(), i + 1);
            assert!(!line.contains("style="), "inline style at {at}");
            assert!(!line.contains("<style"), "style element at {at}");
            assert!(
                !line.contains("<script") || line.contains("<script src="),
                "inline script at {at}"
            );
            assert!(!line.contains("javascript:"), "javascript: URL at {at}");
            for handler in [
                " onclick=",
                " onsubmit=",
                " onload=",
                " onchange=",
                " oninput=",
            ] {
                assert!(!line.contains(handler), "event handler at {at}");
            }
        }
    }
    assert!(seen > 5, "found the templates");
}

async fn framework_errors_on_the_api_have_the_error_shape(app: TestApp) {
    // 414: a URI over 8 KiB.
    let long = "a".repeat(9000);
    let response = app
        .send_admin(Method::GET, &format!("/api/admin/tenants?q={long}"))
        .await;
    expect_error(response, 414, "uri_too_long").await;

    // 405, with the methods the path does take.
    let response = app.send_admin(Method::PUT, "/api/admin/tenants").await;
    let allow = response.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    expect_error(response, 405, "method_not_allowed").await;

    // 413: a body over the limit.
    let response = app
        .admin(Method::POST, "/api/admin/tenants")
        .header("content-type", "application/json")
        .body(vec![b' '; 2 * 1024 * 1024])
        .sent()
        .await;
    expect_error(response, 413, "payload_too_large").await;

    // A malformed query.
    let response = app
        .send_admin(Method::GET, "/api/admin/tenants?limit=lots")
        .await;
    expect_invalid(response, "limit").await;
    let response = app
        .send_admin(Method::GET, "/api/admin/tenants?limit=%FF%FE")
        .await;
    assert!(response.status().is_client_error());
    let body: Value = response.json().await.unwrap();
    assert!(body["error"]["code"].is_string(), "{body}");

    // A path segment axum cannot decode (not UTF-8): its own rejection,
    // a plain-text 400 before.
    let response = app
        .send_admin(Method::GET, "/api/admin/tenants/%FF%FE")
        .await;
    expect_error(response, 400, "malformed_request").await;

    // Pages keep their own errors.
    let response = app.client.put(app.url("/login")).sent().await;
    assert_eq!(response.status(), 405);
    assert!(
        response.json::<Value>().await.is_err(),
        "not JSON on a page"
    );
    app.stop().await;
}

/// Reads from `stream` until it closes; how long that took, or `None` if it
/// was still open after `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0_u8; 4096];
    loop {
        match tokio::time::timeout_at((started + limit).into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

fn address(app: &TestApp) -> String {
    app.address.trim_start_matches("http://").to_owned()
}

async fn half_a_request_line_is_disconnected(app: TestApp) {
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    stream.write_all(b"GET /healthz HT").await.unwrap();
    let took = closed_within(&mut stream, TIMEOUT * 5)
        .await
        .expect("the server hung up");
    assert!(took >= TIMEOUT / 2, "not before the timeout: {took:?}");
    // A connection that sends nothing at all, likewise.
    let mut silent = TcpStream::connect(address(&app)).await.unwrap();
    assert!(closed_within(&mut silent, TIMEOUT * 5).await.is_some());
    app.stop().await;
}

async fn an_idle_keep_alive_connection_is_closed(app: TestApp) {
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    let request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    stream.write_all(request).await.unwrap();
    let mut buf = [0_u8; 4096];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "answered");
    // Within the timeout, the connection is reused...
    tokio::time::sleep(TIMEOUT / 4).await;
    stream.write_all(request).await.unwrap();
    let n = stream.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "kept alive");
    // ...and once idle for longer, closed.
    let took = closed_within(&mut stream, TIMEOUT * 5)
        .await
        .expect("the server closed the idle connection");
    assert!(took >= TIMEOUT / 2, "{took:?}");
    app.stop().await;
}

async fn a_body_that_stops_arriving_is_refused(app: TestApp) {
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    let head = format!(
        "POST /api/admin/tenants HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ADMIN_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\": \"Slow"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(TIMEOUT * 5, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "answered and closed within the timeout");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
    assert!(answer.contains("\"error\""), "{answer}");
    assert!(started.elapsed() >= TIMEOUT / 2, "{:?}", started.elapsed());
    let tenants: Value = app.get_admin("/api/admin/tenants").await;
    assert_eq!(tenants["items"], json!([]), "nothing written");
    app.stop().await;
}

/// Sends a keep-alive request on `stream` and reads its answer's first line,
/// or `None` if there was none within `limit`.
async fn ask(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0_u8; 4096];
    match tokio::time::timeout(limit, stream.read(&mut buf)).await {
        Ok(Ok(n)) if n > 0 => Some(
            String::from_utf8_lossy(&buf[..n])
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ),
        _ => None,
    }
}

async fn the_connection_cap_makes_new_connections_wait(app: TestApp) {
    let second = Duration::from_secs(1);
    let mut first = TcpStream::connect(address(&app)).await.unwrap();
    let mut other = TcpStream::connect(address(&app)).await.unwrap();
    assert_eq!(
        ask(&mut first, second * 5).await.unwrap(),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        ask(&mut other, second * 5).await.unwrap(),
        "HTTP/1.1 200 OK"
    );

    // A third is over the cap: it waits, unserved.
    let mut third = TcpStream::connect(address(&app)).await.unwrap();
    assert_eq!(ask(&mut third, second).await, None, "over the cap");
    // The open ones carry on.
    assert_eq!(
        ask(&mut first, second * 5).await.unwrap(),
        "HTTP/1.1 200 OK"
    );

    // One closes: the waiting one is served.
    drop(other);
    let mut buf = [0_u8; 4096];
    let n = tokio::time::timeout(second * 5, third.read(&mut buf))
        .await
        .expect("served once a place was free")
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    app.stop().await;
}

async fn worker_requests_get_503_once_the_stop_began(app: TestApp) {
    let tenant = app.create_tenant("Cafe", "+5511912340001").await;
    let id = tenant["id"].as_str().unwrap();
    let token = token_for(&app, id).await;
    let (link, _) =
        crate::link_client::hello(&app, id, &token, flowhq_domain::SessionState::Connecting, 0)
            .await;
    link.hang_up().await;

    app.stopping.begin();
    let response = app
        .client
        .get(app.url("/api/worker/link"))
        .header(flowhq_domain::protocol::TENANT_HEADER, id)
        .bearer_auth(&token)
        .sent()
        .await;
    assert_eq!(response.headers()["retry-after"], "5");
    expect_error(response, 503, "unavailable").await;
    // Operators and owners are still answered meanwhile.
    let response = app
        .send_admin(Method::GET, &format!("/api/admin/tenants/{id}"))
        .await;
    assert_eq!(response.status(), 200);
    app.stop().await;
}

/// A sign-up hashes its password (tens of milliseconds) before it writes;
/// its client hangs up at once and the server is told to stop. The
/// handler still runs to its end, on an open pool: the owner exists. (The
/// pool used to close as soon as the last connection did, and the insert
/// failed on it.)
async fn a_request_whose_client_hung_up_finishes_before_the_pool_closes(app: TestApp) {
    let body = json!({
        "name": "Late Owner",
        "email": "late@example.com",
        "password": OWNER_PASSWORD,
        "phone": "+5511987650000",
    })
    .to_string();
    let request = format!(
        "POST /api/portal/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    // Hang up once the handler runs (hashing, far longer than this loop).
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.stopping.requests().is_empty() {
        assert!(Instant::now() < deadline, "the request reached its handler");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    drop(stream);
    let url = app.database_url.clone();
    app.stop().await;

    let store = Store::connect(&url).await.unwrap();
    let found = store
        .user_by_email(&flowhq_domain::values::Email::parse("late@example.com").unwrap())
        .await
        .unwrap();
    assert!(found.is_some(), "the sign-up finished");
    store.close().await;
}

async fn run_loose_data_dir<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    // A data dir as an older version left it: 0755 folders, 0644 files.
    let loosen = |s: &mut Settings| {
        if s.database_url.starts_with("sqlite:") {
            s.database_url = default_database_url(&s.data_dir);
        }
        let worker = s.data_dir.join("workers").join("old");
        std::fs::create_dir_all(&worker).unwrap();
        let logs = s.data_dir.join("logs");
        std::fs::create_dir_all(&logs).unwrap();
        std::fs::write(worker.join("whatsapp.db"), b"keys").unwrap();
        std::fs::write(logs.join("flowhq-worker-old.log"), b"log").unwrap();
        for path in [&s.data_dir, &s.data_dir.join("workers"), &worker, &logs] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for path in [
            worker.join("whatsapp.db"),
            logs.join("flowhq-worker-old.log"),
        ] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    };
    run_configured(backend, loosen, test).await;
}

/// Every folder under `dir` is 0700 and every file 0600; returns the files.
pub fn assert_private(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            assert_eq!(mode, 0o700, "{}: {mode:o}", path.display());
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{}: {mode:o}", path.display());
            let relative = path.strip_prefix(dir).unwrap();
            files.push(relative.display().to_string());
        }
    }
    files.sort();
    files
}

async fn an_existing_data_dir_is_made_private(app: TestApp) {
    let files = assert_private(&app.data_dir);
    assert!(
        files.contains(&"workers/old/whatsapp.db".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&"logs/flowhq-worker-old.log".to_owned()),
        "{files:?}"
    );
    if app.database_url.starts_with("sqlite:") {
        // The database was made in the data dir, after the umask-less
        // test process set 0644 on it.
        for name in ["flowhq.db", "flowhq.db-wal", "flowhq.db-shm"] {
            assert!(files.contains(&name.to_owned()), "{name} in {files:?}");
        }
    }
    app.stop().await;
}
