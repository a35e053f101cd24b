//! The weekly digest: one mail per owner and week with the week's figures
//! in the business's language, a link that turns it off without logging
//! in, and the same switch on /app/alerts.

use chrono::{Duration, Utc};
use flowhq_domain::digest::due_week;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{Direction, LoggedDecision, TenantId};
use flowhq_server::digest::send_due;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, run};

flowhq_store::backend_tests!(run: owners_get_one_digest_a_week_and_can_turn_it_off);

fn inbound(
    i: usize,
    text: &str,
    decision: LoggedDecision,
    at: chrono::DateTime<Utc>,
) -> LoggedMessage {
    LoggedMessage {
        direction: Direction::Inbound,
        from_number: format!("+55119000000{i:02}"),
        to_number: "+5511987654321".into(),
        message_text: text.into(),
        wa_message_id: format!("wa-{i}"),
        bot_decision: Some(decision),
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: at,
    }
}

async fn digests(app: &TestApp) -> Vec<Value> {
    let body = app.get_admin("/api/admin/mail").await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "weekly_digest")
        .cloned()
        .collect()
}

fn value_after<'a>(text: &'a str, marker: &str) -> &'a str {
    let start = text.find(marker).expect(marker) + marker.len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c == '"' || c.is_whitespace())
        .unwrap_or(rest.len());
    &rest[..end]
}

async fn owners_get_one_digest_a_week_and_can_turn_it_off(app: TestApp) {
    let owner = browser();
    let body = app.sign_up(&owner, "lupe@example.com").await;
    let tenant: TenantId = body["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let config = "/api/portal/tenant/current/config";
    let changed = owner
        .patch(app.url(config))
        .json(&json!({"language": "ES"}))
        .sent()
        .await;
    assert_eq!(changed.status(), 200);
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        app.store.apply_event(tenant, event, "test").await.unwrap();
    }
    // The tenant existed before the week: backdate it.
    let zone = app
        .store
        .tenant_config(tenant)
        .await
        .unwrap()
        .hours
        .timezone;
    let now = Utc::now();
    let week = due_week(now, zone).unwrap();
    sqlx::query("UPDATE tenant SET created_at = $1 WHERE id = $2")
        .bind((week.from - Duration::days(1)).timestamp_millis())
        .bind(tenant.to_string())
        .execute(app.store.pool())
        .await
        .unwrap();
    let day = week.from + Duration::days(2);
    let messages = [
        inbound(1, "Horario", LoggedDecision::Answer, day),
        inbound(2, "horario ", LoggedDecision::Answer, day),
        inbound(3, "precios", LoggedDecision::Answer, day),
        inbound(4, "hola", LoggedDecision::Away, day),
        inbound(5, "una persona", LoggedDecision::Handoff, day),
        // Outside the week: not counted.
        inbound(
            6,
            "antes",
            LoggedDecision::Answer,
            week.from - Duration::hours(1),
        ),
    ];
    app.store.log_messages(tenant, &messages).await.unwrap();

    assert_eq!(send_due(&app.state, now).await.unwrap(), 1);
    assert_eq!(send_due(&app.state, now).await.unwrap(), 0, "once a week");
    let mails = digests(&app).await;
    assert_eq!(mails.len(), 1);
    let text = mails[0]["text"].as_str().unwrap();
    assert_eq!(mails[0]["to"], "lupe@example.com");
    assert!(
        mails[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("Tu semana en WhatsApp")
    );
    assert!(text.contains("enviaron 5 mensajes"), "{text}");
    assert!(
        text.contains("El 20% de los mensajes llegó fuera de horario (1)"),
        "{text}"
    );
    assert!(text.contains("1 clientes pidieron"), "{text}");
    assert!(text.contains("“horario” (2), “precios” (1)"), "{text}");
    assert!(text.contains("/app"), "{text}");

    // The off link: opening it changes nothing, the button does.
    let token = value_after(text, "/digest/off?token=").to_owned();
    let page = browser();
    let opened = page
        .get(app.url(&format!("/digest/off?token={token}")))
        .sent()
        .await;
    assert_eq!(opened.status(), 200);
    let html = opened.text().await.unwrap();
    assert!(html.contains("Stop the weekly digest"));
    let csrf = value_after(&html, "name=\"csrf_token\" value=\"").to_owned();
    let refused = page
        .post(app.url("/digest/off"))
        .form(&[("token", token.as_str()), ("csrf_token", "wrong")])
        .sent()
        .await;
    assert_eq!(refused.status(), 403);
    let off = page
        .post(app.url("/digest/off"))
        .form(&[("token", token.as_str()), ("csrf_token", csrf.as_str())])
        .sent()
        .await;
    assert_eq!(off.status(), 200);
    assert!(off.text().await.unwrap().contains("Turn it back on"));
    assert_eq!(
        send_due(&app.state, now + Duration::days(7)).await.unwrap(),
        0,
        "off: nothing next week"
    );
    let bad = page.get(app.url("/digest/off?token=nope")).sent().await;
    assert_eq!(bad.status(), 404);

    // The owner turns it back on from /app/alerts.
    let alerts = owner
        .get(app.url("/app/alerts"))
        .sent()
        .await
        .text()
        .await
        .unwrap();
    assert!(alerts.contains("name=\"WEEKLY_DIGEST\""), "{alerts}");
    assert!(!alerts.contains("name=\"WEEKLY_DIGEST\" value=\"on\" checked"));
    let csrf = value_after(&alerts, "name=\"csrf_token\" value=\"").to_owned();
    let saved = owner
        .post(app.url("/app/alerts/preferences"))
        .form(&[("csrf_token", csrf.as_str()), ("WEEKLY_DIGEST", "on")])
        .sent()
        .await;
    assert!(saved.status().is_success() || saved.status().is_redirection());
    assert_eq!(
        send_due(&app.state, now + Duration::days(7)).await.unwrap(),
        1
    );
    app.stop().await;
}
