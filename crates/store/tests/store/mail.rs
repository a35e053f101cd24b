//! The mail queue and the single-use tokens, on both backends.

use chrono::{Duration, Utc};
use flowhq_domain::Role;
use flowhq_domain::values::{Email, Name};
use flowhq_store::Store;
use flowhq_store::mail::{MailStatus, NewMail};
use flowhq_store::tokens::TokenPurpose;
use flowhq_store::users::NewUser;

use crate::run;

flowhq_store::backend_tests!(run:
    mails_are_claimed_once_retried_and_marked,
    dedupe_keys_queue_a_mail_once,
    tokens_work_once_and_a_reset_ends_every_session,
);

fn mail(to: &str, key: Option<&str>) -> NewMail {
    NewMail {
        to: to.into(),
        kind: "test".into(),
        subject: "Hi".into(),
        text: "text".into(),
        html: "<p>html</p>".into(),
        dedupe_key: key.map(str::to_owned),
    }
}

async fn mails_are_claimed_once_retried_and_marked(store: Store, _url: String) {
    store.enqueue_mail(&mail("a@x.com", None)).await.unwrap();
    store.enqueue_mail(&mail("b@x.com", None)).await.unwrap();
    let lease = Duration::minutes(2);
    let claimed = store.claim_due_mails(10, lease).await.unwrap();
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|m| m.attempts == 1));
    // Claimed mails are not due again while leased.
    assert!(store.claim_due_mails(10, lease).await.unwrap().is_empty());

    store.mark_mail_sent(claimed[0].id, "smtp").await.unwrap();
    store
        .mark_mail_failed(
            claimed[1].id,
            "refused",
            Some(Utc::now() - Duration::seconds(1)),
        )
        .await
        .unwrap();
    let again = store.claim_due_mails(10, lease).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].id, claimed[1].id);
    assert_eq!(again[0].attempts, 2);
    assert_eq!(again[0].last_error.as_deref(), Some("refused"));
    store
        .mark_mail_failed(again[0].id, "gone", None)
        .await
        .unwrap();
    assert!(store.claim_due_mails(10, lease).await.unwrap().is_empty());

    let page = store.list_mails(None, 10, None).await.unwrap();
    let statuses: Vec<_> = page
        .items
        .iter()
        .map(|m| (m.to.as_str(), m.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("b@x.com", MailStatus::Failed),
            ("a@x.com", MailStatus::Sent)
        ]
    );
    let sent = store
        .list_mails(Some(MailStatus::Sent), 10, None)
        .await
        .unwrap();
    assert_eq!(sent.items.len(), 1);
    assert_eq!(sent.items[0].delivered_to.as_deref(), Some("smtp"));
    assert!(sent.items[0].sent_at.is_some());
    let first = store.list_mails(None, 1, None).await.unwrap();
    let cursor = first.next_cursor.expect("a second page").parse().unwrap();
    let second = store.list_mails(None, 1, Some(cursor)).await.unwrap();
    assert_eq!(second.items[0].to, "a@x.com");
    assert!(second.next_cursor.is_none());
}

async fn dedupe_keys_queue_a_mail_once(store: Store, _url: String) {
    assert!(
        store
            .enqueue_mail(&mail("a@x.com", Some("k")))
            .await
            .unwrap()
    );
    assert!(
        !store
            .enqueue_mail(&mail("a@x.com", Some("k")))
            .await
            .unwrap()
    );
    assert!(
        store
            .enqueue_mail(&mail("a@x.com", Some("j")))
            .await
            .unwrap()
    );
    assert_eq!(
        store.list_mails(None, 10, None).await.unwrap().items.len(),
        2
    );
}

async fn tokens_work_once_and_a_reset_ends_every_session(store: Store, _url: String) {
    let user = store
        .create_user(&NewUser {
            tenant_id: None,
            name: Name::parse("Ana").unwrap(),
            email: Email::parse("ana@x.com").unwrap(),
            phone: None,
            role: Role::Admin,
            password_hash: "old".into(),
        })
        .await
        .unwrap();
    let later = Utc::now() + Duration::minutes(30);
    store
        .create_web_session("s1", user.id, "c1", later)
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    store
        .create_user_token_in(
            &mut tx,
            "first",
            user.id,
            TokenPurpose::PasswordReset,
            later,
        )
        .await
        .unwrap();
    store
        .create_user_token_in(
            &mut tx,
            "second",
            user.id,
            TokenPurpose::PasswordReset,
            later,
        )
        .await
        .unwrap();
    store
        .create_user_token_in(
            &mut tx,
            "expired",
            user.id,
            TokenPurpose::VerifyEmail,
            Utc::now() - Duration::seconds(1),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let reset = TokenPurpose::PasswordReset;
    // Only the latest link of a purpose works, and only for that purpose.
    assert!(
        store
            .user_for_token("first", reset)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .user_for_token("second", TokenPurpose::VerifyEmail)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .user_for_token("expired", TokenPurpose::VerifyEmail)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .user_for_token("second", reset)
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );

    let mut tx = store.begin().await.unwrap();
    let used = store.use_token_in(&mut tx, "second", reset).await.unwrap();
    assert_eq!(used, Some(user.id));
    store
        .reset_password_in(&mut tx, user.id, "new")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.user(user.id).await.unwrap().password_hash, "new");
    assert!(
        store
            .web_session("s1", Duration::hours(1))
            .await
            .unwrap()
            .is_none()
    );
    let mut tx = store.begin().await.unwrap();
    assert_eq!(
        store.use_token_in(&mut tx, "second", reset).await.unwrap(),
        None
    );
    tx.rollback().await.unwrap();
}

flowhq_store::backend_tests!(run:
    alerts_open_once_per_incident_and_reopen_within_grace,
    alert_recipients_follow_audience_and_preferences,
);

async fn active_tenant(store: &Store, phone: &str) -> flowhq_domain::TenantId {
    use flowhq_domain::lifecycle::Event;
    let id = store
        .create_tenant(&crate::new_tenant("Lua", phone))
        .await
        .unwrap()
        .tenant
        .id;
    for event in [
        Event::SetupRequestSubmitted,
        Event::SetupRequestApproved,
        Event::WorkerStarted,
        Event::SessionConnected,
    ] {
        store.apply_event(id, event, "test").await.unwrap();
    }
    id
}

async fn alerts_open_once_per_incident_and_reopen_within_grace(store: Store, _url: String) {
    use flowhq_domain::alerts::{AlertChange, AlertKind};
    use flowhq_domain::lifecycle::Event;
    let id = active_tenant(&store, "+5511900000301").await;
    // Unlink, relink, unlink: one incident, seen twice, open again.
    for event in [
        Event::SessionLoggedOut,
        Event::SessionConnected,
        Event::SessionLoggedOut,
    ] {
        store.apply_event(id, event, "test").await.unwrap();
    }
    let alerts = store.list_alerts(10, None).await.unwrap().items;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].kind, AlertKind::Unlinked);
    assert_eq!(alerts[0].raised_count, 2);
    assert!(alerts[0].cleared_at.is_none());
    assert_eq!(store.alerts_to_notify().await.unwrap().len(), 1);

    // Told once: marking twice fails the second time.
    let mut tx = store.begin().await.unwrap();
    assert!(
        store
            .mark_alert_notified_in(&mut tx, alerts[0].id, false, Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_alert_notified_in(&mut tx, alerts[0].id, false, Utc::now())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert!(store.alerts_to_notify().await.unwrap().is_empty());
    assert!(store.alerts_to_notify_cleared().await.unwrap().is_empty());
    store
        .apply_event(id, Event::SessionConnected, "test")
        .await
        .unwrap();
    let cleared = store.alerts_to_notify_cleared().await.unwrap();
    assert_eq!(cleared.len(), 1);

    // A cause long after the incident cleared is a new incident.
    let mut tx = store.begin().await.unwrap();
    store
        .apply_alert_changes_in(
            &mut tx,
            id,
            &[AlertChange::Raise {
                kind: AlertKind::Unlinked,
                detail: None,
            }],
            Utc::now() + Duration::minutes(11),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(store.list_alerts(10, None).await.unwrap().items.len(), 2);
}

async fn alert_recipients_follow_audience_and_preferences(store: Store, _url: String) {
    use flowhq_domain::alerts::AlertKind;
    let id = active_tenant(&store, "+5511900000302").await;
    let other = active_tenant(&store, "+5511900000303").await;
    let user = |email: &str, role: Role, tenant| NewUser {
        tenant_id: tenant,
        name: Name::parse("X").unwrap(),
        email: Email::parse(email).unwrap(),
        phone: None,
        role,
        password_hash: "h".into(),
    };
    let owner = store
        .create_user(&user("o@x.com", Role::Owner, Some(id)))
        .await
        .unwrap();
    store
        .create_user(&user("p@x.com", Role::Owner, Some(other)))
        .await
        .unwrap();
    let admin = store
        .create_user(&user("a@x.com", Role::Admin, None))
        .await
        .unwrap();
    store
        .create_user(&user("b@x.com", Role::Admin, None))
        .await
        .unwrap();
    let emails = |users: Vec<flowhq_domain::entities::User>| {
        users.into_iter().map(|u| u.email).collect::<Vec<_>>()
    };
    let owners = store
        .alert_recipients(Role::Owner, id, AlertKind::Unlinked)
        .await
        .unwrap();
    assert_eq!(emails(owners), vec!["o@x.com"]);
    let admins = store
        .alert_recipients(Role::Admin, id, AlertKind::WorkerError)
        .await
        .unwrap();
    assert_eq!(emails(admins).len(), 2);

    store
        .set_alert_pref(admin.id, AlertKind::WorkerError, false)
        .await
        .unwrap();
    store
        .set_alert_pref(owner.id, AlertKind::Unlinked, false)
        .await
        .unwrap();
    store
        .set_alert_pref(owner.id, AlertKind::Unlinked, false)
        .await
        .unwrap();
    assert_eq!(
        store.alerts_turned_off(owner.id).await.unwrap(),
        vec![AlertKind::Unlinked]
    );
    let admins = store
        .alert_recipients(Role::Admin, id, AlertKind::WorkerError)
        .await
        .unwrap();
    assert_eq!(emails(admins), vec!["b@x.com"]);
    assert!(
        store
            .alert_recipients(Role::Owner, id, AlertKind::Unlinked)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .alert_recipients(Role::Owner, id, AlertKind::Banned)
            .await
            .unwrap()
            .len(),
        1
    );
    store
        .set_alert_pref(owner.id, AlertKind::Unlinked, true)
        .await
        .unwrap();
    assert!(store.alerts_turned_off(owner.id).await.unwrap().is_empty());
}
