//! Webhook endpoints and deliveries, on both backends.

use chrono::{Duration, Utc};
use flowhq_domain::DeliveryStatus as Delivery;
use flowhq_domain::Direction;
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::Receipt;
use flowhq_domain::webhooks::{EndpointUrl, EventType, WebhookSecret};
use flowhq_store::messages::Logged;
use flowhq_store::webhooks::{DeliveryStatus, EndpointPatch, NewEndpoint, Outcome, Owner};
use flowhq_store::{Store, StoreError};

use crate::{message, new_tenant, run};

flowhq_store::backend_tests!(run:
    events_are_queued_with_their_cause_for_subscribed_endpoints_only,
    deliveries_are_claimed_once_retried_dead_and_replayed,
    endpoints_belong_to_their_owner,
);

fn endpoint(url: &str, events: &[EventType]) -> NewEndpoint {
    NewEndpoint {
        url: EndpointUrl::parse(url).unwrap(),
        events: events.to_vec(),
        secret: WebhookSecret::from_key(&[1; 32]),
    }
}

async fn pending(store: &Store) -> i64 {
    store
        .count_webhook_deliveries(DeliveryStatus::Pending)
        .await
        .unwrap()
}

async fn events_are_queued_with_their_cause_for_subscribed_endpoints_only(
    store: Store,
    _url: String,
) {
    let a = store
        .create_tenant(&new_tenant("A", "+5511900000101"))
        .await
        .unwrap()
        .tenant
        .id;
    let b = store
        .create_tenant(&new_tenant("B", "+5511900000102"))
        .await
        .unwrap()
        .tenant
        .id;
    let mine = store
        .create_webhook_endpoint(
            Owner::Tenant(a),
            &endpoint("http://127.0.0.1:1/a", &[EventType::MessageReceived]),
        )
        .await
        .unwrap();
    let ops = store
        .create_webhook_endpoint(
            Owner::Operator,
            &endpoint(
                "http://127.0.0.1:1/ops",
                &[EventType::MessageReceived, EventType::TenantStatus],
            ),
        )
        .await
        .unwrap();
    assert_eq!(mine.tenant_id, Some(a));
    assert_eq!(ops.tenant_id, None);

    // Each batch tells how many deliveries it queued (the link wakes the
    // sender on that alone).
    let logged = |inserted, webhooks_queued| Logged {
        inserted,
        webhooks_queued,
    };
    let inbound = message(Direction::Inbound, "wa-1");
    assert_eq!(
        store
            .log_messages(a, std::slice::from_ref(&inbound))
            .await
            .unwrap(),
        logged(1, 2)
    );
    // A's endpoint and the operators' each get message.received.
    assert_eq!(pending(&store).await, 2);
    // The same message again logs nothing and queues nothing.
    assert_eq!(
        store
            .log_messages(a, std::slice::from_ref(&inbound))
            .await
            .unwrap(),
        logged(0, 0)
    );
    assert_eq!(pending(&store).await, 2);
    // Nobody subscribed to message.sent.
    assert_eq!(
        store
            .log_messages(a, &[message(Direction::Outbound, "wa-2")])
            .await
            .unwrap(),
        logged(1, 0)
    );
    assert_eq!(pending(&store).await, 2);
    // B has no endpoint of its own: only the operators hear of it.
    assert_eq!(
        store.log_messages(b, &[inbound]).await.unwrap(),
        logged(1, 1)
    );
    assert_eq!(pending(&store).await, 3);
    // A status change is queued with the transition.
    store
        .apply_event(b, Event::SetupRequestSubmitted, "t")
        .await
        .unwrap();
    let page = store
        .webhook_deliveries(Owner::Operator, ops.id, None, 10, None)
        .await
        .unwrap();
    let types: Vec<_> = page.items.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        types,
        ["tenant.status", "message.received", "message.received"]
    );
    assert_eq!(page.items[0].payload["data"]["tenant_id"], b.to_string());
    assert_eq!(page.items[0].payload["data"]["to"], "PENDING");
    // A disabled endpoint is queued nothing.
    store
        .update_webhook_endpoint(
            Owner::Tenant(a),
            mine.id,
            &EndpointPatch {
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .log_messages(a, &[message(Direction::Inbound, "wa-3")])
        .await
        .unwrap();
    let mine_page = store
        .webhook_deliveries(Owner::Tenant(a), mine.id, None, 10, None)
        .await
        .unwrap();
    assert_eq!(mine_page.items.len(), 1);

    // Receipts: a move nobody subscribes to queues nothing; one with a
    // subscriber queues its message.status once.
    let receipt = |wa: &str, delivery| Receipt {
        wa_message_id: wa.into(),
        delivery,
        at: Utc::now(),
    };
    let receipted = store
        .apply_receipts(a, &[receipt("wa-2", Delivery::Delivered)])
        .await
        .unwrap();
    assert_eq!((receipted.changes.len(), receipted.webhooks_queued), (1, 0));
    store
        .create_webhook_endpoint(
            Owner::Tenant(a),
            &endpoint("http://127.0.0.1:1/status", &[EventType::MessageStatus]),
        )
        .await
        .unwrap();
    let read = [receipt("wa-2", Delivery::Read)];
    let receipted = store.apply_receipts(a, &read).await.unwrap();
    assert_eq!((receipted.changes.len(), receipted.webhooks_queued), (1, 1));
    // The same receipt again moves nothing and queues nothing.
    let receipted = store.apply_receipts(a, &read).await.unwrap();
    assert_eq!((receipted.changes.len(), receipted.webhooks_queued), (0, 0));

    // A worker's batch is one unit: its receipts see its own messages, and
    // one naming a message never logged moves nothing.
    let shipped = store
        .log_batch(
            a,
            &[message(Direction::Outbound, "wa-7")],
            &[
                receipt("wa-7", Delivery::Delivered),
                receipt("wa-unknown", Delivery::Delivered),
            ],
        )
        .await
        .unwrap();
    assert_eq!(shipped.logged.inserted, 1);
    let moved: Vec<_> = shipped
        .receipted
        .changes
        .iter()
        .map(|c| (c.wa_message_id.as_str(), c.delivery))
        .collect();
    assert_eq!(moved, [("wa-7", Delivery::Delivered)]);
    assert_eq!(shipped.receipted.webhooks_queued, 1);
    // Sent again (its acknowledgement lost): nothing twice.
    let again = store
        .log_batch(
            a,
            &[message(Direction::Outbound, "wa-7")],
            &[receipt("wa-7", Delivery::Delivered)],
        )
        .await
        .unwrap();
    assert_eq!(
        (again.logged.inserted, again.receipted.changes.len()),
        (0, 0)
    );
}

async fn deliveries_are_claimed_once_retried_dead_and_replayed(store: Store, _url: String) {
    let a = store
        .create_tenant(&new_tenant("A", "+5511900000103"))
        .await
        .unwrap()
        .tenant
        .id;
    let hook = store
        .create_webhook_endpoint(
            Owner::Tenant(a),
            &endpoint("http://127.0.0.1:1/a", &[EventType::MessageReceived]),
        )
        .await
        .unwrap();
    let batch: Vec<_> = (0..3)
        .map(|i| message(Direction::Inbound, &format!("wa-{i}")))
        .collect();
    store.log_messages(a, &batch).await.unwrap();
    let lease = Duration::seconds(60);
    let claimed = store.claim_due_webhooks(10, lease).await.unwrap();
    assert_eq!(claimed.len(), 3);
    assert!(
        claimed
            .iter()
            .all(|d| d.attempt == 1 && d.secrets.len() == 1)
    );
    assert!(
        store
            .claim_due_webhooks(10, lease)
            .await
            .unwrap()
            .is_empty()
    );

    let outcome = |i: usize, retry: Option<Option<chrono::DateTime<Utc>>>| Outcome {
        endpoint_id: hook.id,
        event_id: claimed[i].event_id.clone(),
        attempt: claimed[i].attempt,
        at: Utc::now(),
        status_code: Some(if retry.is_some() { 500 } else { 204 }),
        latency_ms: 3,
        error: retry
            .is_some()
            .then(|| "the receiver answered 500".to_owned()),
        response: Some("oops".into()),
        retry,
    };
    store
        .record_webhook_outcomes(&[
            outcome(0, None),
            outcome(1, Some(Some(Utc::now() - Duration::seconds(1)))),
            outcome(2, Some(None)),
        ])
        .await
        .unwrap();
    let again = store.claim_due_webhooks(10, lease).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].event_id, claimed[1].event_id);
    assert_eq!(again[0].attempt, 2);

    let owner = Owner::Tenant(a);
    let dead = store
        .webhook_deliveries(owner, hook.id, Some(DeliveryStatus::Dead), 10, None)
        .await
        .unwrap();
    assert_eq!(dead.items.len(), 1);
    assert_eq!(dead.items[0].id, claimed[2].event_id);
    assert_eq!(dead.items[0].log.len(), 1);
    assert_eq!(dead.items[0].log[0].status_code, Some(500));
    // A success in the batch: the endpoint works, whatever else failed.
    assert!(
        store
            .endpoint_failing(owner, hook.id)
            .await
            .unwrap()
            .is_none()
    );
    // Replaying one makes it due again; replaying a delivered one is a 404.
    assert_eq!(
        store
            .replay_webhook_deliveries(owner, hook.id, Some(&claimed[2].event_id))
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        store
            .replay_webhook_deliveries(owner, hook.id, Some(&claimed[0].event_id))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let replayed = store.claim_due_webhooks(10, lease).await.unwrap();
    assert_eq!(replayed.len(), 1);
    assert_eq!(replayed[0].attempt, 2);
    // A rotation signs with both secrets for the overlap.
    store
        .update_webhook_endpoint(
            owner,
            hook.id,
            &EndpointPatch {
                rotate_to: Some((
                    WebhookSecret::from_key(&[2; 32]),
                    Utc::now() + Duration::hours(24),
                )),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .log_messages(a, &[message(Direction::Inbound, "wa-9")])
        .await
        .unwrap();
    let rotated = store.claim_due_webhooks(10, lease).await.unwrap();
    assert_eq!(rotated.len(), 1);
    assert_eq!(rotated[0].secrets.len(), 2);

    // Failing without a success for three days: switched off, reported once.
    sqlx::query("UPDATE webhook_endpoint SET failing_since = $1 WHERE id = $2")
        .bind((Utc::now() - Duration::days(3) - Duration::minutes(1)).timestamp_millis())
        .bind(hook.id.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    let failed = Outcome {
        event_id: rotated[0].event_id.clone(),
        attempt: rotated[0].attempt,
        ..outcome(1, Some(Some(Utc::now())))
    };
    let disabled = store.record_webhook_outcomes(&[failed]).await.unwrap();
    assert_eq!(disabled, [hook.id]);
    let endpoint = store.webhook_endpoint(owner, hook.id).await.unwrap();
    assert!(endpoint.disabled_at.is_some());
    assert!(store.record_webhook_outcomes(&[]).await.unwrap().is_empty());
    // Nothing is claimed for a disabled endpoint.
    assert!(
        store
            .claim_due_webhooks(10, lease)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn endpoints_belong_to_their_owner(store: Store, _url: String) {
    let a = store
        .create_tenant(&new_tenant("A", "+5511900000104"))
        .await
        .unwrap()
        .tenant
        .id;
    let b = store
        .create_tenant(&new_tenant("B", "+5511900000105"))
        .await
        .unwrap()
        .tenant
        .id;
    let hook = store
        .create_webhook_endpoint(
            Owner::Tenant(a),
            &endpoint("http://127.0.0.1:1/a", &[EventType::SessionStatus]),
        )
        .await
        .unwrap();
    for other in [Owner::Tenant(b), Owner::Operator] {
        assert!(matches!(
            store.webhook_endpoint(other, hook.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            store.delete_webhook_endpoint(other, hook.id).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(store.webhook_endpoints(other).await.unwrap().is_empty());
    }
    assert_eq!(
        store
            .webhook_endpoints(Owner::Tenant(a))
            .await
            .unwrap()
            .len(),
        1
    );
    store
        .delete_webhook_endpoint(Owner::Tenant(a), hook.id)
        .await
        .unwrap();
    assert!(
        store
            .webhook_endpoints(Owner::Tenant(a))
            .await
            .unwrap()
            .is_empty()
    );
}
