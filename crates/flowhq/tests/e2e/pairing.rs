//! Linking by pairing code, end to end through the simulator: the owner
//! asks with their number, the worker gets a code at its next heartbeat,
//! the page and `GET …/qr` show it, the phone types it, the tenant goes
//! ACTIVE and the request is done with.

use super::*;

/// A tenant created, approved and with its worker started.
pub async fn approved_with_worker(env: &Env, name: &str, phone: &str) -> TenantId {
    let (status, tenant) = env
        .post(
            "/api/admin/tenants",
            json!({ "name": name, "phone_number": phone,
                    "config": { "template_type": "RESTAURANT", "language": "EN" } }),
        )
        .await;
    assert_eq!(status, 201, "{tenant}");
    let id: TenantId = tenant["id"].as_str().unwrap().parse().unwrap();
    for event in [Event::SetupRequestSubmitted, Event::SetupRequestApproved] {
        env.store.apply_event(id, event, "test").await.unwrap();
    }
    let (status, worker) = env
        .post(&format!("/api/admin/tenants/{id}/worker/start"), json!({}))
        .await;
    assert_eq!(status, 200, "{worker}");
    id
}

/// Waits for the worker's QR code, has the phone scan it on the simulated
/// network at `network` (the control plane's own: `env.url("")`), and
/// waits for ACTIVE; returns the tenant then.
pub async fn scan_until_active(env: &Env, id: TenantId, network: &str) -> Value {
    wait_status(env, id, "QR_PENDING").await;
    eventually("a QR code", Duration::from_secs(10), || qr(env, id)).await;
    let r = env
        .client
        .post(format!("{network}/api/sim/tenants/{id}/scan"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    wait_status(env, id, "ACTIVE").await
}

async fn qr(env: &Env, id: TenantId) -> Option<Value> {
    let r = env
        .admin(Method::GET, &format!("/api/admin/tenants/{id}/qr"))
        .send()
        .await
        .unwrap();
    (r.status() == 200).then_some(r.json::<Value>().await.unwrap())
}

flowhq_store::backend_tests!(run: a_pairing_code_links_the_phone_instead_of_a_scan);

async fn a_pairing_code_links_the_phone_instead_of_a_scan(mut env: Env) {
    let (server, port) = start_server(&env.db_url, env.data_dir.clone(), 0).await;
    env.port = port;
    let id = approved_with_worker(&env, "Cafe Lua", "+5511912340001").await;
    wait_status(&env, id, "QR_PENDING").await;
    eventually("a QR code", Duration::from_secs(10), || qr(&env, id)).await;

    let path = format!("/api/admin/tenants/{id}/pairing-code");
    let (status, body) = env.post(&path, json!({ "phone_number": "11 91234" })).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "phone_number");
    let (status, body) = env
        .post(&path, json!({ "phone_number": "+55 11 91234-0001" }))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["phone_number"], "+5511912340001");

    // Within a heartbeat the worker shows a code beside the QR code.
    let shown = eventually("a pairing code", Duration::from_secs(10), || async {
        qr(&env, id).await.filter(|q| q["pairing_code"].is_string())
    })
    .await;
    let code = shown["pairing_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8, "{code}");
    assert!(shown["pairing_code_expires_at"].is_string());

    // A wrong code links nothing.
    let (status, body) = env
        .post(
            &format!("/api/sim/tenants/{id}/scan"),
            json!({ "pairing_code": "ZZZZ-ZZZZ" }),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "pairing_code");

    // The phone types the code (with the dash, as shown): ACTIVE. The code
    // rotates with the simulated QR, so take the one on show now.
    let current = qr(&env, id).await.unwrap()["pairing_code"]
        .as_str()
        .unwrap()
        .to_owned();
    let typed = format!("{}-{}", &current[..4], &current[4..]);
    let (status, body) = env
        .post(
            &format!("/api/sim/tenants/{id}/scan"),
            json!({ "pairing_code": typed }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let active = wait_status(&env, id, "ACTIVE").await;
    assert_eq!(active["session"]["state"], "CONNECTED");
    assert_eq!(active["session"]["pairing_code"], Value::Null);
    assert_eq!(active["session"]["pairing_phone_number"], Value::Null);

    // Linked: there is nothing left to ask for.
    let (status, body) = env
        .post(&path, json!({ "phone_number": "+5511912340001" }))
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = env
        .post(&format!("/api/admin/tenants/{id}/qr/refresh"), json!({}))
        .await;
    assert_eq!(status, 409, "{body}");

    // The reply path still works after a pairing-code link.
    env.inbound(id, "+5511988887777", "hello").await;
    wait_counts(&env, id, 2, 1).await;
    let (status, body) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}
