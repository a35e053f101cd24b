//! The public API end to end with a real worker on the simulated network:
//! a customer writes, an integration answers with `POST /api/v1/messages`
//! (a text, then a PDF), and the customer's phone gets each once, however
//! often the client retries with its `Idempotency-Key`.

use super::pairing::{approved_with_worker, scan_until_active};
use super::*;

flowhq_store::backend_tests!(run: an_integration_answers_a_customer_through_the_public_api);

/// The smallest PDF the content check takes.
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

async fn an_integration_answers_a_customer_through_the_public_api(mut env: Env) {
    use base64::Engine as _;
    let (server, port) = start_server(&env.db_url, env.data_dir.clone(), 0).await;
    env.port = port;
    let id = approved_with_worker(&env, "Casa Pepe", "+34910000001").await;
    scan_until_active(&env, id, &env.url("")).await;

    let (status, key) = env
        .post(
            &format!("/api/admin/tenants/{id}/api-keys"),
            json!({"name": "Shop", "scopes": ["messages:send", "messages:read"]}),
        )
        .await;
    assert_eq!(status, 201, "{key}");
    let secret = key["secret"].as_str().unwrap().to_owned();
    let send = |body: Value, idempotency: &'static str| {
        env.client
            .post(env.url("/api/v1/messages"))
            .bearer_auth(&secret)
            .header("Idempotency-Key", idempotency)
            .json(&body)
            .send()
    };

    // Nobody wrote yet: the guard refuses, naming `to`.
    let refused = send(json!({"to": "+34600000007", "text": "Hi"}), "k0")
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["error"]["field"], "to");

    let wa = env.inbound(id, "+34600000007", "is my order ready?").await;
    super::commands::logged(&env, id, &wa).await;
    // The bot answers the customer first; what the API sends comes after.
    let text = json!({"to": "+34600000007", "text": "Order 1042 is ready"});
    let first: Value = send(text.clone(), "order-1042")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["status"], "QUEUED", "{first}");
    // A client that lost the answer sends again: same answer, one message.
    let again: Value = send(text, "order-1042")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, first);
    let pdf = base64::engine::general_purpose::STANDARD.encode(PDF);
    let file = json!({"to": "+34600000007", "text": "Your invoice",
        "media": {"file_name": "invoice.pdf", "mime": "application/pdf", "data_base64": pdf}});
    let sent = send(file, "invoice-1042").await.unwrap();
    assert_eq!(sent.status(), 202);

    let outbox = eventually("both sends delivered", Duration::from_secs(15), || async {
        let outbox = env.outbox(id).await;
        let has = |t: &str| outbox.iter().filter(|m| m["text"] == t).count();
        (has("Order 1042 is ready") >= 1 && has("Your invoice") >= 1).then_some(outbox)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let outbox = {
        let later = env.outbox(id).await;
        assert!(later.len() >= outbox.len());
        later
    };
    let ready: Vec<_> = outbox
        .iter()
        .filter(|m| m["text"] == "Order 1042 is ready")
        .collect();
    assert_eq!(ready.len(), 1, "sent once: {outbox:?}");
    assert_eq!(ready[0]["to"], "+34600000007");
    let invoice = outbox.iter().find(|m| m["text"] == "Your invoice").unwrap();
    assert_eq!(invoice["media"]["mime"], "application/pdf", "{invoice}");
    assert_eq!(invoice["media"]["file_name"], "invoice.pdf");

    // The message log shows the send under its id.
    let log = eventually("the send logged", Duration::from_secs(10), || async {
        let page: Value = env
            .client
            .get(env.url("/api/v1/messages?contact=%2B34600000007"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["message_text"] == "Order 1042 is ready")
            .then_some(page)
    })
    .await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["message_text"] == "is my order ready?"),
        "{log}"
    );
    // Workers outlive their control plane by design: stop them on purpose.
    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}
