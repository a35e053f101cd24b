//! The run's outcome: errors as they happen (to stderr) and the JSON
//! report, the last line of stdout.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::check::{Findings, quantile};
use super::{FaultOutcome, StressArgs};

/// Errors seen during the run. The first few are printed as they happen;
/// all are counted.
#[derive(Clone, Default)]
pub struct Errors(Arc<Mutex<u64>>);

const PRINTED_ERRORS: u64 = 20;

impl Errors {
    pub fn push(&self, error: String) {
        let mut count = self.0.lock().expect("errors lock");
        *count += 1;
        if *count <= PRINTED_ERRORS {
            eprintln!("error: {error}");
        } else if *count == PRINTED_ERRORS + 1 {
            eprintln!("error: (further errors counted, not printed)");
        }
    }

    pub fn count(&self) -> u64 {
        *self.0.lock().expect("errors lock")
    }
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub tenants: usize,
    pub messages: usize,
    pub lost: u64,
    pub duplicates: u64,
    pub restarted: u64,
    pub stale_detected: u64,
    pub stale_detect_s_max: Option<f64>,
    /// Inbound messages per second from the first send until every one is
    /// logged and every reply delivered (faults and recovery included).
    pub throughput_msgs_per_s: f64,
    /// Inbound → reply on the tenants the run did not kill or hang.
    pub reply_p50_ms: Option<i64>,
    pub reply_p99_ms: Option<i64>,
    pub worker_rss_mib_median: Option<f64>,
    pub control_plane_rss_mib: Option<f64>,
    pub errors: u64,
    /// 5xx answers the run got (overload must be shed, never a 5xx).
    pub errors_5xx: u64,
    /// An admin GET every 100 ms during the traffic: its p99.
    pub admin_p99_ms: Option<i64>,
    /// `/healthz` (no database) every 100 ms beside it: the part of the
    /// admin p99 that is the wait for a CPU, not the control plane's work.
    pub healthz_p99_ms: Option<i64>,
    /// The control plane's CPU during the traffic (until every inbound
    /// message is logged, the checks' reads not counted), per inbound
    /// message.
    pub control_plane_cpu_ms_per_msg: Option<f64>,
    /// The simulated network's, when it runs apart (`flowhq sim`).
    pub sim_cpu_ms_per_msg: Option<f64>,
    pub sim_rss_mib: Option<f64>,
    /// Pause or resume → the worker's acknowledgement, as the API answers.
    pub command_p99_ms: Option<i64>,
    /// With `--idle-for`: the control plane's CPU (% of one core) and RSS
    /// with every worker connected and nothing to do.
    pub idle_cpu_percent: Option<f64>,
    pub idle_rss_mib: Option<f64>,
    // Beyond the required fields: what explains the figures above.
    pub lost_inbound: u64,
    pub lost_replies: u64,
    pub unlogged_sends: u64,
    pub replies_due: u64,
    pub replies: u64,
    /// Inbound → reply on the killed and hung tenants, recovery included.
    pub reply_p99_ms_disturbed: Option<i64>,
    pub reply_max_ms_disturbed: Option<i64>,
    pub restart_s_max: Option<f64>,
    /// CPU the run's own control plane used, onboarding included.
    pub control_plane_cpu_s: Option<f64>,
    pub send_s: f64,
    pub elapsed_s: f64,
    pub kill: usize,
    pub hang: usize,
    /// The offered load, messages per second (0: unpaced).
    pub rate: u32,
    pub concurrency: usize,
    pub heartbeat_interval: Option<String>,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        args: &StressArgs,
        tenants: usize,
        messages: usize,
        faults: &FaultOutcome,
        send_s: f64,
        elapsed_s: f64,
        healthy: Findings,
        mut troubled: Findings,
        mut worker_rss: Vec<f64>,
    ) -> Self {
        let mut latencies = healthy.latencies_ms.clone();
        worker_rss.sort_by(f64::total_cmp);
        Self {
            tenants,
            messages,
            lost: healthy.lost() + troubled.lost(),
            duplicates: healthy.duplicates + troubled.duplicates,
            restarted: faults.restarted,
            stale_detected: faults.stale_detect_s.len() as u64,
            stale_detect_s_max: max(&faults.stale_detect_s),
            throughput_msgs_per_s: round(messages as f64 / elapsed_s.max(1e-3)),
            reply_p50_ms: quantile(&mut latencies, 0.5),
            reply_p99_ms: quantile(&mut latencies, 0.99),
            worker_rss_mib_median: worker_rss.get(worker_rss.len() / 2).copied().map(round),
            control_plane_rss_mib: None,
            errors: 0,
            errors_5xx: 0,
            admin_p99_ms: None,
            healthz_p99_ms: None,
            control_plane_cpu_ms_per_msg: None,
            sim_cpu_ms_per_msg: None,
            sim_rss_mib: None,
            command_p99_ms: None,
            idle_cpu_percent: None,
            idle_rss_mib: None,
            lost_inbound: healthy.lost_inbound + troubled.lost_inbound,
            lost_replies: healthy.lost_replies + troubled.lost_replies,
            unlogged_sends: healthy.unlogged_sends + troubled.unlogged_sends,
            replies_due: healthy.replies_due + troubled.replies_due,
            replies: healthy.replies + troubled.replies,
            reply_p99_ms_disturbed: quantile(&mut troubled.latencies_ms, 0.99),
            reply_max_ms_disturbed: quantile(&mut troubled.latencies_ms, 1.0),
            restart_s_max: max(&faults.restart_s),
            control_plane_cpu_s: None,
            send_s: round(send_s),
            elapsed_s: round(elapsed_s),
            kill: args.kill,
            hang: args.hang,
            rate: args.rate,
            concurrency: args.concurrency,
            heartbeat_interval: args
                .url
                .is_none()
                .then(|| args.heartbeat_interval().to_owned()),
        }
    }

    /// The report of a run that could not finish.
    pub fn failed(args: &StressArgs) -> Self {
        Self::new(
            args,
            0,
            0,
            &FaultOutcome::default(),
            0.0,
            0.0,
            Findings::default(),
            Findings::default(),
            Vec::new(),
        )
    }

    pub fn passed(&self) -> bool {
        self.lost == 0
            && self.duplicates == 0
            && self.errors == 0
            && self.errors_5xx == 0
            && self.tenants > 0
    }

    pub fn print(&self) {
        println!(
            "{}",
            serde_json::to_string(self).expect("a report serializes")
        );
    }
}

fn max(values: &[f64]) -> Option<f64> {
    values.iter().copied().reduce(f64::max).map(round)
}

/// Two decimals are plenty for a report read by people.
pub(super) fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Three decimals, for per-message figures well under a millisecond.
pub(super) fn round_fine(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
