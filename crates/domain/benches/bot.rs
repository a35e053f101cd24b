//! How many messages the bot engine answers per second on one core.
//!
//! `cargo bench -p flowhq-domain --bench bot`. Each benchmark feeds a batch
//! of realistic messages (greetings, menu numbers, keyword questions in
//! three languages, accents, handoff words, chatter) from many contacts and
//! reports messages per second. The target is 200,000 a second: the engine
//! must never be what slows a worker down.

use std::hint::black_box;
use std::num::NonZeroU32;

use chrono::{DateTime, TimeDelta, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use flowhq_domain::bot::{
    self, BotConfig, BotMemory, ConversationState, Inbound, Limits, TenantState,
};
use flowhq_domain::hours::OpeningHours;
use flowhq_domain::{Language, TemplateType};

const TEXTS: &[&str] = &[
    "Oi, bom dia!",
    "1",
    "Qual o horário de vocês hoje?",
    "quero reservar uma mesa para 4 pessoas às 20h",
    "Hola, ¿dónde están ubicados?",
    "3",
    "menu",
    "What are your opening hours?",
    "obrigado!",
    "vocês fazem delivery no centro?",
    "tem opção vegana no cardápio?",
    "asdf 123 ???",
];

const BATCH: usize = 1200;

fn config() -> BotConfig {
    let day = serde_json::json!([["11:30", "15:00"], ["18:00", "23:30"]]);
    let hours = OpeningHours::from_json(&serde_json::json!({
        "timezone": "America/Sao_Paulo",
        "tue": day, "wed": day, "thu": day, "fri": day, "sat": day, "sun": day,
    }))
    .expect("bench hours");
    BotConfig::new(
        TemplateType::Restaurant,
        "Cantina da Nona",
        Language::Pt,
        hours,
        &Default::default(),
    )
    .expect("bench config")
}

/// Messages from 400 contacts, so per-contact limits rarely stop a reply.
fn messages() -> Vec<Inbound> {
    (0..BATCH)
        .map(|i| Inbound::direct(format!("+55119{:08}", i % 400), TEXTS[i % TEXTS.len()]))
        .collect()
}

fn bench(c: &mut Criterion) {
    let messages = messages();
    let mut group = c.benchmark_group("bot");
    group.throughput(Throughput::Elements(BATCH as u64));

    // Open hours, Wednesday 13:00 in São Paulo. A tenant cap high enough
    // that every message takes the full path to a reply.
    let open: DateTime<Utc> = "2024-06-05T16:00:00Z".parse().expect("time");
    let roomy = Limits {
        per_tenant_per_minute: NonZeroU32::MAX,
        ..Limits::default()
    };
    let config = config().with_limits(roomy);
    group.bench_function("memory_open", |b| {
        let mut memory = BotMemory::default();
        let mut now = open;
        b.iter(|| {
            let mut replies = 0;
            for message in &messages {
                // 200 ms apart: contacts get a reply every time.
                now += TimeDelta::milliseconds(200);
                replies += memory.handle(&config, message, now).replies.len();
            }
            black_box(replies)
        })
    });

    // The pure function, with a copy of the state in and out, as a caller
    // that stores state per contact would use it; default limits.
    let config_default = self::config();
    group.bench_function("pure_reply_open", |b| {
        let tenant = TenantState::default();
        let contact = ConversationState::default();
        b.iter(|| {
            let mut replies = 0;
            for message in &messages {
                let out = bot::reply(&config_default, &tenant, &contact, message, open);
                replies += out.replies.len();
            }
            black_box(replies)
        })
    });

    // Closed (Monday): away messages and the "already told them" check,
    // which compute the next opening.
    let closed: DateTime<Utc> = "2024-06-03T16:00:00Z".parse().expect("time");
    group.bench_function("memory_closed", |b| {
        let mut memory = BotMemory::default();
        let mut now = closed;
        b.iter(|| {
            let mut replies = 0;
            for message in &messages {
                now += TimeDelta::milliseconds(1);
                replies += memory.handle(&config, message, now).replies.len();
            }
            black_box(replies)
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
