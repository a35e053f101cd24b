use std::future::Future;
use std::path::PathBuf;

use flowhq_server::Application;
use flowhq_server::auth::Secret;
use flowhq_server::config::Settings;
use flowhq_store::testing::TestDb;
use flowhq_store::{Backend, Store};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;
use tokio::sync::oneshot;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";
pub const ADMIN_EMAIL: &str = "root@example.com";
pub const ADMIN_PASSWORD: &str = "root-password-123";

pub struct TestApp {
    pub address: String,
    /// A client with its own cookie jar, like one browser.
    pub client: Client,
    pub store: Store,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The workers connected over the link, and their commands.
    pub link: flowhq_server::link::Hub,
    /// The server's own stop state, to look at or begin a stop.
    pub stopping: flowhq_server::security::shutdown::Shutdown,
    /// The server's state, to drive its jobs at a chosen time.
    pub state: flowhq_server::state::AppState,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub fn admin(&self, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(ADMIN_TOKEN)
    }

    /// An admin request without a body, sent.
    pub async fn send_admin(&self, method: Method, path: &str) -> Response {
        self.admin(method, path).sent().await
    }

    /// GET as the admin: the JSON of a 200 answer.
    pub async fn get_admin(&self, path: &str) -> Value {
        let response = self.send_admin(Method::GET, path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// An admin request with a JSON body, sent.
    pub async fn send_admin_json(
        &self,
        method: Method,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Response {
        self.admin(method, path).json(body).sent().await
    }

    pub async fn create_tenant(&self, name: &str, phone: &str) -> Value {
        let response = self
            .send_admin_json(
                Method::POST,
                "/api/admin/tenants",
                &serde_json::json!({ "name": name, "phone_number": phone }),
            )
            .await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

pub fn settings_for(db: &TestDb, data_dir: PathBuf) -> Settings {
    let mut settings = Settings::with_data_dir(data_dir);
    settings.listen = "127.0.0.1:0".parse().unwrap();
    settings.database_url = db.url.clone();
    settings.admin_token = Some(Secret::new(ADMIN_TOKEN));
    settings.admin_email = Some(ADMIN_EMAIL.into());
    settings.admin_password = Some(Secret::new(ADMIN_PASSWORD));
    settings
}

pub async fn spawn_app_with(db: &TestDb, configure: impl FnOnce(&mut Settings)) -> TestApp {
    // `FLOWHQ_TEST_LOG=debug cargo test …` shows the server's log.
    if let Ok(filter) = std::env::var("FLOWHQ_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings_for(db, dir.path().join("data"));
    configure(&mut settings);
    let data_dir = settings.data_dir.clone();
    let app = Application::build(settings)
        .await
        .expect("building the app");
    let port = app.port();
    let store = app.state().store.clone();
    let stopping = app.state().shutdown.clone();
    let link = app.state().supervisor.link().clone();
    let database_url = app.state().settings.database_url.clone();
    let state = app.state().clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        app.run_until(async {
            let _ = rx.await;
        })
        .await
        .expect("serving");
    });
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        client: Client::builder().cookie_store(true).build().unwrap(),
        store,
        data_dir,
        database_url,
        link,
        stopping,
        state,
        shutdown: Some(tx),
        server: Some(server),
        _dir: dir,
    }
}

/// Runs `test` against a fresh app on `backend` (skipped for PostgreSQL
/// outside CI when no server is configured).
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    run_configured(backend, |_| {}, test).await;
}

/// [`run`] with adjusted settings.
pub async fn run_configured<F, Fut>(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
    test: F,
) where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let app = spawn_app_with(&db, configure).await;
    test(app).await;
    db.cleanup().await;
}

/// A client with its own cookie jar: another browser.
pub fn browser() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

pub const OWNER_PASSWORD: &str = "tulip-harbour-42";

impl TestApp {
    /// Signs up an owner in `client`'s cookie jar; returns the response body.
    pub async fn sign_up(&self, client: &Client, email: &str) -> Value {
        let response = client
            .post(self.url("/api/portal/signup"))
            .json(&serde_json::json!({
                "name": "Ana Souza",
                "email": email,
                "password": OWNER_PASSWORD,
                "phone": "+5511987654321",
                "business_name": format!("Business of {email}"),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "signup of {email}");
        response.json().await.unwrap()
    }
}

/// Asserts docs/api.md's error shape and returns the error object.
/// `send().await.unwrap()`: a test's request gets an answer, or the test
/// fails there.
pub(crate) trait SendOk {
    async fn sent(self) -> Response;
}

impl SendOk for reqwest::RequestBuilder {
    async fn sent(self) -> Response {
        self.send().await.unwrap()
    }
}

/// A 422 that names `field`; returns the error object.
pub async fn expect_invalid(response: Response, field: &str) -> Value {
    let error = expect_error(response, 422, "invalid_field").await;
    assert_eq!(error["field"], field, "{error}");
    error
}

pub async fn expect_error(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "unexpected status");
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["error"]["code"], code, "body: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "body: {body}"
    );
    body["error"].clone()
}

/// Issues a worker token for `tenant`, as an orchestrator would ask for one.
pub async fn token_for(app: &TestApp, tenant: &str) -> String {
    let response = app
        .admin(
            Method::POST,
            &format!("/api/admin/tenants/{tenant}/worker/token"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}
