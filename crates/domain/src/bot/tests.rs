//! The engine's behaviour, end to end through `reply` and `BotMemory`.

use std::num::NonZeroU32;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use super::*;
use crate::hours::OpeningHours;
use crate::{Language, LoggedDecision, TemplateType};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Weekdays 09:00–18:00 in São Paulo (UTC-3): 12:00Z–21:00Z.
fn office_hours() -> OpeningHours {
    let day = json!([["09:00", "18:00"]]);
    OpeningHours::from_json(&json!({
        "timezone": "America/Sao_Paulo",
        "mon": day, "tue": day, "wed": day, "thu": day, "fri": day,
    }))
    .unwrap()
}

/// Wednesday 2024-06-05, 11:00 in São Paulo: open.
const OPEN: &str = "2024-06-05T14:00:00Z";
/// Wednesday 2024-06-05, 20:00 in São Paulo: closed until 09:00 tomorrow.
const CLOSED: &str = "2024-06-05T23:00:00Z";

fn config(template: TemplateType, language: Language) -> BotConfig {
    BotConfig::new(template, "Acme & Co", language, office_hours(), &Map::new()).unwrap()
}

fn overrides(pairs: &[(&str, Value)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn send(memory: &mut BotMemory, config: &BotConfig, text: &str, now: DateTime<Utc>) -> Handled {
    memory.handle(config, &Inbound::direct("+5511999990000", text), now)
}

fn only_text(handled: &Handled) -> &str {
    assert_eq!(handled.replies.len(), 1, "{handled:?}");
    &handled.replies[0].text
}

#[test]
fn every_template_in_every_language_renders() {
    for language in Language::ALL {
        for template in TemplateType::ALL {
            let config = config(*template, *language);
            let label = format!("{template} {language}");
            let welcome = config.welcome();
            assert!(
                welcome.contains("Acme & Co"),
                "{label}: greeting names the business"
            );
            assert!(config.menu_len() >= 3, "{label}");
            for number in 1..=config.menu_len() {
                assert!(
                    welcome.contains(&format!("\n{number}. ")),
                    "{label}: item {number} listed"
                );
                let answer = config.answer(number, at(OPEN)).unwrap();
                assert!(!answer.trim().is_empty(), "{label}: item {number} answered");
                assert!(!answer.contains('{'), "{label}: {answer}");
            }
            assert_eq!(config.answer(config.menu_len() + 1, at(OPEN)), None);

            let open = preview(&config, "hello", at(OPEN));
            assert_eq!(open.decision, Decision::Welcome, "{label}");
            assert_eq!(open.replies, vec![welcome.to_owned()]);

            let hours = preview(&config, "1", at(OPEN));
            assert!(
                hours.replies[0].contains("09:00–18:00"),
                "{label}: {hours:?}"
            );

            let away = preview(&config, "hello", at(CLOSED));
            assert_eq!(away.decision, Decision::Away, "{label}");
            let tomorrow = match language {
                Language::En => "tomorrow at 09:00",
                Language::Es => "mañana a las 09:00",
                Language::Pt => "amanhã às 09:00",
            };
            assert!(
                away.replies[0].contains(tomorrow),
                "{label}: {}",
                away.replies[0]
            );
            assert!(away.replies[0].contains("Acme & Co"), "{label}");

            for text in [
                preview(&config, "human", at(OPEN)),
                preview(&config, "asdf qwerty", at(OPEN)),
            ]
            .iter()
            .flat_map(|p| &p.replies)
            {
                assert!(!text.contains('{'), "{label}: {text}");
            }
        }
    }
}

#[test]
fn restaurant_menu_items_answer_by_number_and_keyword() {
    let config = config(TemplateType::Restaurant, Language::Pt);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    assert_eq!(
        send(&mut memory, &config, "oi", now).decision,
        Decision::Welcome
    );
    let by_number = send(&mut memory, &config, "3", now);
    assert_eq!(
        by_number.decision,
        Decision::Answer {
            items: vec![3],
            sub_items: vec![]
        }
    );
    assert_eq!(only_text(&by_number), config.answer(3, now).unwrap());
    let by_keyword = send(&mut memory, &config, "Vocês têm reserva de mesa?", now);
    assert_eq!(
        by_keyword.decision,
        Decision::Answer {
            items: vec![3],
            sub_items: vec![]
        }
    );
    let two = send(&mut memory, &config, "qual o horário e o endereço?", now);
    assert_eq!(
        two.decision,
        Decision::Answer {
            items: vec![1, 5],
            sub_items: vec![]
        }
    );
    assert!(only_text(&two).contains(&config.answer(5, now).unwrap()));
    let unknown = send(&mut memory, &config, "xyz", now);
    assert_eq!(unknown.decision, Decision::Fallback);
    let out_of_range = send(&mut memory, &config, "9", now + TimeDelta::minutes(1));
    assert_eq!(out_of_range.decision, Decision::Fallback);
}

#[test]
fn the_greeting_is_said_once_a_conversation_and_menu_shows_the_menu_alone() {
    let config = config(TemplateType::Restaurant, Language::En);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    let first = send(&mut memory, &config, "hi", now);
    assert_eq!(only_text(&first), config.welcome());
    assert!(
        config
            .welcome()
            .starts_with("Hello! 👋 Welcome to Acme & Co.")
    );
    let minute = TimeDelta::minutes(1);
    for (i, text) in ["menu", "hello", "options"].into_iter().enumerate() {
        let again = send(&mut memory, &config, text, now + minute * (i as i32 + 1));
        assert_eq!(again.decision, Decision::Welcome);
        assert_eq!(only_text(&again), config.menu(), "{text}");
        assert!(!only_text(&again).contains("Welcome to"), "{text}");
    }
    assert!(config.welcome().ends_with(config.menu()));
    // A new conversation is greeted again.
    let later = send(
        &mut memory,
        &config,
        "menu",
        now + CONVERSATION_GAP + minute * 4,
    );
    assert_eq!(only_text(&later), config.welcome());
}

#[test]
fn a_new_conversation_is_greeted_and_thanks_need_no_answer() {
    let config = config(TemplateType::Salon, Language::En);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    assert_eq!(
        send(&mut memory, &config, "do you do weddings?", now).decision,
        Decision::Welcome
    );
    assert_eq!(
        send(&mut memory, &config, "do you do weddings?", now).decision,
        Decision::Fallback
    );
    assert_eq!(
        send(&mut memory, &config, "thanks!", now).decision,
        Decision::NothingToAnswer
    );
    assert_eq!(
        send(&mut memory, &config, "", now).decision,
        Decision::NothingToAnswer
    );
    let later = now + CONVERSATION_GAP;
    assert_eq!(
        send(&mut memory, &config, "👍", later).decision,
        Decision::Welcome
    );
}

#[test]
fn the_away_message_goes_once_per_closed_spell() {
    let config = config(TemplateType::Clinic, Language::Es);
    let mut memory = BotMemory::default();
    let evening = at(CLOSED);
    let first = send(&mut memory, &config, "hola", evening);
    assert_eq!(first.decision, Decision::Away);
    assert!(
        only_text(&first).contains("mañana a las 09:00"),
        "{first:?}"
    );
    for minutes in [1, 30, 300] {
        let again = send(
            &mut memory,
            &config,
            "¿hola?",
            evening + TimeDelta::minutes(minutes),
        );
        assert_eq!(again.decision, Decision::AwayAlreadySent);
        assert!(again.replies.is_empty());
    }
    // Thursday open: answers again.
    let thursday = at("2024-06-06T13:00:00Z");
    assert_eq!(
        send(&mut memory, &config, "horario", thursday).decision,
        Decision::Answer {
            items: vec![1],
            sub_items: vec![]
        }
    );
    // Thursday evening is a new closed spell: one more away message.
    let thursday_evening = at("2024-06-06T22:00:00Z");
    assert_eq!(
        send(&mut memory, &config, "hola", thursday_evening).decision,
        Decision::Away
    );
    assert_eq!(
        send(
            &mut memory,
            &config,
            "hola",
            thursday_evening + TimeDelta::hours(1)
        )
        .decision,
        Decision::AwayAlreadySent
    );
    // Friday evening: the weekend, back on Monday.
    let friday_evening = at("2024-06-07T22:00:00Z");
    let weekend = send(&mut memory, &config, "hola", friday_evening);
    assert!(
        only_text(&weekend).contains("el lunes a las 09:00"),
        "{weekend:?}"
    );
}

fn calendar(closures: Value, special_hours: Value) -> crate::calendar::Calendar {
    use crate::calendar::Calendar;
    Calendar::new(
        Calendar::parse_closures(&closures).unwrap(),
        Calendar::parse_special_hours(&special_hours).unwrap(),
    )
    .unwrap()
}

#[test]
fn a_closure_keeps_the_business_closed_and_says_the_reopening_date() {
    // Closed Wednesday 5 to Monday 10 June (Thursday and Friday are normally
    // open); it reopens on Tuesday 11 June at 09:00.
    let config = config(TemplateType::Generic, Language::En).with_calendar(calendar(
        json!([{"from": "2024-06-05", "to": "2024-06-10", "note": "Holidays"}]),
        json!([]),
    ));
    let mut memory = BotMemory::default();
    let away = send(&mut memory, &config, "hello", at(OPEN));
    assert_eq!(away.decision, Decision::Away);
    assert!(
        only_text(&away).contains("on Tuesday, 11 June at 09:00"),
        "{}",
        only_text(&away)
    );
    // Past the closure it is open again on its weekly hours.
    let after = at(OPEN) + TimeDelta::days(6);
    assert_eq!(
        send(&mut memory, &config, "hello", after).decision,
        Decision::Welcome
    );
    // A one-day closure today names tomorrow's date too, in Spanish as well.
    let config = BotConfig::new(
        TemplateType::Generic,
        "Acme",
        Language::Es,
        office_hours(),
        &Map::new(),
    )
    .unwrap()
    .with_calendar(calendar(
        json!([{"from": "2024-06-05", "to": "2024-06-05"}]),
        json!([]),
    ));
    let away = preview(&config, "hola", at(OPEN));
    assert!(
        away.replies[0].contains("el jueves 6 de junio a las 09:00"),
        "{:?}",
        away.replies
    );
}

#[test]
fn special_hours_replace_the_day_and_the_hours_answer_lists_what_comes() {
    // Wednesday 5 June only 09:00–10:00; Saturday 8 June (normally closed)
    // 10:00–12:00; closed 20–21 June; a closure in July is too far to list.
    let config = config(TemplateType::Generic, Language::En).with_calendar(calendar(
        json!([
            {"from": "2024-06-20", "to": "2024-06-21", "note": "Staff training"},
            {"from": "2024-07-20", "to": "2024-07-21"}
        ]),
        json!([
            {"date": "2024-06-05", "ranges": [["09:00", "10:00"]]},
            {"date": "2024-06-08", "ranges": [["10:00", "12:00"]]}
        ]),
    ));
    // 11:00 on the 5th: closed by its special hours, open on the 6th.
    let away = preview(&config, "hello", at(OPEN));
    assert_eq!(away.decision, Decision::Away);
    assert!(away.open.eq(&false));
    // Saturday 8 June 11:00 São Paulo (14:00Z): open.
    assert!(config.hours().is_open(at("2024-06-08T14:00:00Z")));
    let hours = config.answer(1, at("2024-06-06T14:00:00Z")).unwrap();
    assert!(hours.contains("Mon–Fri: 09:00–18:00"), "{hours}");
    assert!(
        hours.contains(
            "Coming up:\n8 June: 10:00–12:00\n20 June to 21 June: closed (Staff training)"
        ),
        "{hours}"
    );
    assert!(!hours.contains("July"), "{hours}");
    // Nothing within two weeks: the week alone.
    let later = config.answer(1, at("2024-08-01T14:00:00Z")).unwrap();
    assert!(!later.contains("Coming up"), "{later}");
}

#[test]
fn a_business_without_hours_says_it_is_closed_without_a_time() {
    let never = OpeningHours::from_json(&json!({"timezone": "UTC"})).unwrap();
    let config = BotConfig::new(
        TemplateType::Generic,
        "Acme",
        Language::En,
        never,
        &Map::new(),
    )
    .unwrap();
    let mut memory = BotMemory::default();
    let first = send(&mut memory, &config, "hi", at(OPEN));
    assert_eq!(first.decision, Decision::Away);
    assert_eq!(only_text(&first), config.away_no_hours);
    let a_week_later = at(OPEN) + TimeDelta::days(7);
    assert_eq!(
        send(&mut memory, &config, "hi", a_week_later).decision,
        Decision::AwayAlreadySent
    );
}

#[test]
fn handoff_confirms_once_then_stays_quiet_until_it_ends() {
    let config = config(TemplateType::Retail, Language::Pt);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    let handoff = send(&mut memory, &config, "quero falar com um atendente", now);
    assert_eq!(handoff.decision, Decision::Handoff);
    assert_eq!(only_text(&handoff), config.handoff);
    for (minutes, text) in [(1, "alô?"), (60, "atendente!!"), (11 * 60, "menu")] {
        let quiet = send(
            &mut memory,
            &config,
            text,
            now + TimeDelta::minutes(minutes),
        );
        assert_eq!(quiet.decision, Decision::HandedOff, "{text}");
    }
    // Twelve hours on, the bot is back (Thursday 00:00 in São Paulo: closed).
    let back = send(&mut memory, &config, "oi", now + TimeDelta::hours(12));
    assert_eq!(back.decision, Decision::Away);
}

#[test]
fn the_business_replying_keeps_the_bot_quiet_until_resolved() {
    let config = config(TemplateType::Restaurant, Language::En);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    assert_eq!(
        send(&mut memory, &config, "human please", now).decision,
        Decision::Handoff
    );
    assert_eq!(
        send(&mut memory, &config, "hello?", now).decision,
        Decision::HandedOff
    );
    let mine = Inbound {
        from_me: true,
        ..Inbound::direct("+5511999990000", "Hi, Ana here!")
    };
    let handled = memory.handle(&config, &mine, now + TimeDelta::minutes(5));
    assert_eq!(handled.decision, Decision::FromBusiness);
    assert!(
        handled.replies.is_empty(),
        "the business's own message is never answered"
    );
    let after = send(&mut memory, &config, "menu", now + TimeDelta::minutes(6));
    assert_eq!(
        after.decision,
        Decision::HandedOff,
        "a person has the chat: the bot stays out of it"
    );
    let contact = memory.contacts.get_mut("+5511999990000").unwrap();
    // A "resolved" from before the person wrote does not end their spell.
    contact.resolve(&config, now + TimeDelta::minutes(4));
    assert!(contact.handoff_until.is_some());
    contact.resolve(&config, now + TimeDelta::minutes(7));
    let resolved = send(&mut memory, &config, "menu", now + TimeDelta::minutes(8));
    assert_eq!(
        resolved.decision,
        Decision::Welcome,
        "resolved: the bot answers again"
    );
}

#[test]
fn the_business_writing_first_keeps_the_bot_quiet_for_the_handoff_length() {
    let config = config(TemplateType::Restaurant, Language::En);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    let mine = Inbound {
        from_me: true,
        ..Inbound::direct("+5511999990000", "Your table is ready")
    };
    memory.handle(&config, &mine, now);
    let soon = send(
        &mut memory,
        &config,
        "thanks, on my way",
        now + TimeDelta::hours(1),
    );
    assert_eq!(soon.decision, Decision::HandedOff);
    // 12 hours and a minute on (the restaurant is closed by then).
    let later = send(
        &mut memory,
        &config,
        "menu",
        now + TimeDelta::minutes(12 * 60 + 1),
    );
    assert_ne!(
        later.decision,
        Decision::HandedOff,
        "12 hours on, the bot is back"
    );
    assert!(!later.replies.is_empty());
}

#[test]
fn a_contact_with_the_assistant_off_hears_nothing_from_the_bot() {
    let config = config(TemplateType::Restaurant, Language::En)
        .with_assistant_off(["+5511999990000".to_owned()]);
    let mut memory = BotMemory::default();
    let quiet = send(&mut memory, &config, "menu", at(OPEN));
    assert_eq!(quiet.decision, Decision::HandedOff);
    assert!(quiet.replies.is_empty());
    let other = memory.handle(
        &config,
        &Inbound::direct("+5511888880000", "menu"),
        at(OPEN),
    );
    assert_eq!(other.decision, Decision::Welcome, "only that contact");
}

#[test]
fn handoff_while_closed_says_when_a_person_will_answer() {
    let config = config(TemplateType::Clinic, Language::En);
    let handoff = preview(&config, "I want to talk to someone", at(CLOSED));
    assert_eq!(handoff.decision, Decision::Handoff);
    assert!(
        handoff.replies[0].contains("when we open tomorrow at 09:00"),
        "{handoff:?}"
    );
}

#[test]
fn groups_broadcasts_and_status_updates_are_never_answered() {
    let config = config(TemplateType::Generic, Language::En);
    let mut memory = BotMemory::default();
    for kind in [ChatKind::Group, ChatKind::Broadcast, ChatKind::Status] {
        let inbound = Inbound {
            kind,
            ..Inbound::direct("120363@g.us", "hi human menu 1")
        };
        let handled = memory.handle(&config, &inbound, at(OPEN));
        assert_eq!(handled.decision, Decision::NotDirectChat, "{kind:?}");
        assert!(handled.replies.is_empty());
        let closed = memory.handle(&config, &inbound, at(CLOSED));
        assert!(closed.replies.is_empty(), "no away message either");
    }
    let from_me = Inbound {
        from_me: true,
        ..Inbound::direct("+5511999990000", "hi")
    };
    assert!(
        memory
            .handle(&config, &from_me, at(OPEN))
            .replies
            .is_empty()
    );
}

#[test]
fn a_contact_gets_at_most_five_replies_a_minute() {
    let config = config(TemplateType::Generic, Language::En);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    let mut sent = 0;
    for second in 0..20 {
        let handled = send(
            &mut memory,
            &config,
            "hours?",
            now + TimeDelta::seconds(second),
        );
        if handled.decision == Decision::ContactLimit {
            assert!(handled.replies.is_empty());
        }
        sent += handled.replies.len();
    }
    assert_eq!(sent, 5);
    // The first reply leaves the window 60 s after it was sent.
    let handled = send(&mut memory, &config, "hours?", now + TimeDelta::seconds(60));
    assert_eq!(handled.replies.len(), 1);
}

#[test]
fn the_tenant_cap_holds_across_contacts() {
    let limits = Limits {
        per_tenant_per_minute: NonZeroU32::new(10).unwrap(),
        ..Limits::default()
    };
    let config = config(TemplateType::Generic, Language::En).with_limits(limits);
    let mut memory = BotMemory::default();
    let now = at(OPEN);
    let mut decisions = Vec::new();
    for contact in 0..25 {
        let inbound = Inbound::direct(format!("+55119000000{contact:02}"), "hi");
        decisions.push(memory.handle(&config, &inbound, now).decision);
    }
    assert_eq!(decisions.iter().filter(|d| d.replied()).count(), 10);
    assert!(decisions[10..].iter().all(|d| *d == Decision::TenantLimit));
}

#[test]
fn a_capped_away_message_is_sent_later() {
    let limits = Limits {
        per_tenant_per_minute: NonZeroU32::new(1).unwrap(),
        ..Limits::default()
    };
    let config = config(TemplateType::Generic, Language::En).with_limits(limits);
    let mut memory = BotMemory::default();
    let now = at(CLOSED);
    let a = Inbound::direct("+1", "hi");
    let b = Inbound::direct("+2", "hi");
    assert_eq!(memory.handle(&config, &a, now).decision, Decision::Away);
    assert_eq!(
        memory.handle(&config, &b, now).decision,
        Decision::TenantLimit
    );
    let later = now + TimeDelta::minutes(2);
    assert_eq!(memory.handle(&config, &b, later).decision, Decision::Away);
    assert_eq!(
        memory.handle(&config, &a, later).decision,
        Decision::AwayAlreadySent
    );
}

#[test]
fn the_pure_function_returns_the_new_state() {
    let config = config(TemplateType::Restaurant, Language::Es);
    let tenant = TenantState::default();
    let contact = ConversationState::default();
    let out = reply(
        &config,
        &tenant,
        &contact,
        &Inbound::direct("+34", "humano"),
        at(OPEN),
    );
    assert_eq!(out.decision, Decision::Handoff);
    assert_eq!(out.replies[0].to, "+34");
    assert_eq!(
        out.contact.handoff_until,
        Some(at(OPEN) + TimeDelta::hours(12))
    );
    assert_eq!(out.tenant.recent_replies, [at(OPEN)]);
    // The state survives a round trip through JSON.
    let stored = serde_json::to_string(&out.contact).unwrap();
    let contact: ConversationState = serde_json::from_str(&stored).unwrap();
    let next = reply(
        &config,
        &out.tenant,
        &contact,
        &Inbound::direct("+34", "hola"),
        at(OPEN),
    );
    assert_eq!(next.decision, Decision::HandedOff);
    // An old or empty stored state reads as a fresh one.
    let empty: ConversationState = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, ConversationState::default());
}

#[test]
fn settled_contacts_can_be_forgotten() {
    let config = config(TemplateType::Generic, Language::En);
    let mut memory = BotMemory::default();
    send(&mut memory, &config, "hi", at(OPEN));
    memory.forget_settled(&config, at(OPEN) + TimeDelta::minutes(1));
    assert_eq!(memory.contacts.len(), 1, "still in a conversation");
    memory.forget_settled(&config, at(OPEN) + CONVERSATION_GAP);
    assert!(memory.contacts.is_empty());
    // An away notice is remembered until the business opens.
    send(&mut memory, &config, "hi", at(CLOSED));
    memory.forget_settled(&config, at(CLOSED) + CONVERSATION_GAP);
    assert_eq!(memory.contacts.len(), 1);
    memory.forget_settled(&config, at("2024-06-06T12:00:00Z"));
    assert!(memory.contacts.is_empty());
}

#[test]
fn overrides_replace_texts_and_fill_placeholders() {
    let overrides = overrides(&[
        (
            "greeting",
            json!("Welcome to {business_name}, the best pizza in town!"),
        ),
        ("menu.answer", json!("Our menu: https://example.com/menu")),
        ("away", json!("Closed. Back {next_opening}.")),
    ]);
    let config = BotConfig::new(
        TemplateType::Restaurant,
        "Pizza {hours} Place",
        Language::En,
        office_hours(),
        &overrides,
    )
    .unwrap();
    assert!(
        config
            .welcome()
            .starts_with("Welcome to Pizza {hours} Place, the best pizza in town!")
    );
    assert_eq!(
        preview(&config, "2", at(OPEN)).replies,
        vec!["Our menu: https://example.com/menu"]
    );
    assert_eq!(
        preview(&config, "hi", at(CLOSED)).replies,
        vec!["Closed. Back tomorrow at 09:00."]
    );
}

#[test]
fn bad_overrides_are_refused_naming_the_key() {
    let cases = [
        (("greting", json!("Hi")), "unknown text key \"greting\""),
        (
            ("hours.answer", json!(42)),
            "\"hours.answer\" must be a string",
        ),
        (("fallback", json!("   ")), "\"fallback\" is empty"),
        (
            ("greeting", json!("Hi {name}")),
            "\"greeting\": {name} is not a placeholder",
        ),
        (
            ("fallback", json!("Back {next_opening}")),
            "\"fallback\": {next_opening} is not",
        ),
        (("appointments.answer", json!("x")), "unknown text key"),
        (
            ("away", json!("x".repeat(MAX_OVERRIDE_CHARS + 1))),
            "at most 2000",
        ),
    ];
    for ((key, value), expected) in cases {
        let overrides = overrides(&[(key, value)]);
        let err = BotConfig::new(
            TemplateType::Restaurant,
            "A",
            Language::En,
            office_hours(),
            &overrides,
        )
        .unwrap_err();
        assert!(err.to_string().contains(expected), "{key}: {err}");
        assert_eq!(err.key(), key);
        assert_eq!(
            validate_overrides(TemplateType::Restaurant, &overrides),
            Err(err)
        );
    }
    assert!(override_keys(TemplateType::Clinic).contains(&"emergencies.answer".to_owned()));
    let message = BotConfig::new(
        TemplateType::Generic,
        "A",
        Language::En,
        office_hours(),
        &overrides(&[("x", json!("y"))]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        message.contains("greeting, menu_intro"),
        "lists the known keys: {message}"
    );
}

#[test]
fn default_texts_cover_every_key() {
    for template in TemplateType::ALL {
        let keys = override_keys(*template);
        for language in Language::ALL {
            let texts = default_texts(*template, *language);
            assert_eq!(
                texts.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
                keys
            );
            // Every default text is a valid override of itself.
            let all: Map<String, Value> = texts
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            assert_eq!(validate_overrides(*template, &all), Ok(()));
        }
    }
    assert_eq!(check_templates(), Ok(()));
}

#[test]
fn preview_reports_hours() {
    let config = config(TemplateType::Generic, Language::En);
    let open = preview(&config, "hi", at(OPEN));
    assert!(open.open);
    assert_eq!(open.next_opening, Some(at("2024-06-06T12:00:00Z")));
    let json = serde_json::to_value(preview(&config, "2", at(OPEN))).unwrap();
    assert_eq!(json["decision"]["decision"], "ANSWER");
    assert_eq!(json["decision"]["items"], json!([2]));
    let closed = preview(&config, "hi", at(CLOSED));
    assert!(!closed.open);
}

#[test]
fn extreme_times_do_not_panic() {
    let config = config(TemplateType::Generic, Language::En);
    let mut memory = BotMemory::default();
    for now in [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::UNIX_EPOCH,
    ] {
        for text in ["hi", "human", "1", ""] {
            send(&mut memory, &config, text, now);
        }
        let _ = preview(&config, "hi", now);
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    const TEXTS: &[&str] = &[
        "hi",
        "Olá",
        "menu",
        "1",
        "2.",
        "9",
        "option 3",
        "hours?",
        "horário",
        "human",
        "atendente",
        "persona",
        "mesa para una persona",
        "thanks",
        "",
        "👍",
        "asdf",
        "¿dónde están?",
    ];

    #[derive(Clone, Debug)]
    struct Message {
        contact: u8,
        text: String,
        kind: ChatKind,
        from_me: bool,
        /// Seconds after the previous message.
        gap: u32,
    }

    fn message() -> impl Strategy<Value = Message> {
        let text = prop_oneof![
            4 => proptest::sample::select(TEXTS).prop_map(str::to_owned),
            1 => any::<String>(),
        ];
        let kind = prop_oneof![
            8 => Just(ChatKind::Direct),
            1 => Just(ChatKind::Group),
            1 => Just(ChatKind::Broadcast),
            1 => Just(ChatKind::Status),
        ];
        let gap = prop_oneof![4 => 0u32..5, 2 => 0u32..120, 1 => 0u32..100_000];
        (0u8..6, text, kind, proptest::bool::weighted(0.1), gap).prop_map(
            |(contact, text, kind, from_me, gap)| Message {
                contact,
                text,
                kind,
                from_me,
                gap,
            },
        )
    }

    fn any_config() -> impl Strategy<Value = BotConfig> {
        (
            proptest::sample::select(TemplateType::ALL),
            proptest::sample::select(Language::ALL),
            proptest::bool::ANY,
            1u32..8,
            1u32..20,
        )
            .prop_map(|(template, language, office, per_contact, per_tenant)| {
                let hours = if office {
                    office_hours()
                } else {
                    OpeningHours::always_open()
                };
                let limits = Limits {
                    per_contact_per_minute: NonZeroU32::new(per_contact).unwrap(),
                    per_tenant_per_minute: NonZeroU32::new(per_tenant).unwrap(),
                    handoff: TimeDelta::minutes(30),
                };
                BotConfig::new(template, "Acme", language, hours, &Map::new())
                    .unwrap()
                    .with_limits(limits)
            })
    }

    /// Counts, for every reply, the replies in the 60 s up to and
    /// including it, and checks the limits.
    fn check_caps(sent: &[(u8, DateTime<Utc>)], limits: Limits) -> Result<(), TestCaseError> {
        for (i, (contact, at)) in sent.iter().enumerate() {
            let window = sent[..=i].iter().filter(|(_, t)| *at - *t < RATE_WINDOW);
            let (mut all, mut theirs) = (0, 0);
            for (c, _) in window {
                all += 1;
                theirs += usize::from(c == contact);
            }
            prop_assert!(all <= limits.per_tenant_per_minute.get() as usize);
            prop_assert!(theirs <= limits.per_contact_per_minute.get() as usize);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_and_never_exceeds_the_caps(
            config in any_config(),
            start in 0i64..4_000_000_000,
            messages in proptest::collection::vec(message(), 1..120),
        ) {
            let mut memory = BotMemory::default();
            let mut now = DateTime::from_timestamp(start, 0).unwrap();
            let mut sent = Vec::new();
            for m in &messages {
                now += TimeDelta::seconds(i64::from(m.gap));
                let inbound = Inbound {
                    from: format!("+{}", m.contact),
                    text: m.text.clone(),
                    kind: m.kind,
                    from_me: m.from_me,
                };
                let handled = memory.handle(&config, &inbound, now);
                prop_assert!(handled.replies.len() <= 1);
                prop_assert_eq!(handled.decision.replied(), !handled.replies.is_empty());
                if m.kind != ChatKind::Direct || m.from_me {
                    prop_assert!(handled.replies.is_empty());
                }
                for r in &handled.replies {
                    prop_assert_eq!(&r.to, &inbound.from);
                    prop_assert!(!r.text.is_empty());
                    sent.push((m.contact, now));
                }
            }
            check_caps(&sent, config.limits())?;
        }

        #[test]
        fn a_clock_that_jumps_about_never_panics_or_floods(
            config in any_config(),
            messages in proptest::collection::vec((message(), -200_000i64..200_000), 1..80),
        ) {
            let mut memory = BotMemory::default();
            let mut now = at(OPEN);
            let limits = config.limits();
            for (m, jump) in &messages {
                now += TimeDelta::seconds(*jump);
                let inbound = Inbound { from: format!("+{}", m.contact), text: m.text.clone(), kind: m.kind, from_me: m.from_me };
                memory.handle(&config, &inbound, now);
                // Whatever the clock did, no log outgrows its limit.
                prop_assert!(memory.tenant.recent_replies.len() <= limits.per_tenant_per_minute.get() as usize);
                for contact in memory.contacts.values() {
                    prop_assert!(contact.recent_replies.len() <= limits.per_contact_per_minute.get() as usize);
                    prop_assert!(contact.recent_replies.iter().is_sorted());
                }
            }
        }

        #[test]
        fn the_pure_function_agrees_with_memory(
            config in any_config(),
            messages in proptest::collection::vec(message(), 1..40),
        ) {
            let mut memory = BotMemory::default();
            let mut tenant = TenantState::default();
            let mut contacts = std::collections::HashMap::<String, ConversationState>::new();
            let mut now = at(OPEN);
            for m in &messages {
                now += TimeDelta::seconds(i64::from(m.gap));
                let inbound = Inbound { from: format!("+{}", m.contact), text: m.text.clone(), kind: m.kind, from_me: m.from_me };
                let handled = memory.handle(&config, &inbound, now);
                let contact = contacts.get(&inbound.from).cloned().unwrap_or_default();
                let out = reply(&config, &tenant, &contact, &inbound, now);
                prop_assert_eq!(&out.replies, &handled.replies);
                prop_assert_eq!(&out.decision, &handled.decision);
                tenant = out.tenant;
                contacts.insert(inbound.from.clone(), out.contact);
            }
        }

        #[test]
        fn any_text_at_any_time_is_safe(
            config in any_config(),
            text in any::<String>(),
            seconds in i64::MIN / 2..i64::MAX / 2,
        ) {
            let now = DateTime::from_timestamp(seconds % 8_000_000_000_000, 0).unwrap_or_default();
            let _ = preview(&config, &text, now);
        }

        #[test]
        fn opening_hours_agree_with_themselves(
            zone in proptest::sample::select(&["America/Sao_Paulo", "Europe/Madrid", "UTC", "Australia/Lord_Howe", "Pacific/Apia"][..]),
            ranges in proptest::collection::vec((0usize..7, 0u16..1440, 1u16..1441), 0..6),
            start in 946_684_800i64..2_000_000_000,
        ) {
            let mut days: [Vec<crate::hours::TimeRange>; 7] = Default::default();
            for (day, from, to) in ranges {
                let (Some(from), Some(to)) = (crate::hours::TimeOfDay::from_minutes(from), crate::hours::TimeOfDay::from_minutes(to)) else { continue };
                if let Ok(range) = crate::hours::TimeRange::new(from, to) {
                    days[day].push(range);
                }
            }
            let hours = OpeningHours { timezone: zone.parse().unwrap(), days, dates: Default::default() };
            let t = DateTime::from_timestamp(start, 0).unwrap();
            if let Some(opening) = hours.next_opening(t) {
                prop_assert!(opening > t);
                prop_assert!(hours.is_open(opening), "open at {opening}");
                prop_assert!(!hours.is_open(opening - TimeDelta::seconds(1)), "closed just before {opening}");
                if !hours.is_open(t) {
                    // Closed all the way to the opening.
                    let step = (opening - t) / 17;
                    for k in 1..17 {
                        prop_assert!(!hours.is_open(t + step * k));
                    }
                }
            } else {
                // Never opens in a week, or never closes.
                let probes: Vec<bool> = (0..48).map(|h| hours.is_open(t + TimeDelta::hours(h * 4))).collect();
                prop_assert!(probes.iter().all(|o| *o == probes[0]), "{probes:?}");
            }
        }
    }
}

#[test]
fn logged_decision_codes_match_their_json_tag_and_whether_they_replied() {
    let all = [
        Decision::Welcome,
        Decision::Answer {
            items: vec![1],
            sub_items: vec![],
        },
        Decision::Fallback,
        Decision::Away,
        Decision::Handoff,
        Decision::NotDirectChat,
        Decision::FromBusiness,
        Decision::HandedOff,
        Decision::AwayAlreadySent,
        Decision::NothingToAnswer,
        Decision::ContactLimit,
        Decision::TenantLimit,
    ];
    for decision in all {
        let tag = serde_json::to_value(&decision).unwrap()["decision"].clone();
        assert_eq!(tag, decision.logged().as_str(), "{decision:?}");
    }
    let replied: Vec<&str> = LoggedDecision::ALL
        .iter()
        .filter(|d| d.replied())
        .map(|d| d.as_str())
        .collect();
    assert_eq!(
        replied,
        ["WELCOME", "ANSWER", "FALLBACK", "AWAY", "HANDOFF"]
    );
}

fn owner_item(id: &str, label: &str, answer: &str, keywords: &[&str]) -> MenuItem {
    MenuItem {
        id: id.into(),
        label: label.into(),
        answer: answer.into(),
        keywords: keywords.iter().map(|k| (*k).to_owned()).collect(),
        attachment: None,
        items: Vec::new(),
    }
}

fn owner_config(menu: &[MenuItem], facts: &crate::facts::Facts) -> BotConfig {
    let settings = BotSettings {
        template: TemplateType::Restaurant,
        business_name: "Lupe's Bakery",
        language: Language::En,
        overrides: &Map::new(),
        facts,
        menu: Some(menu),
    };
    BotConfig::build(settings, office_hours()).unwrap()
}

#[test]
fn the_owners_menu_answers_with_its_file_and_lists_it_in_its_place() {
    let pdf = crate::media::Attachment {
        file_name: "pix.pdf".into(),
        mime: "application/pdf".into(),
        size: 1234,
        sha256: "ab".repeat(32),
    };
    let mut pix = owner_item("pix", "Pay by Pix", "Our Pix key is in the PDF.", &["pix"]);
    pix.attachment = Some(pdf.clone());
    let menu = vec![
        owner_item("hours", "Hours", "We open:\n{hours}", &["hours"]),
        pix,
        owner_item("cakes", "Cakes", "Cakes to order, 48 h ahead.", &["cake"]),
    ];
    let config = owner_config(&menu, &Default::default());
    let now = at(OPEN);
    let mut memory = BotMemory::default();
    let welcome = send(&mut memory, &config, "hello", now);
    let listed = only_text(&welcome);
    let pix_at = listed.find("2. Pay by Pix").expect(listed);
    assert!(listed[..pix_at].contains("1. Hours") && listed[pix_at..].contains("3. Cakes"));

    let out = send(&mut memory, &config, "PIX", now);
    assert_eq!(
        out.decision,
        Decision::Answer {
            items: vec![2],
            sub_items: vec![]
        }
    );
    assert_eq!(out.replies.len(), 2, "{out:?}");
    assert_eq!(out.replies[0].text, "Our Pix key is in the PDF.");
    assert_eq!(out.replies[1].media.as_ref(), Some(&pdf));
    assert!(
        send(&mut memory, &config, "1", now).replies[0]
            .text
            .contains("Mon–Fri: 09:00–18:00")
    );
    // The template's keywords are gone with its items.
    let gone = send(&mut memory, &config, "reservation", now);
    assert_eq!(gone.decision, Decision::Fallback);
}

#[test]
fn sub_menus_open_pick_and_go_back() {
    let mut food = owner_item("food", "Food", "", &["food"]);
    food.items = vec![
        owner_item("pizzas", "Pizzas", "Pizzas from 8 €.", &["pizza"]),
        owner_item("drinks", "Drinks", "Drinks from 2 €.", &["drink"]),
    ];
    let menu = vec![owner_item("hours", "Hours", "{hours}", &["hours"]), food];
    let config = owner_config(&menu, &Default::default());
    let now = at(OPEN);
    let mut memory = BotMemory::default();
    send(&mut memory, &config, "hi", now);

    let opened = send(&mut memory, &config, "2", now);
    let list = only_text(&opened);
    assert!(list.contains("1. Pizzas\n2. Drinks"), "{list}");
    assert!(list.ends_with("0. Back to the menu"), "{list}");
    let pizzas = send(&mut memory, &config, "1", now);
    assert_eq!(only_text(&pizzas), "Pizzas from 8 €.");
    assert_eq!(
        pizzas.decision,
        Decision::Answer {
            items: vec![2],
            sub_items: vec![(2, 1)]
        }
    );
    let still_in = send(&mut memory, &config, "2", now + TimeDelta::seconds(61));
    assert_eq!(only_text(&still_in), "Drinks from 2 €.");
    let back = send(&mut memory, &config, "0", now + TimeDelta::seconds(62));
    assert_eq!(back.decision, Decision::Welcome);
    assert!(only_text(&back).contains("1. Hours\n2. Food"));
    let top = send(&mut memory, &config, "1", now + TimeDelta::seconds(63));
    assert!(only_text(&top).contains("Mon–Fri"));
    // A sub-item's keyword answers from anywhere.
    let drink = send(
        &mut memory,
        &config,
        "a drink please",
        now + TimeDelta::seconds(130),
    );
    assert_eq!(only_text(&drink), "Drinks from 2 €.");
    // "menu" leaves the sub-menu too.
    send(&mut memory, &config, "food", now + TimeDelta::seconds(131));
    send(&mut memory, &config, "menu", now + TimeDelta::seconds(132));
    let after_menu = send(&mut memory, &config, "2", now + TimeDelta::seconds(200));
    assert!(only_text(&after_menu).contains("1. Pizzas"));
}

#[test]
fn facts_fill_placeholders_and_the_templates_quote_them() {
    let facts = crate::facts::Facts {
        address: Some("Rua Augusta 12, Lisboa".into()),
        map_link: Some("https://maps.example/augusta".into()),
        phone: Some("+351912345678".into()),
        ..Default::default()
    };
    let settings = BotSettings {
        template: TemplateType::Restaurant,
        business_name: "Lupe's Bakery",
        language: Language::En,
        overrides: &overrides(&[("fallback", json!("Sorry! Call us on {phone}."))]),
        facts: &facts,
        menu: None,
    };
    let config = BotConfig::build(settings, office_hours()).unwrap();
    let now = at(OPEN);
    let mut memory = BotMemory::default();
    send(&mut memory, &config, "hi", now);
    let location = send(&mut memory, &config, "where are you?", now);
    assert_eq!(
        only_text(&location),
        "Lupe's Bakery is at Rua Augusta 12, Lisboa.\nMap: https://maps.example/augusta"
    );
    let sorry = send(&mut memory, &config, "qwerty", now);
    assert_eq!(only_text(&sorry), "Sorry! Call us on +351912345678.");
    // Without the facts the template points at the profile, as before.
    let plain = config_with_menu_default();
    assert!(plain.answer(5, now).unwrap().contains("WhatsApp profile"));
}

fn config_with_menu_default() -> BotConfig {
    config(TemplateType::Restaurant, Language::En)
}
