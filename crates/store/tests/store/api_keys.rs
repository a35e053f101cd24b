//! API keys and the public API's sends, on both backends.

use chrono::{Duration, TimeDelta, Utc};
use flowhq_domain::api_keys::{KeyName, Scopes};
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::{Direction, TenantId};
use flowhq_store::api_keys::{ApiSend, ApiSendOutcome, NewApiKey};
use flowhq_store::sends::QueuedSend;
use flowhq_store::{Store, StoreError};

use crate::{new_tenant, run};

flowhq_store::backend_tests!(run:
    keys_are_found_by_prefix_revoked_and_scoped_to_their_tenant,
    last_use_is_written_at_most_once_a_minute,
    api_sends_check_the_key_the_rate_and_the_guard_in_one_transaction,
    contacts_are_the_numbers_that_wrote,
);

async fn tenant(store: &Store, phone: &str) -> TenantId {
    store
        .create_tenant(&new_tenant("T", phone))
        .await
        .unwrap()
        .tenant
        .id
}

async fn key(store: &Store, tenant: TenantId, prefix: &str) -> flowhq_domain::api_keys::ApiKey {
    let name = KeyName::parse("Shop").unwrap();
    let scopes = Scopes::parse(&["messages:send"]).unwrap();
    store
        .create_api_key(
            tenant,
            &NewApiKey {
                name: &name,
                scopes: &scopes,
                prefix,
                secret_hash: "hash",
                created_by: "owner:a@example.com",
            },
        )
        .await
        .unwrap()
}

async fn keys_are_found_by_prefix_revoked_and_scoped_to_their_tenant(store: Store, _url: String) {
    let a = tenant(&store, "+5511900000301").await;
    let b = tenant(&store, "+5511900000302").await;
    let made = key(&store, a, "fhq_aaaaaaaa").await;
    let (found, hash) = store
        .api_key_by_prefix("fhq_aaaaaaaa")
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.id, hash.as_str()), (made.id, "hash"));
    assert!(
        store
            .api_key_by_prefix("fhq_bbbbbbbb")
            .await
            .unwrap()
            .is_none()
    );
    // The prefix is unique.
    let name = KeyName::parse("Other").unwrap();
    let scopes = Scopes::parse(&["contacts:read"]).unwrap();
    let clash = store
        .create_api_key(
            b,
            &NewApiKey {
                name: &name,
                scopes: &scopes,
                prefix: "fhq_aaaaaaaa",
                secret_hash: "h2",
                created_by: "x",
            },
        )
        .await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    // Another tenant's key is not found, nor revoked.
    assert!(matches!(
        store.revoke_api_key(b, made.id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.list_api_keys(b).await.unwrap().is_empty());
    let revoked = store.revoke_api_key(a, made.id).await.unwrap();
    let at = revoked.revoked_at.expect("revoked");
    // Revoking again keeps the first time.
    let again = store.revoke_api_key(a, made.id).await.unwrap();
    assert_eq!(again.revoked_at, Some(at));
    assert_eq!(store.list_api_keys(a).await.unwrap().len(), 1);
}

async fn last_use_is_written_at_most_once_a_minute(store: Store, _url: String) {
    let a = tenant(&store, "+5511900000311").await;
    let made = key(&store, a, "fhq_cccccccc").await;
    let now = Utc::now();
    store.touch_api_key(&made, now).await.unwrap();
    let used = store.api_key(a, made.id).await.unwrap();
    assert_eq!(
        used.last_used_at.map(|t| t.timestamp_millis()),
        Some(now.timestamp_millis())
    );
    // Within the minute: nothing written.
    store
        .touch_api_key(&used, now + Duration::seconds(30))
        .await
        .unwrap();
    let same = store.api_key(a, made.id).await.unwrap();
    assert_eq!(same.last_used_at, used.last_used_at);
    store
        .touch_api_key(&same, now + Duration::seconds(61))
        .await
        .unwrap();
    let later = store.api_key(a, made.id).await.unwrap();
    assert!(later.last_used_at > used.last_used_at);
}

fn inbound(from: &str, at: chrono::DateTime<Utc>) -> LoggedMessage {
    LoggedMessage {
        direction: Direction::Inbound,
        from_number: from.into(),
        to_number: "+5511900000000".into(),
        message_text: "hi".into(),
        wa_message_id: format!("wa-{from}-{}", at.timestamp_millis()),
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

async fn api_sends_check_the_key_the_rate_and_the_guard_in_one_transaction(
    store: Store,
    _url: String,
) {
    let a = tenant(&store, "+5511900000321").await;
    let made = key(&store, a, "fhq_dddddddd").await;
    store
        .log_messages(a, &[inbound("+5511911110001", Utc::now())])
        .await
        .unwrap();
    let send = |id: &str, to: &str| QueuedSend {
        id: id.to_owned(),
        to: to.to_owned(),
        text: "hello".into(),
        media: None,
        sent_by: None,
        created_at: Utc::now(),
    };
    let request = |send: &QueuedSend, idempotency: Option<(&'static str, &'static str)>| {
        let send = send.clone();
        let store = &store;
        async move {
            store
                .queue_api_send(
                    a,
                    &ApiSend {
                        key: made.id,
                        send: &send,
                        idempotency,
                        answer: (202, "{\"id\":\"x\"}"),
                        rate: (3, TimeDelta::minutes(1)),
                        contact_window: TimeDelta::hours(24),
                    },
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(
        request(&send("s0", "+5511911119999"), Some(("k", "h"))).await,
        ApiSendOutcome::NotAContact
    );
    // Refused: the key was not taken.
    assert_eq!(store.idempotent_answer(a, "k").await.unwrap(), None);
    assert_eq!(
        request(&send("s1", "+5511911110001"), Some(("k", "h"))).await,
        ApiSendOutcome::Queued
    );
    assert_eq!(
        request(&send("s2", "+5511911110001"), Some(("k", "h"))).await,
        ApiSendOutcome::Repeated {
            status: 202,
            body: "{\"id\":\"x\"}".into()
        }
    );
    assert_eq!(
        request(&send("s3", "+5511911110001"), Some(("k", "other"))).await,
        ApiSendOutcome::KeyReused
    );
    for id in ["s4", "s5"] {
        assert_eq!(
            request(&send(id, "+5511911110001"), None).await,
            ApiSendOutcome::Queued
        );
    }
    let ApiSendOutcome::RateLimited { retry_after } =
        request(&send("s6", "+5511911110001"), None).await
    else {
        panic!("the fourth send in a minute is over the rate of 3");
    };
    assert!(retry_after > TimeDelta::zero() && retry_after <= TimeDelta::minutes(1));
    let waiting: Vec<String> = store
        .waiting_sends(a, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(waiting, ["s1", "s4", "s5"]);
    // A day later the answer is forgotten.
    assert_eq!(
        store
            .prune_idempotency(Utc::now() + Duration::hours(25))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.idempotent_answer(a, "k").await.unwrap(), None);
}

async fn contacts_are_the_numbers_that_wrote(store: Store, _url: String) {
    let a = tenant(&store, "+5511900000331").await;
    let b = tenant(&store, "+5511900000332").await;
    let now = Utc::now();
    store
        .log_messages(
            a,
            &[
                inbound("+5511911110002", now - Duration::hours(30)),
                inbound("+5511911110002", now - Duration::hours(1)),
                inbound("+5511911110001", now),
            ],
        )
        .await
        .unwrap();
    store
        .log_messages(b, &[inbound("+5511911110003", now)])
        .await
        .unwrap();
    let page = store.list_contacts(a, 10, None).await.unwrap();
    let phones: Vec<&str> = page.items.iter().map(|c| c.phone.as_str()).collect();
    assert_eq!(phones, ["+5511911110001", "+5511911110002"]);
    assert_eq!(
        page.items[1].last_inbound_at.timestamp_millis(),
        (now - Duration::hours(1)).timestamp_millis()
    );
    let first = store.list_contacts(a, 1, None).await.unwrap();
    assert_eq!(first.next_cursor.as_deref(), Some("+5511911110001"));
    let rest = store
        .list_contacts(a, 1, first.next_cursor.as_deref())
        .await
        .unwrap();
    assert_eq!(rest.items[0].phone, "+5511911110002");
    assert_eq!(rest.next_cursor, None);
}
