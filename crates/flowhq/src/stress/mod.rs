//! `flowhq stress`: the load and failure test.
//!
//! It starts its own control plane (or targets `--url`), onboards tenants
//! through the public API (owner signup, setup request, admin approval,
//! QR scan on the simulated network), sends messages from concurrent
//! simulated customers, SIGKILLs and SIGSTOPs workers mid-run, and then
//! checks every tenant's message log against what it sent and what the
//! network delivered. The last line of stdout is one JSON report; the exit
//! status is non-zero if anything was lost, doubled or went wrong.

mod check;
mod client;
mod control_plane;
mod faults;
mod procfs;
mod report;
mod traffic;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use self::check::{Findings, TenantRecord};
use self::client::Api;
use self::control_plane::{Launch, OwnControlPlane};
use self::report::{Errors, Report};

#[derive(Args, Clone, Debug)]
pub struct StressArgs {
    /// Tenants to onboard.
    #[arg(long, default_value_t = 20)]
    tenants: usize,
    /// Inbound messages to send, spread over tenants and customers.
    #[arg(long, default_value_t = 4000)]
    messages: usize,
    /// Workers to SIGKILL mid-run (the supervisor must restart them).
    #[arg(long, default_value_t = 0)]
    kill: usize,
    /// Workers to SIGSTOP mid-run (the stale monitor must catch them).
    #[arg(long, default_value_t = 0)]
    hang: usize,
    /// Customers writing to each tenant.
    #[arg(long, default_value_t = 20)]
    contacts: usize,
    /// Customer messages in flight at most.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Messages per second to offer, evenly paced (0: as fast as answers
    /// come back).
    #[arg(long, default_value_t = 0)]
    rate: u32,
    /// Target a running control plane (simulator channel, local workers for
    /// --kill/--hang) instead of starting one.
    #[arg(long, requires = "token")]
    url: Option<String>,
    /// The admin token of --url.
    #[arg(long, env = "FLOWHQ_STRESS_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Heartbeat period of the run's own control plane (default: 500ms up
    /// to 100 tenants, 2s beyond).
    #[arg(long)]
    heartbeat_interval: Option<String>,
    /// Stale-after of the run's own control plane (default 3 × interval).
    #[arg(long)]
    stale_after: Option<String>,
    /// Database of the run's own control plane (default: SQLite in the
    /// temporary data dir).
    #[arg(long)]
    database_url: Option<String>,
    /// After onboarding, leave the connected workers idle this long and
    /// report the control plane's CPU and memory over it (0s: skip).
    #[arg(long, default_value = "0s")]
    idle_for: String,
    /// Pause-and-resume round trips to time before the traffic (each
    /// answers once the worker acknowledged it).
    #[arg(long, default_value_t = 20)]
    commands: usize,
    /// Host the simulated network in the run's control plane instead of a
    /// `flowhq sim` process of its own (how runs were made before).
    #[arg(long)]
    sim_in_process: bool,
    /// Give up waiting for recovery and logs after this long.
    #[arg(long, default_value = "300s")]
    timeout: String,
    /// Keep the run's data dir (logs, databases) even when it passes.
    #[arg(long)]
    keep: bool,
}

/// Fast heartbeats find a hung worker within 1.5 s. With hundreds of
/// tenants at full load, a healthy worker's heartbeat can wait that long
/// for the saturated control plane, which then declares it stale.
fn default_heartbeat_interval(tenants: usize) -> &'static str {
    if tenants <= 100 { "500ms" } else { "2s" }
}

impl StressArgs {
    fn heartbeat_interval(&self) -> &str {
        self.heartbeat_interval
            .as_deref()
            .unwrap_or_else(|| default_heartbeat_interval(self.tenants))
    }
}

pub fn run(args: StressArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.tenants > 0, "--tenants must be at least 1");
    anyhow::ensure!(args.contacts > 0, "--contacts must be at least 1");
    anyhow::ensure!(args.concurrency > 0, "--concurrency must be at least 1");
    anyhow::ensure!(
        args.kill + args.hang <= args.tenants,
        "--kill plus --hang must not exceed --tenants"
    );
    let timeout = humantime::parse_duration(&args.timeout).context("--timeout")?;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(stress(args, timeout))
}

struct Target {
    api: Api,
    own: Option<OwnControlPlane>,
}

async fn stress(args: StressArgs, timeout: Duration) -> anyhow::Result<ExitCode> {
    let target = match &args.url {
        Some(url) => Target {
            api: Api::new(
                url,
                args.token.as_deref().unwrap_or_default(),
                args.concurrency,
            )?,
            own: None,
        },
        None => {
            eprintln!("starting a control plane with the simulator channel…");
            let own = OwnControlPlane::start(Launch {
                heartbeat_interval: args.heartbeat_interval(),
                stale_after: args.stale_after.as_deref(),
                database_url: args.database_url.as_deref(),
                sim_in_process: args.sim_in_process,
            })
            .await?;
            eprintln!(
                "control plane at {} (data in {})",
                own.url,
                own.data_dir().display()
            );
            let api = Api::new(&own.url, &own.token, args.concurrency)?;
            let api = match own.sim() {
                Some((url, _)) => {
                    eprintln!("simulated network apart at {url}");
                    api.with_sim(url)
                }
                None => api,
            };
            Target {
                api,
                own: Some(own),
            }
        }
    };
    let errors = Errors::default();
    let processes = Processes {
        control_plane: target.own.as_ref().and_then(OwnControlPlane::pid),
        sim: target
            .own
            .as_ref()
            .and_then(|own| own.sim().and_then(|(_, pid)| pid)),
    };
    let result = drive(&args, &target.api, &processes, timeout, &errors).await;
    let sim_rss_mib = processes.sim.and_then(procfs::rss_mib);
    let control_plane_rss_mib = target.own.as_ref().and_then(OwnControlPlane::rss_mib);
    let control_plane_cpu_s = target.own.as_ref().and_then(OwnControlPlane::cpu_seconds);
    // Stop the workers on purpose before the control plane: they outlive it
    // by design.
    if target.own.is_some()
        && let Err(e) = target
            .api
            .admin_post("/api/admin/workers/stop-all", &json!({}))
            .await
    {
        errors.push(format!("stopping the workers: {e:#}"));
    }
    let mut report = match result {
        Ok(report) => report,
        Err(e) => {
            errors.push(format!("{e:#}"));
            Report::failed(&args)
        }
    };
    report.control_plane_rss_mib = control_plane_rss_mib.map(report::round);
    report.control_plane_cpu_s = control_plane_cpu_s.map(report::round);
    report.sim_rss_mib = sim_rss_mib.map(report::round);
    report.errors_5xx = target.api.server_errors();
    report.errors = errors.count();
    let passed = report.passed();
    if let Some(own) = target.own
        && let Some(kept) = own.stop(args.keep || !passed).await
    {
        eprintln!("run data kept in {}", kept.display());
    }
    report.print();
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A tenant the run onboarded.
#[derive(Clone, Debug)]
pub struct Tenant {
    pub id: String,
    pub index: usize,
}

/// The run's own processes, whose CPU the traffic phase is measured by.
struct Processes {
    control_plane: Option<u32>,
    sim: Option<u32>,
}

impl Processes {
    fn cpu_seconds(&self) -> (Option<f64>, Option<f64>) {
        (
            self.control_plane.and_then(procfs::cpu_seconds),
            self.sim.and_then(procfs::cpu_seconds),
        )
    }
}

/// Leaves the workers idle for `--idle-for` and measures the control
/// plane meanwhile: CPU as a percentage of one core, and RSS at the end.
async fn idle(
    args: &StressArgs,
    processes: &Processes,
) -> anyhow::Result<Option<(f64, Option<f64>)>> {
    let period = humantime::parse_duration(&args.idle_for).context("--idle-for")?;
    let Some(pid) = processes.control_plane.filter(|_| !period.is_zero()) else {
        return Ok(None);
    };
    eprintln!("idle for {period:?}…");
    let before = procfs::cpu_seconds(pid);
    tokio::time::sleep(period).await;
    let after = procfs::cpu_seconds(pid);
    let percent = match (before, after) {
        (Some(before), Some(after)) => (after - before) / period.as_secs_f64() * 100.0,
        _ => return Ok(None),
    };
    Ok(Some((percent, procfs::rss_mib(pid))))
}

/// Pauses and resumes tenants one after another, timing each call: it
/// returns once the tenant's worker acknowledged the command.
async fn time_commands(api: &Api, tenants: &[Tenant], n: usize, errors: &Errors) -> Vec<i64> {
    let mut latencies = Vec::with_capacity(n * 2);
    for i in 0..n {
        let tenant = &tenants[i * 7919 % tenants.len()];
        for action in ["pause", "resume"] {
            let path = format!("/api/admin/tenants/{}/{action}", tenant.id);
            let started = Instant::now();
            match api.admin_post(&path, &json!({})).await {
                Ok(answer) if answer["applied"] == true => {
                    latencies.push(started.elapsed().as_millis() as i64);
                }
                Ok(answer) => errors.push(format!("{path}: not applied: {answer}")),
                Err(e) => errors.push(format!("{e:#}")),
            }
        }
    }
    latencies
}

/// How often the probes ask during the traffic.
const PROBE_EVERY: Duration = Duration::from_millis(100);

/// A GET of `path` every 100 ms while the run goes on: how long people
/// wait when the platform is busiest. The admin probe asks for a tenant;
/// the floor probe asks `/healthz`, which touches no database, so what it
/// waits is what getting a CPU costs on the machine at that moment.
/// Returns the latencies.
async fn probe(
    api: Api,
    path: String,
    mut stop: tokio::sync::watch::Receiver<bool>,
    errors: Errors,
) -> Vec<i64> {
    let mut latencies = Vec::new();
    let mut tick = tokio::time::interval(PROBE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => return latencies,
        }
        let started = Instant::now();
        match api.probe(&path).await {
            Ok(status) if status.is_success() => {
                latencies.push(started.elapsed().as_millis() as i64);
            }
            Ok(status) => errors.push(format!("probe of {path}: {status}")),
            Err(e) => errors.push(format!("probe of {path}: {e:#}")),
        }
    }
}

async fn drive(
    args: &StressArgs,
    api: &Api,
    processes: &Processes,
    timeout: Duration,
    errors: &Errors,
) -> anyhow::Result<Report> {
    let run_id = rand::random::<u16>() % 10_000;
    let tenants = onboard_all(api, args.tenants, run_id, errors).await;
    if tenants.is_empty() {
        bail!("no tenant could be onboarded");
    }
    let idle = idle(args, processes).await?;
    let mut command_latencies = time_commands(api, &tenants, args.commands, errors).await;
    let baseline = api.inbound_logged().await?;
    let (stop_probe, probe_stopped) = tokio::sync::watch::channel(false);
    let admin = tokio::spawn(probe(
        api.clone(),
        format!("/api/admin/tenants/{}", tenants[0].id),
        probe_stopped.clone(),
        errors.clone(),
    ));
    let floor = tokio::spawn(probe(
        api.clone(),
        "/healthz".into(),
        probe_stopped,
        errors.clone(),
    ));
    let (cp_cpu_before, sim_cpu_before) = processes.cpu_seconds();

    // Traffic, with the faults injected once 30 % of it is sent.
    let disturbed_kill: Vec<Tenant> = tenants.iter().take(args.kill).cloned().collect();
    let disturbed_hang: Vec<Tenant> = tenants
        .iter()
        .skip(args.kill)
        .take(args.hang)
        .cloned()
        .collect();
    let plan = traffic::Plan {
        tenants: tenants.clone(),
        messages: args.messages,
        contacts: args.contacts,
        run_id,
        rate: args.rate,
    };
    let started = Instant::now();
    let started_wall = chrono::Utc::now();
    let deadline = started + timeout;
    let (trigger, triggered) = tokio::sync::watch::channel(false);
    let faults = tokio::spawn(inject_faults(
        api.clone(),
        disturbed_kill.clone(),
        disturbed_hang.clone(),
        triggered,
        deadline,
        errors.clone(),
    ));
    let sent = traffic::send(api, &plan, args.concurrency, trigger, errors).await;
    let injected_s = started.elapsed().as_secs_f64();
    let faults = faults.await.context("fault task")?;
    let total_sent: usize = sent.iter().map(Vec::len).sum();
    eprintln!(
        "sent {total_sent} messages in {injected_s:.1} s; {} restarted, {} stale detected",
        faults.restarted,
        faults.stale_detect_s.len()
    );

    // Wait for every inbound message to be logged: the end of the traffic
    // as the CPU figures count it (a message's reply is logged in the same
    // batch; what still comes is its receipt). The checks below read every
    // row back through the API, work a run does and a deployment does not,
    // so they are not counted.
    let all_logged = loop {
        let logged = api
            .inbound_logged()
            .await
            .unwrap_or(0)
            .saturating_sub(baseline);
        if logged >= total_sent as u64 {
            break Some(started.elapsed());
        }
        if Instant::now() > deadline {
            errors.push(format!(
                "only {logged} of {total_sent} inbound messages logged in time"
            ));
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (cp_cpu_after, sim_cpu_after) = processes.cpu_seconds();

    // Check the logs; replies still on their way get until the deadline.
    let disturbed: Vec<&str> = disturbed_kill
        .iter()
        .chain(&disturbed_hang)
        .map(|t| t.id.as_str())
        .collect();
    let (healthy, troubled) = loop {
        let (healthy, troubled) = check_all(api, &tenants, &sent, &disturbed).await?;
        if healthy.lost() + troubled.lost() == 0 || Instant::now() > deadline {
            break (healthy, troubled);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let undecided = healthy.undecided + troubled.undecided;
    if undecided > 0 {
        errors.push(format!(
            "{undecided} inbound log rows carry no bot decision"
        ));
    }
    // End to end: every inbound message logged and every reply delivered.
    let last_reply = healthy
        .last_reply_at
        .max(troubled.last_reply_at)
        .map(|at| (at - started_wall).num_milliseconds() as f64 / 1000.0);
    let elapsed_s = all_logged
        .map(|d| d.as_secs_f64())
        .into_iter()
        .chain(last_reply)
        .fold(injected_s, f64::max);

    if let (Some(logged), (Some(checked), _)) = (cp_cpu_after, processes.cpu_seconds()) {
        eprintln!(
            "the checks' reads took the control plane {:.1} CPU-s (not counted)",
            checked - logged
        );
    }
    let _ = stop_probe.send(true);
    let mut admin_latencies = admin.await.context("admin probe task")?;
    let mut floor_latencies = floor.await.context("floor probe task")?;
    let per_message = |before: Option<f64>, after: Option<f64>| {
        Some((after? - before?) * 1000.0 / (total_sent.max(1) as f64))
    };
    let worker_rss = worker_rss_mib(api, &tenants).await;
    let mut report = Report::new(
        args,
        tenants.len(),
        total_sent,
        &faults,
        injected_s,
        elapsed_s,
        healthy,
        troubled,
        worker_rss,
    );
    report.admin_p99_ms = check::quantile(&mut admin_latencies, 0.99);
    report.healthz_p99_ms = check::quantile(&mut floor_latencies, 0.99);
    report.command_p99_ms = check::quantile(&mut command_latencies, 0.99);
    if let Some((cpu_percent, rss_mib)) = idle {
        report.idle_cpu_percent = Some(report::round(cpu_percent));
        report.idle_rss_mib = rss_mib.map(report::round);
    }
    report.control_plane_cpu_ms_per_msg =
        per_message(cp_cpu_before, cp_cpu_after).map(report::round_fine);
    report.sim_cpu_ms_per_msg = per_message(sim_cpu_before, sim_cpu_after).map(report::round_fine);
    Ok(report)
}

/// Onboards `n` tenants through the public API, a few at a time (sign-up
/// hashes a password with argon2: CPU the control plane needs for the rest).
async fn onboard_all(api: &Api, n: usize, run_id: u16, errors: &Errors) -> Vec<Tenant> {
    let bar = progress(n as u64, "onboarding");
    let permits = Arc::new(Semaphore::new(8));
    let mut tasks = JoinSet::new();
    for index in 0..n {
        let api = api.clone();
        let permits = permits.clone();
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            onboard(&api, run_id, index).await
        });
    }
    let mut tenants = Vec::with_capacity(n);
    while let Some(result) = tasks.join_next().await {
        match result {
            Ok(Ok(tenant)) => tenants.push(tenant),
            Ok(Err(e)) => errors.push(format!("onboarding: {e:#}")),
            Err(e) => errors.push(format!("onboarding task: {e}")),
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    tenants.sort_by_key(|t| t.index);
    eprintln!("onboarded {} of {n} tenants", tenants.len());
    tenants
}

const TEMPLATES: [&str; 5] = ["RESTAURANT", "CLINIC", "SALON", "RETAIL", "GENERIC"];
const LANGUAGES: [&str; 3] = ["EN", "ES", "PT"];

/// Owner signs up, asks for setup; the admin approves; the phone scans the
/// QR; the tenant is ACTIVE.
async fn onboard(api: &Api, run_id: u16, index: usize) -> anyhow::Result<Tenant> {
    let phone = format!("+1555{run_id:04}{index:06}");
    let password: String = format!("Stress-{:016x}", rand::random::<u64>());
    let (signed_up, cookie) = api
        .signup(&json!({
            "name": format!("Owner {index}"),
            "email": format!("stress-{run_id}-{index}@example.com"),
            "password": password,
            "phone": phone,
            "business_name": format!("Stress Shop {index}"),
        }))
        .await?;
    let id = signed_up["tenant"]["id"]
        .as_str()
        .context("signup answered without a tenant id")?
        .to_string();
    let day = json!([["00:00", "24:00"]]);
    let request = api
        .owner_post(
            &cookie,
            "/api/portal/setup-request",
            &json!({
                "business_name": format!("Stress Shop {index}"),
                "template_type": TEMPLATES[index % TEMPLATES.len()],
                "language": LANGUAGES[index % LANGUAGES.len()],
                "whatsapp_number": phone,
                // Always open: the run measures answers, not away messages.
                "hours": { "timezone": "UTC", "mon": day, "tue": day, "wed": day,
                           "thu": day, "fri": day, "sat": day, "sun": day },
            }),
        )
        .await?;
    let request_id = request["id"]
        .as_str()
        .context("setup request without an id")?;
    api.admin_post(
        &format!("/api/admin/setup-requests/{request_id}/approve"),
        &json!({}),
    )
    .await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    wait_until(deadline, "a QR code", || async {
        Ok(api
            .admin_get::<Value>(&format!("/api/admin/tenants/{id}/qr"))
            .await
            .is_ok_and(|qr| qr["qr"].is_string()))
    })
    .await?;
    api.sim_scan(&id).await?;
    wait_until(deadline, "ACTIVE after the scan", || async {
        let (status, _) = faults::worker(api, &id).await?;
        Ok(status == "ACTIVE")
    })
    .await?;
    Ok(Tenant { id, index })
}

async fn wait_until<F, Fut>(deadline: Instant, what: &str, mut done: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<bool>>,
{
    while !done().await? {
        if Instant::now() > deadline {
            bail!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// What the faults did.
#[derive(Debug, Default)]
pub struct FaultOutcome {
    pub restarted: u64,
    pub restart_s: Vec<f64>,
    pub stale_detect_s: Vec<f64>,
}

async fn inject_faults(
    api: Api,
    kill: Vec<Tenant>,
    hang: Vec<Tenant>,
    mut triggered: tokio::sync::watch::Receiver<bool>,
    deadline: Instant,
    errors: Errors,
) -> FaultOutcome {
    let mut outcome = FaultOutcome::default();
    if kill.is_empty() && hang.is_empty() {
        return outcome;
    }
    // The sender is dropped when traffic ends: fault then at the latest.
    let _ = triggered.wait_for(|go| *go).await;
    let mut kills = JoinSet::new();
    for tenant in kill {
        let api = api.clone();
        kills.spawn(async move { faults::kill(&api, &tenant.id, deadline).await });
    }
    let mut hangs = JoinSet::new();
    for tenant in hang {
        let api = api.clone();
        hangs.spawn(async move { faults::hang(&api, &tenant.id, deadline).await });
    }
    while let Some(result) = kills.join_next().await {
        match result {
            Ok(Ok(took)) => {
                outcome.restarted += 1;
                outcome.restart_s.push(took.as_secs_f64());
            }
            Ok(Err(e)) => errors.push(format!("kill: {e:#}")),
            Err(e) => errors.push(format!("kill task: {e}")),
        }
    }
    while let Some(result) = hangs.join_next().await {
        match result {
            Ok(Ok(detected)) => outcome.stale_detect_s.push(detected.as_secs_f64()),
            Ok(Err(e)) => errors.push(format!("hang: {e:#}")),
            Err(e) => errors.push(format!("hang task: {e}")),
        }
    }
    outcome
}

/// Checks every tenant; findings of the tenants the run disturbed are kept
/// apart so that their recovery does not hide in the latency figures.
async fn check_all(
    api: &Api,
    tenants: &[Tenant],
    sent: &[Vec<String>],
    disturbed: &[&str],
) -> anyhow::Result<(Findings, Findings)> {
    let bar = progress(tenants.len() as u64, "checking logs");
    let permits = Arc::new(Semaphore::new(8));
    let mut tasks = JoinSet::new();
    for (tenant, injected) in tenants.iter().zip(sent) {
        let api = api.clone();
        let permits = permits.clone();
        let id = tenant.id.clone();
        let injected = injected.clone();
        let is_disturbed = disturbed.contains(&id.as_str());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let record = TenantRecord {
                injected,
                logs: api.all_messages(&id).await?,
                sent: api.sim_outbox(&id).await?,
            };
            anyhow::Ok((is_disturbed, check::check(&record)))
        });
    }
    let mut healthy = Findings::default();
    let mut troubled = Findings::default();
    while let Some(result) = tasks.join_next().await {
        let (is_disturbed, findings) = result.context("check task")??;
        if is_disturbed {
            troubled.absorb(findings);
        } else {
            healthy.absorb(findings);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((healthy, troubled))
}

async fn worker_rss_mib(api: &Api, tenants: &[Tenant]) -> Vec<f64> {
    let mut rss = Vec::new();
    for tenant in tenants {
        if let Ok((_, Some(worker))) = faults::worker(api, &tenant.id).await
            && let Some(mib) = procfs::rss_mib(worker.pid)
        {
            rss.push(mib);
        }
    }
    rss
}

fn progress(len: u64, what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(len).with_prefix(what);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {per_sec} {msg}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar
}
