//! Alerts that reach people, end to end: a real worker on the simulated
//! network, mail through a local SMTP sink. The owner's phone unlinks: one
//! "WhatsApp disconnected" mail in the business's language within 5 s;
//! relinked: one "back to normal". Unlinking again within the grace period
//! is the same incident (no second pair of mails). A worker that stops
//! answering (SIGSTOP) goes to ERROR and the operators get one alert.

use std::time::Duration;

use super::settings::owner_with_active_tenant;
use super::*;

// The sink the API tests use; one copy of the little SMTP server. This
// test uses part of it.
#[path = "../../../server/tests/api/smtp_sink.rs"]
#[allow(dead_code)]
mod smtp_sink;

use smtp_sink::SmtpSink;

flowhq_store::backend_tests!(run: alerts_reach_the_owner_and_the_operators_by_mail);

/// The mails the sink has for `to` whose subject contains `subject`.
fn mails_to(sink: &SmtpSink, to: &str, subject: &str) -> usize {
    sink.received
        .lock()
        .unwrap()
        .iter()
        .filter(|m| m.to.iter().any(|t| t.contains(to)) && m.data.contains(subject))
        .count()
}

async fn alerts_reach_the_owner_and_the_operators_by_mail(mut env: Env) {
    let sink = SmtpSink::start(0).await;
    let mut settings = settings(&env.db_url, env.data_dir.clone(), 0);
    settings.smtp_url = Some(Secret::new(format!("smtp://127.0.0.1:{}", sink.port)));
    let (server, port) = start_with(settings).await;
    env.port = port;
    let (owner, id) = owner_with_active_tenant(&env).await;
    // The business answers in Portuguese: so do its mails.
    let (status, body) = call(
        owner.request(Method::PATCH, env.url("/api/portal/tenant/current/config")),
        json!({"language": "PT"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // The phone unlinks the device: one mail within 5 s, in Portuguese.
    let started = Instant::now();
    let (status, _) = env
        .post(&format!("/api/sim/tenants/{id}/logout"), json!({}))
        .await;
    assert_eq!(status, 200);
    eventually("the disconnected mail", Duration::from_secs(5), || async {
        (mails_to(&sink, "lupe@example.com", "WhatsApp desconectado") == 1).then_some(())
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));

    // Relinked: back to normal, once.
    super::pairing::scan_until_active(&env, id, &env.url("")).await;
    eventually(
        "the back-to-normal mail",
        Duration::from_secs(10),
        || async {
            (mails_to(&sink, "lupe@example.com", "Tudo normal de novo") == 1).then_some(())
        },
    )
    .await;

    // Unlinked again at once: the same incident, no new pair of mails.
    let (status, _) = env
        .post(&format!("/api/sim/tenants/{id}/logout"), json!({}))
        .await;
    assert_eq!(status, 200);
    super::pairing::scan_until_active(&env, id, &env.url("")).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        mails_to(&sink, "lupe@example.com", "WhatsApp desconectado"),
        1
    );
    assert_eq!(
        mails_to(&sink, "lupe@example.com", "Tudo normal de novo"),
        1
    );

    // A worker that stops answering: ERROR, and one alert for the operators.
    let pid = env.store.worker(id).await.unwrap().pid.expect("a pid");
    // SAFETY: signals a child process this test's server started.
    unsafe {
        libc::kill(pid as i32, libc::SIGSTOP);
    }
    eventually("the operators' alert", Duration::from_secs(30), || async {
        (mails_to(&sink, "root@example.com", "Worker in ERROR") >= 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        mails_to(&sink, "root@example.com", "Worker in ERROR"),
        1,
        "one alert"
    );
    unsafe {
        libc::kill(pid as i32, libc::SIGKILL);
    }

    let (status, _) = env.post("/api/admin/workers/stop-all", json!({})).await;
    assert_eq!(status, 200);
    server.stop().await;
}
