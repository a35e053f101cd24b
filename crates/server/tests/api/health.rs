use crate::helpers::{TestApp, expect_error, run};

flowhq_store::backend_tests!(run: health_and_readiness_answer, unknown_routes_are_json_404s);

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    app.stop().await;
}

async fn unknown_routes_are_json_404s(app: TestApp) {
    let response = app.client.get(app.url("/api/nope")).send().await.unwrap();
    expect_error(response, 404, "not_found").await;
    app.stop().await;
}
