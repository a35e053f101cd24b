//! The store's conformance suite: every test runs on SQLite and on
//! PostgreSQL (when `FLOWHQ_TEST_POSTGRES_URL` is set; required under CI).

mod api_keys;
mod mail;
mod migrations;
mod webhooks;
mod workers;

use std::future::Future;

use chrono::{Duration, Utc};
use flowhq_domain::lifecycle::Event;
use flowhq_domain::protocol::LoggedMessage;
use flowhq_domain::values::{Email, Name, PhoneNumber};
use flowhq_domain::{Direction, LoggedDecision, Role, TenantStatus};
use flowhq_store::tenants::{ConfigInput, ConfigPatch, NewTenant, TenantFilter, TenantPatch};
use flowhq_store::testing::TestDb;
use flowhq_store::users::NewUser;
use flowhq_store::{Backend, Store, StoreError};

async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let store = Store::connect(&db.url)
        .await
        .expect("connecting to the test database");
    test(store.clone(), db.url.clone()).await;
    store.close().await;
    db.cleanup().await;
}

flowhq_store::backend_tests!(run:
    creating_a_tenant_creates_its_relations,
    transitions_follow_the_machine_and_write_the_trail,
    refused_moves_change_nothing,
    reported_events_that_do_not_apply_are_no_ops,
    tenants_list_newest_first_with_filters_and_cursor,
    patches_change_only_given_fields,
    deleting_a_tenant_removes_everything_it_owns,
    message_logging_is_idempotent_and_pages,
    emails_are_unique_regardless_of_case,
    data_survives_a_reconnect_and_migrations_run_once,
    daily_totals_are_the_same_rolled_up_or_live,
    a_hidden_id_revealed_joins_the_numbers_conversation,
);

fn new_tenant(name: &str, phone: &str) -> NewTenant {
    let name = Name::parse(name).unwrap();
    NewTenant {
        config: ConfigInput::default_for(&name),
        name,
        phone_number: PhoneNumber::parse(phone).unwrap(),
    }
}

async fn creating_a_tenant_creates_its_relations(store: Store, _url: String) {
    let detail = store
        .create_tenant(&new_tenant("Cafe Lua", "+5511912345678"))
        .await
        .unwrap();
    assert_eq!(detail.tenant.status, TenantStatus::New);
    assert_eq!(detail.config.tenant_id, detail.tenant.id);
    assert_eq!(detail.config.business_name, "Cafe Lua");
    assert_eq!(detail.session.tenant_id, detail.tenant.id);
    assert_eq!(
        detail.worker.process_name,
        format!("flowhq-worker-{}", detail.tenant.id)
    );
    assert!(detail.setup_request.is_none());
    let again = store.tenant_detail(detail.tenant.id).await.unwrap();
    assert_eq!(again.tenant, detail.tenant);
    assert_eq!(again.config, detail.config);
}

async fn transitions_follow_the_machine_and_write_the_trail(store: Store, _url: String) {
    let id = store
        .create_tenant(&new_tenant("A", "+5511900000001"))
        .await
        .unwrap()
        .tenant
        .id;
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
        Event::Pause,
    ] {
        store
            .apply_event(id, event, "test")
            .await
            .unwrap()
            .expect("a move");
    }
    assert_eq!(store.tenant(id).await.unwrap().status, TenantStatus::Paused);
    let trail = store.tenant_events(id).await.unwrap();
    let moves: Vec<_> = trail.iter().map(|e| (e.from_status, e.to_status)).collect();
    assert_eq!(
        moves,
        vec![
            (TenantStatus::New, TenantStatus::Pending),
            (TenantStatus::Pending, TenantStatus::Approved),
            (TenantStatus::Approved, TenantStatus::QrPending),
            (TenantStatus::QrPending, TenantStatus::Active),
            (TenantStatus::Active, TenantStatus::Paused),
        ]
    );
    assert!(trail.iter().all(|e| e.actor == "test" && e.tenant_id == id));
}

async fn refused_moves_change_nothing(store: Store, _url: String) {
    let id = store
        .create_tenant(&new_tenant("B", "+5511900000002"))
        .await
        .unwrap()
        .tenant
        .id;
    let before = store.tenant(id).await.unwrap();
    let err = store
        .apply_event(id, Event::Resume, "test")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Transition(_)), "{err:?}");
    assert_eq!(store.tenant(id).await.unwrap(), before);
    assert!(store.tenant_events(id).await.unwrap().is_empty());
}

async fn reported_events_that_do_not_apply_are_no_ops(store: Store, _url: String) {
    let id = store
        .create_tenant(&new_tenant("C", "+5511900000003"))
        .await
        .unwrap()
        .tenant
        .id;
    assert_eq!(
        store
            .apply_event(id, Event::SessionConnected, "worker")
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.tenant(id).await.unwrap().status, TenantStatus::New);
    assert!(store.tenant_events(id).await.unwrap().is_empty());
}

async fn tenants_list_newest_first_with_filters_and_cursor(store: Store, _url: String) {
    let mut ids = Vec::new();
    for i in 0..5 {
        let tenant = new_tenant(&format!("Shop {i}"), &format!("+55119000000{i:02}"));
        ids.push(store.create_tenant(&tenant).await.unwrap().tenant.id);
    }
    store
        .create_tenant(&new_tenant("100% Pizza_Place", "+5521999999999"))
        .await
        .unwrap();
    store
        .apply_event(ids[1], Event::SetupRequestSubmitted, "t")
        .await
        .unwrap();

    let first = store
        .list_tenants(&TenantFilter {
            limit: 2,
            q: Some("shop".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        first.items.iter().map(|d| d.tenant.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let cursor = first.next_cursor.expect("more pages").parse().unwrap();
    let second = store
        .list_tenants(&TenantFilter {
            limit: 2,
            q: Some("SHOP".into()),
            cursor: Some(cursor),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        second.items.iter().map(|d| d.tenant.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let pending = store
        .list_tenants(&TenantFilter {
            limit: 50,
            status: Some(TenantStatus::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pending.items.len(), 1);
    assert_eq!(pending.items[0].tenant.id, ids[1]);
    assert!(pending.next_cursor.is_none());
    // LIKE wildcards in the search are literal.
    let literal = store
        .list_tenants(&TenantFilter {
            limit: 50,
            q: Some("100%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(literal.items.len(), 1);
    let by_phone = store
        .list_tenants(&TenantFilter {
            limit: 50,
            q: Some("+552199".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_phone.items.len(), 1);
    let none = store
        .list_tenants(&TenantFilter {
            limit: 50,
            q: Some("_".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(none.items.len(), 1, "only the name with a real underscore");
}

async fn patches_change_only_given_fields(store: Store, _url: String) {
    let detail = store
        .create_tenant(&new_tenant("D", "+5511900000004"))
        .await
        .unwrap();
    let patch = TenantPatch {
        name: Some(Name::parse("D2").unwrap()),
        config: ConfigPatch {
            language: Some(flowhq_domain::Language::Es),
            ..Default::default()
        },
        ..Default::default()
    };
    let updated = store
        .update_tenant(detail.tenant.id, &patch, "admin:t")
        .await
        .unwrap();
    assert_eq!(updated.tenant.name, "D2");
    assert_eq!(updated.tenant.phone_number, detail.tenant.phone_number);
    assert_eq!(updated.config.language, flowhq_domain::Language::Es);
    assert_eq!(updated.config.template_type, detail.config.template_type);
    let missing = store
        .update_tenant(flowhq_domain::TenantId::new(), &patch, "admin:t")
        .await
        .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound("tenant")));

    // The settings change is in the history; the name alone is no setting.
    let history = store.config_history(detail.tenant.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].actor, "admin:t");
    assert_eq!(history[0].fields, ["language"]);
    // Undone: the language is back, the change marked, and nothing is left
    // to undo.
    let undone = store
        .undo_config_change(detail.tenant.id, "owner:o")
        .await
        .unwrap();
    assert_eq!(undone.undone_by.as_deref(), Some("owner:o"));
    let config = store.tenant_config(detail.tenant.id).await.unwrap();
    assert_eq!(config.language, detail.config.language);
    let nothing = store
        .undo_config_change(detail.tenant.id, "owner:o")
        .await
        .unwrap_err();
    assert!(matches!(nothing, StoreError::Conflict(_)), "{nothing:?}");
}

async fn deleting_a_tenant_removes_everything_it_owns(store: Store, _url: String) {
    let id = store
        .create_tenant(&new_tenant("E", "+5511900000005"))
        .await
        .unwrap()
        .tenant
        .id;
    store
        .apply_event(id, Event::SetupRequestSubmitted, "t")
        .await
        .unwrap();
    store
        .log_messages(id, &[message(Direction::Inbound, "wa-1")])
        .await
        .unwrap();
    store.delete_tenant(id).await.unwrap();
    assert!(matches!(
        store.tenant_detail(id).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store.tenant_events(id).await.unwrap().is_empty());
    for table in [
        "tenant_config",
        "whatsapp_session",
        "worker_process",
        "message_log",
        "tenant_event",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} still has rows");
    }
    assert!(matches!(
        store.delete_tenant(id).await,
        Err(StoreError::NotFound(_))
    ));
}

fn message(direction: Direction, wa_id: &str) -> LoggedMessage {
    LoggedMessage {
        direction,
        from_number: "+5511911111111".into(),
        to_number: "+5511922222222".into(),
        message_text: format!("text of {wa_id}"),
        wa_message_id: wa_id.into(),
        bot_decision: None,
        reply_to: None,
        menu_item: None,
        media: None,
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: Utc::now(),
    }
}

async fn message_logging_is_idempotent_and_pages(store: Store, _url: String) {
    let a = store
        .create_tenant(&new_tenant("F", "+5511900000006"))
        .await
        .unwrap()
        .tenant
        .id;
    let b = store
        .create_tenant(&new_tenant("G", "+5511900000007"))
        .await
        .unwrap()
        .tenant
        .id;
    let base = Utc::now() - Duration::minutes(10);
    let batch: Vec<_> = (0..7)
        .map(|i| LoggedMessage {
            push_name: None,
            client_id: None,
            hidden_id: None,
            created_at: base + Duration::seconds(i),
            bot_decision: Some(LoggedDecision::Welcome),
            ..message(Direction::Inbound, &format!("wa-{i}"))
        })
        .collect();
    assert_eq!(store.log_messages(a, &batch).await.unwrap().inserted, 7);
    // The same batch again, plus the reply to one: only the reply is new.
    let mut retry = batch.clone();
    retry.push(LoggedMessage {
        reply_to: Some("wa-0".into()),
        menu_item: None,
        media: None,
        ..message(Direction::Outbound, "wa-0")
    });
    assert_eq!(store.log_messages(a, &retry).await.unwrap().inserted, 1);
    // Another tenant may use the same WhatsApp ids.
    assert_eq!(
        store.log_messages(b, &batch[..2]).await.unwrap().inserted,
        2
    );
    // A row twice in one batch is logged once.
    let twice = [
        message(Direction::Inbound, "wa-twice"),
        message(Direction::Inbound, "wa-twice"),
    ];
    assert_eq!(store.log_messages(b, &twice).await.unwrap().inserted, 1);
    // A batch bigger than one statement takes is logged whole.
    let big: Vec<_> = (0..1_205)
        .map(|i| message(Direction::Inbound, &format!("wa-big-{i}")))
        .collect();
    assert_eq!(store.log_messages(b, &big).await.unwrap().inserted, 1_205);
    assert_eq!(store.log_messages(b, &big).await.unwrap().inserted, 0);

    let first = store.list_messages(a, 3, None).await.unwrap();
    assert_eq!(first.items.len(), 3);
    assert_eq!(
        first.items[0].direction,
        Direction::Outbound,
        "newest first"
    );
    // The bot's decision and the reply's link to its inbound message are kept.
    assert_eq!(first.items[0].reply_to.as_deref(), Some("wa-0"));
    assert_eq!(first.items[0].bot_decision, None);
    assert_eq!(first.items[1].bot_decision, Some(LoggedDecision::Welcome));
    let mut seen: Vec<_> = first.items.iter().map(|m| m.id).collect();
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let page = store
            .list_messages(a, 3, Some(c.parse().unwrap()))
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|m| m.id));
        cursor = page.next_cursor;
    }
    assert_eq!(seen.len(), 8);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 8);
    assert!(
        store
            .list_messages(b, 50, None)
            .await
            .unwrap()
            .items
            .iter()
            .all(|m| m.tenant_id == b)
    );
}

async fn emails_are_unique_regardless_of_case(store: Store, _url: String) {
    let user = |email: &str| NewUser {
        tenant_id: None,
        name: Name::parse("Ann").unwrap(),
        email: Email::parse(email).unwrap(),
        phone: None,
        role: Role::Admin,
        password_hash: "$argon2id$fake".into(),
    };
    store.create_user(&user("Ann@Example.com")).await.unwrap();
    let err = store
        .create_user(&user("ann@EXAMPLE.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("already registered")),
        "{err:?}"
    );
    assert!(
        store
            .user_by_email(&Email::parse("ANN@example.com").unwrap())
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(store.count_admins().await.unwrap(), 1);
}

async fn data_survives_a_reconnect_and_migrations_run_once(store: Store, url: String) {
    let count = |store: Store| async move {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(store.pool())
            .await
            .unwrap();
        n
    };
    let before = count(store.clone()).await;
    assert!(before >= 1);
    let id = store
        .create_tenant(&new_tenant("H", "+5511900000008"))
        .await
        .unwrap()
        .tenant
        .id;
    store.close().await;
    // A restart: connect again, which runs the migrator again.
    let reopened = Store::connect(&url).await.unwrap();
    assert_eq!(count(reopened.clone()).await, before);
    assert_eq!(reopened.tenant(id).await.unwrap().name, "H");
    reopened.close().await;
}

async fn daily_totals_are_the_same_rolled_up_or_live(store: Store, _url: String) {
    use flowhq_domain::LoggedDecision;
    use flowhq_store::daily::day_of;
    let a = store
        .create_tenant(&new_tenant("Roll A", "+5511900000041"))
        .await
        .unwrap()
        .tenant
        .id;
    let b = store
        .create_tenant(&new_tenant("Roll B", "+5511900000042"))
        .await
        .unwrap()
        .tenant
        .id;
    let now: chrono::DateTime<Utc> = "2026-12-05T12:00:00Z".parse().unwrap();
    let at = |days_ago: i64, direction, id: &str, decision| LoggedMessage {
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: now - chrono::Duration::days(days_ago),
        bot_decision: decision,
        ..message(direction, id)
    };
    store
        .log_messages(
            a,
            &[
                at(0, Direction::Inbound, "a1", Some(LoggedDecision::Welcome)),
                at(0, Direction::Outbound, "a2", None),
                at(1, Direction::Inbound, "a3", Some(LoggedDecision::Handoff)),
                at(2, Direction::Inbound, "a4", Some(LoggedDecision::Away)),
                at(
                    2,
                    Direction::Inbound,
                    "a5",
                    Some(LoggedDecision::AwayAlreadySent),
                ),
                at(40, Direction::Inbound, "old", Some(LoggedDecision::Answer)),
            ],
        )
        .await
        .unwrap();
    store
        .log_messages(
            b,
            &[at(
                1,
                Direction::Inbound,
                "b1",
                Some(LoggedDecision::Answer),
            )],
        )
        .await
        .unwrap();
    let since = now - chrono::Duration::days(2);
    let live_a = store.daily_totals(Some(a), since, now).await.unwrap();
    let live_all = store.daily_totals(None, since, now).await.unwrap();
    let summary: Vec<_> = live_a
        .iter()
        .map(|d| (d.inbound, d.outbound, d.answered, d.after_hours, d.handoffs))
        .collect();
    assert_eq!(summary, [(2, 0, 1, 2, 0), (1, 0, 1, 0, 1), (1, 1, 1, 0, 0)]);
    assert_eq!(live_all[1].inbound, 2, "both businesses");

    // Rolled up through yesterday: the same figures, today still live.
    let today = day_of(now);
    store
        .roll_up_days(today - 35, today - 1, today)
        .await
        .unwrap();
    assert_eq!(store.rolled_through().await.unwrap(), Some(today - 1));
    assert_eq!(
        store.daily_totals(Some(a), since, now).await.unwrap(),
        live_a
    );
    assert_eq!(
        store.daily_totals(None, since, now).await.unwrap(),
        live_all
    );
    // The dashboard reads the roll-up alone: today too once recounted.
    store.roll_up_days(today - 1, today, today).await.unwrap();
    assert_eq!(store.daily_totals_all(since, now).await.unwrap(), live_all);
    assert_eq!(store.rolled_through().await.unwrap(), Some(today - 1));
    store
        .log_messages(a, &[at(0, Direction::Inbound, "a6", None)])
        .await
        .unwrap();
    assert_eq!(
        store.daily_totals(Some(a), since, now).await.unwrap()[2].inbound,
        2,
        "today is counted live"
    );

    // A message logged a day late lands in its day at the next recount.
    store
        .log_messages(a, &[at(1, Direction::Inbound, "late", None)])
        .await
        .unwrap();
    store
        .roll_up_days(today - 1, today - 1, today)
        .await
        .unwrap();
    assert_eq!(
        store.daily_totals(Some(a), since, now).await.unwrap()[1].inbound,
        2
    );
    // Replies: the time to the first one of each message, the median.
    let reply = |id: &str, to: &str, seconds_after: i64| LoggedMessage {
        push_name: None,
        client_id: None,
        hidden_id: None,
        created_at: now - chrono::Duration::days(1) + chrono::Duration::seconds(seconds_after),
        reply_to: Some(to.into()),
        menu_item: None,
        ..message(Direction::Outbound, id)
    };
    assert_eq!(store.median_first_reply(b, since).await.unwrap(), None);
    store
        .log_messages(
            b,
            &[
                at(1, Direction::Inbound, "b2", None),
                at(1, Direction::Inbound, "b3", None),
                reply("r1", "b1", 1),
                reply("r1b", "b1", 50),
                reply("r2", "b2", 3),
                reply("r3", "b3", 600),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        store.median_first_reply(b, since).await.unwrap(),
        Some(std::time::Duration::from_secs(3))
    );
    // Menu choices, most chosen first, rolled up or live.
    let chose = |id: &str, days_ago: i64, item: u8| LoggedMessage {
        menu_item: Some(item),
        bot_decision: Some(LoggedDecision::Answer),
        ..at(days_ago, Direction::Inbound, id, None)
    };
    store
        .log_messages(
            a,
            &[
                chose("m1", 1, 2),
                chose("m2", 1, 2),
                chose("m3", 0, 1),
                chose("m4", 0, 2),
            ],
        )
        .await
        .unwrap();
    store
        .roll_up_days(today - 1, today - 1, today)
        .await
        .unwrap();
    assert_eq!(
        store.menu_choices(a, since, now).await.unwrap(),
        [(2, 3), (1, 1)]
    );
    // A deleted business leaves nothing behind.
    store.delete_tenant(b).await.unwrap();
    // a's late message and its two menu choices of that day; none of b's.
    assert_eq!(
        store.daily_totals(None, since, now).await.unwrap()[1].inbound,
        4
    );
}

async fn a_hidden_id_revealed_joins_the_numbers_conversation(store: Store, _url: String) {
    use flowhq_domain::inbox::ContactPatch;
    use flowhq_store::contacts::ConversationQuery;
    let tenant = store
        .create_tenant(&new_tenant("H", "+5511900000008"))
        .await
        .unwrap()
        .tenant
        .id;
    const HIDDEN: &str = "123456789012345@lid";
    const NUMBER: &str = "+5511955554444";
    let from = |id: &str, who: &str, hidden: Option<&str>, minutes: i64| LoggedMessage {
        from_number: who.into(),
        hidden_id: hidden.map(Into::into),
        created_at: Utc::now() - Duration::minutes(minutes),
        ..message(Direction::Inbound, id)
    };
    let list = || async {
        store
            .conversations(
                tenant,
                &ConversationQuery {
                    limit: 50,
                    ..ConversationQuery::default()
                },
            )
            .await
            .unwrap()
            .items
    };
    // Known first by the hidden id only; the owner labels them.
    store
        .log_messages(
            tenant,
            &[from("h-1", HIDDEN, None, 30), from("h-2", HIDDEN, None, 29)],
        )
        .await
        .unwrap();
    let hidden = list().await;
    assert_eq!(hidden.len(), 1);
    let id = hidden[0].contact.id;
    store
        .patch_contact(
            tenant,
            id,
            &ContactPatch {
                labels: Some(vec!["vip".into()]),
                notes: Some("asked about cakes".into()),
                ..ContactPatch::default()
            },
        )
        .await
        .unwrap();
    // WhatsApp reveals the number: one conversation, the same contact,
    // every message under the number.
    let revealed = [from("n-1", NUMBER, Some(HIDDEN), 5)];
    store.log_messages(tenant, &revealed).await.unwrap();
    store.log_messages(tenant, &revealed).await.unwrap();
    let merged = list().await;
    assert_eq!(merged.len(), 1, "{merged:?}");
    let c = &merged[0];
    assert_eq!(c.contact.id, id, "the contact keeps its id");
    assert_eq!(c.contact.wa_id, NUMBER);
    assert_eq!(c.contact.phone.as_deref(), Some(NUMBER));
    assert_eq!(c.contact.labels, ["vip"]);
    assert_eq!(c.unread, 3);
    let log = store
        .list_contact_messages(tenant, NUMBER, 50, None)
        .await
        .unwrap();
    assert_eq!(log.items.len(), 3);
    assert!(log.items.iter().all(|m| m.contact_id == Some(id)));

    // A second hidden id whose number already has a conversation: folded
    // into it (its unread count and notes where the number has none).
    const OTHER: &str = "999999999999999@lid";
    const SECOND: &str = "+5511966665555";
    store
        .log_messages(
            tenant,
            &[from("s-1", SECOND, None, 20), from("o-1", OTHER, None, 10)],
        )
        .await
        .unwrap();
    let other = list()
        .await
        .into_iter()
        .find(|c| c.contact.wa_id == OTHER)
        .unwrap();
    store
        .patch_contact(
            tenant,
            other.contact.id,
            &ContactPatch {
                notes: Some("from the hidden chat".into()),
                ..ContactPatch::default()
            },
        )
        .await
        .unwrap();
    store
        .log_messages(tenant, &[from("s-2", SECOND, Some(OTHER), 1)])
        .await
        .unwrap();
    let all = list().await;
    assert_eq!(all.len(), 2, "{all:?}");
    let second = all.iter().find(|c| c.contact.wa_id == SECOND).unwrap();
    assert_eq!(second.unread, 3);
    assert_eq!(second.contact.notes, "from the hidden chat");
    assert_eq!(
        store
            .list_contact_messages(tenant, SECOND, 50, None)
            .await
            .unwrap()
            .items
            .len(),
        3
    );
}
