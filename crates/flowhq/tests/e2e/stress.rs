//! `flowhq stress` as CI runs it: a small load with one crash and one hang,
//! on SQLite and PostgreSQL. The run fails on any loss or duplicate, and
//! its report must show the faults were really caused and recovered from,
//! with the simulated network in a process of its own.

use flowhq_store::Backend;
use flowhq_store::testing::TestDb;
use serde_json::Value;

async fn small_stress_run_loses_and_doubles_nothing(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_flowhq"));
    command.args([
        "stress",
        "--tenants",
        "5",
        "--messages",
        "500",
        "--kill",
        "1",
        "--hang",
        "1",
        "--timeout",
        "120s",
    ]);
    if backend == Backend::Postgres {
        command.args(["--database-url", &db.url]);
    }
    let output = command.output().await.expect("running flowhq stress");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: Value = stdout
        .lines()
        .last()
        .and_then(|line| serde_json::from_str(line).ok())
        .unwrap_or_else(|| panic!("no JSON report\nstdout: {stdout}\nstderr: {stderr}"));
    assert!(output.status.success(), "{report}\nstderr: {stderr}");
    assert_eq!(report["tenants"], 5, "{report}");
    assert_eq!(report["messages"], 500, "{report}");
    assert_eq!(report["lost"], 0, "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["restarted"], 1, "{report}");
    assert_eq!(report["stale_detected"], 1, "{report}");
    // Replies were due and all went out: the check had something to check.
    let due = report["replies_due"].as_u64().unwrap();
    assert!(due > 0, "{report}");
    assert_eq!(report["replies"].as_u64().unwrap(), due, "{report}");
    assert!(report["worker_rss_mib_median"].as_f64().unwrap() > 0.0);
    // Overload is shed, never a 5xx; operators were answered meanwhile.
    assert_eq!(report["errors_5xx"], 0, "{report}");
    assert!(report["admin_p99_ms"].is_i64(), "{report}");
    assert!(report["healthz_p99_ms"].is_i64(), "{report}");
    // The network ran apart: both processes' CPU is measured, separately.
    assert!(
        report["control_plane_cpu_ms_per_msg"].as_f64().unwrap() > 0.0,
        "{report}"
    );
    assert!(
        report["sim_cpu_ms_per_msg"].as_f64().unwrap() > 0.0,
        "{report}"
    );
    assert!(report["sim_rss_mib"].as_f64().unwrap() > 0.0, "{report}");
    db.cleanup().await;
}

async fn on<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(Backend) -> Fut,
    Fut: Future<Output = ()>,
{
    test(backend).await;
}

flowhq_store::backend_tests!(on: small_stress_run_loses_and_doubles_nothing);
