//! The silent-session alert: a business whose customers stop writing for
//! much longer than usual while it is open gets one alert, told once, and
//! "back to normal" with the next message; one without enough history
//! gets none.

use chrono::{Duration, Utc};
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{Direction, TenantId};
use flowhq_server::{alerts, silence};
use reqwest::Client;
use serde_json::{Value, json};

use crate::helpers::{SendOk, TestApp, browser, run};

flowhq_store::backend_tests!(run: a_silent_business_is_told_once_and_back_to_normal);

fn inbound(i: usize, at: chrono::DateTime<Utc>) -> LoggedMessage {
    LoggedMessage {
        direction: Direction::Inbound,
        from_number: format!("+5511900001{i:03}"),
        to_number: "+5511987654321".into(),
        message_text: "oi".into(),
        wa_message_id: format!("wa-{i}"),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: at,
    }
}

/// An ACTIVE business open around the clock, owned by `email`.
async fn open_business(app: &TestApp, email: &str) -> (Client, TenantId) {
    let owner = browser();
    let body = app.sign_up(&owner, email).await;
    let tenant: TenantId = body["tenant"]["id"].as_str().unwrap().parse().unwrap();
    let all_day = json!([["00:00", "24:00"]]);
    let hours = json!({"timezone": "UTC", "mon": all_day, "tue": all_day, "wed": all_day,
        "thu": all_day, "fri": all_day, "sat": all_day, "sun": all_day});
    let changed = owner
        .patch(app.url("/api/portal/tenant/current/config"))
        .json(&json!({"hours": hours}))
        .sent()
        .await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap());
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        app.store.apply_event(tenant, event, "test").await.unwrap();
    }
    (owner, tenant)
}

async fn silent_mails(app: &TestApp) -> Vec<Value> {
    let body = app.get_admin("/api/admin/mail").await;
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"].as_str().unwrap().starts_with("alert_"))
        .cloned()
        .collect()
}

async fn a_silent_business_is_told_once_and_back_to_normal(app: TestApp) {
    let (_, busy) = open_business(&app, "busy@example.com").await;
    let (_, new) = open_business(&app, "new@example.com").await;
    let now = Utc::now();
    // Busy: a customer message every 10 minutes for five hours, then
    // nothing for five hours. Usual gap 10 min: the 2 h minimum applies.
    let history: Vec<_> = (0..31)
        .map(|i| {
            inbound(
                i,
                now - Duration::hours(10) + Duration::minutes(10 * i as i64),
            )
        })
        .collect();
    app.store.log_messages(busy, &history).await.unwrap();
    // New: three messages, long ago: too little history to judge.
    let few: Vec<_> = (100..103)
        .map(|i| inbound(i, now - Duration::hours(6) + Duration::minutes(i as i64)))
        .collect();
    app.store.log_messages(new, &few).await.unwrap();

    assert_eq!(silence::check(&app.state, now).await.unwrap(), (1, 0));
    assert_eq!(
        silence::check(&app.state, now + Duration::minutes(5))
            .await
            .unwrap(),
        (0, 0),
        "one incident however long it lasts"
    );
    let listed = app.get_admin("/api/admin/alerts").await;
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    assert_eq!(items[0]["kind"], "SILENT");
    assert_eq!(items[0]["tenant_id"], busy.to_string());
    assert!(
        items[0]["detail"].as_str().unwrap().contains("usually 10m"),
        "{listed}"
    );

    alerts::notify_due(&app.state, now).await.unwrap();
    let mails = silent_mails(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], "busy@example.com");
    assert!(
        mails[0]["subject"]
            .as_str()
            .unwrap()
            .starts_with("No customer messages")
    );

    // A customer writes: cleared, and told once.
    let later = now + Duration::minutes(10);
    app.store
        .log_messages(busy, &[inbound(500, later)])
        .await
        .unwrap();
    assert_eq!(
        silence::check(&app.state, later + Duration::minutes(1))
            .await
            .unwrap(),
        (0, 1)
    );
    alerts::notify_due(&app.state, later + Duration::minutes(1))
        .await
        .unwrap();
    alerts::notify_due(&app.state, later + Duration::minutes(2))
        .await
        .unwrap();
    let mails = silent_mails(&app).await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert!(mails.iter().any(|m| m["kind"] == "alert_cleared"));
    app.stop().await;
}
