use crate::helpers::{SendOk, TestApp, expect_error, run};

flowhq_store::backend_tests!(run: health_and_readiness_answer, unknown_routes_are_json_404s, metrics_report_tenants_and_request_durations);

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.client.get(app.url("/healthz")).sent().await;
    assert_eq!(health.status(), 200);
    let ready = app.client.get(app.url("/readyz")).sent().await;
    assert_eq!(ready.status(), 200);
    // The only control plane of its database leads, on either backend.
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["leader"], true, "{body}");
    app.stop().await;
}

async fn unknown_routes_are_json_404s(app: TestApp) {
    let response = app.client.get(app.url("/api/nope")).sent().await;
    expect_error(response, 404, "not_found").await;
    app.stop().await;
}

async fn metrics_report_tenants_and_request_durations(app: TestApp) {
    let tenant = app.create_tenant("Metered", "+34600000200").await;
    let id = tenant["id"].as_str().unwrap();
    let _ = app
        .send_admin(reqwest::Method::GET, &format!("/api/admin/tenants/{id}"))
        .await;
    let response = app.client.get(app.url("/metrics")).sent().await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("flowhq_tenants{status=\"NEW\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("flowhq_tenants{status=\"ACTIVE\"} 0\n"));
    assert!(text.contains("flowhq_workers{status=\"STOPPED\"} 1\n"));
    assert!(text.contains("flowhq_messages_logged_total{direction=\"INBOUND\"} 0\n"));
    assert!(text.contains("flowhq_stale_detections_total 0\n"));
    assert!(text.contains("\nflowhq_leader 1\n"), "{text}");
    // The GET above, labelled by its route template, not its id.
    assert!(
        text.contains("flowhq_http_request_duration_seconds_count{method=\"GET\",route=\"/api/admin/tenants/{id}\",status=\"200\"} 1\n"),
        "{text}"
    );
    assert!(!text.contains(id), "ids never become labels");
    // Dashboards depend on these names and types: they never change.
    for (name, kind) in [
        ("flowhq_tenants", "gauge"),
        ("flowhq_workers", "gauge"),
        ("flowhq_worker_heartbeat_age_seconds", "histogram"),
        ("flowhq_worker_outbox_backlog", "gauge"),
        ("flowhq_worker_outbox_backlog_max", "gauge"),
        ("flowhq_messages_logged_total", "counter"),
        ("flowhq_stale_detections_total", "counter"),
        ("flowhq_leader", "gauge"),
        ("flowhq_http_request_duration_seconds", "histogram"),
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} {kind}\n")),
            "{name} {kind}: {text}"
        );
        assert!(text.contains(&format!("# HELP {name} ")), "{name}: {text}");
    }
    assert!(
        text.contains("flowhq_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/admin/tenants/{id}\",status=\"200\",le=\"0.001\"}"),
        "the request histogram keeps its buckets: {text}"
    );
    assert!(
        text.contains("flowhq_worker_heartbeat_age_seconds_bucket{le=\"300\"} 0\n"),
        "no live worker, no ages: {text}"
    );
    app.stop().await;
}
