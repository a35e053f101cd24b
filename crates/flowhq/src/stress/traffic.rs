//! Simulated customers: messages spread over tenants and contacts, sent by
//! concurrent tasks through the simulated network.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::watch;
use tokio::task::JoinSet;

use super::client::Api;
use super::report::Errors;
use super::{Tenant, progress};

/// What customers write: greetings, menu picks, questions and the odd
/// "thanks" that needs no answer.
const TEXTS: [&str; 10] = [
    "hi",
    "1",
    "2",
    "what time do you open?",
    "3",
    "thanks",
    "menu",
    "do you deliver?",
    "ok",
    "4",
];

pub struct Plan {
    pub tenants: Vec<Tenant>,
    pub messages: usize,
    pub contacts: usize,
    pub run_id: u16,
    /// Messages per second offered, evenly paced; 0: as fast as the
    /// customers in flight get answers.
    pub rate: u32,
}

impl Plan {
    /// Message `i`: which tenant (position in `tenants`), from whom, what.
    pub fn message(&self, i: usize) -> (usize, String, &'static str) {
        let n = self.tenants.len();
        let tenant = i % n;
        let round = i / n;
        let contact = round % self.contacts;
        let from = format!("+1556{:04}{tenant:04}{contact:03}", self.run_id);
        (
            tenant,
            from,
            TEXTS[(round / self.contacts + contact) % TEXTS.len()],
        )
    }
}

/// Sends the plan with `concurrency` customers at once; flips `fault` once
/// 30 % is sent. Returns the network's ids of what was sent, per tenant
/// position.
pub async fn send(
    api: &Api,
    plan: &Plan,
    concurrency: usize,
    fault: watch::Sender<bool>,
    errors: &Errors,
) -> Vec<Vec<String>> {
    let bar = progress(plan.messages as u64, "messages");
    let next = Arc::new(AtomicUsize::new(0));
    let fault_at = plan.messages * 3 / 10;
    let fault = Arc::new(fault);
    if fault_at == 0 {
        fault.send_replace(true);
    }
    let plan = Arc::new(Plan {
        tenants: plan.tenants.clone(),
        ..*plan
    });
    let started = tokio::time::Instant::now();
    let mut customers = JoinSet::new();
    for _ in 0..concurrency {
        let (api, plan, next, fault, errors, bar) = (
            api.clone(),
            plan.clone(),
            next.clone(),
            fault.clone(),
            errors.clone(),
            bar.clone(),
        );
        customers.spawn(async move {
            let mut sent = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= plan.messages {
                    return sent;
                }
                if plan.rate > 0 {
                    // Open loop: message i is due at i / rate, however slow
                    // earlier answers were, so latency is measured at a
                    // known offered load.
                    let due = std::time::Duration::from_secs_f64(i as f64 / f64::from(plan.rate));
                    tokio::time::sleep_until(started + due).await;
                }
                if i == fault_at {
                    fault.send_replace(true);
                }
                let (tenant, from, text) = plan.message(i);
                match api.inbound(&plan.tenants[tenant].id, &from, text).await {
                    Ok(id) => sent.push((tenant, id)),
                    Err(e) => errors.push(format!("sending a customer message: {e:#}")),
                }
                bar.inc(1);
            }
        });
    }
    let mut by_tenant = vec![Vec::new(); plan.tenants.len()];
    while let Some(result) = customers.join_next().await {
        match result {
            Ok(sent) => {
                for (tenant, id) in sent {
                    by_tenant[tenant].push(id);
                }
            }
            Err(e) => errors.push(format!("customer task: {e}")),
        }
    }
    bar.finish_and_clear();
    by_tenant
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_spread_evenly_over_tenants_and_contacts() {
        let plan = Plan {
            tenants: (0..4)
                .map(|index| Tenant {
                    id: format!("t{index}"),
                    index,
                })
                .collect(),
            messages: 80,
            contacts: 5,
            run_id: 7,
            rate: 0,
        };
        let mut per_tenant = [0; 4];
        let mut senders = std::collections::HashSet::new();
        for i in 0..plan.messages {
            let (tenant, from, _) = plan.message(i);
            per_tenant[tenant] += 1;
            senders.insert((tenant, from));
        }
        assert_eq!(per_tenant, [20; 4]);
        assert_eq!(
            senders.len(),
            4 * 5,
            "every customer of every tenant writes"
        );
    }
}
