//! WhatsApp messages in and out: what of an inbound message is logged and
//! shown to the bot, who it is from, and how a reply is addressed.

use sha2::{Digest, Sha256};
use whatsapp_rust::Jid;
use whatsapp_rust::wacore::proto_helpers::MessageExt;
use whatsapp_rust::wacore::types::message::MessageInfo;
use whatsapp_rust::wacore_binary::jid::JidExt;
use whatsapp_rust::waproto::whatsapp as wa;

use crate::channel::{ChatKind, InboundMessage};

/// The text a person would see: the body of a text message, the caption
/// of a photo, video or document, or empty for other media (a voice note, a
/// sticker, a location). `None` for what is no message to a person at all:
/// reactions, edits, deletions, key exchanges and other protocol traffic.
pub fn visible_text(message: &wa::Message) -> Option<String> {
    if let Some(text) = message.text_content() {
        return Some(text.to_owned());
    }
    if let Some(caption) = message.get_caption() {
        return Some(caption.to_owned());
    }
    let base = message.get_base_message();
    let media = base.image_message.is_set()
        || base.video_message.is_set()
        || base.document_message.is_set()
        || base.audio_message.is_set()
        || base.sticker_message.is_set()
        || base.location_message.is_set()
        || base.live_location_message.is_set()
        || base.contact_message.is_set()
        || base.contacts_array_message.is_set();
    media.then(String::new)
}

/// What kind of chat a message belongs to.
pub fn chat_kind(info: &MessageInfo) -> ChatKind {
    let chat = &info.source.chat;
    if chat.is_status_broadcast() {
        ChatKind::Status
    } else if info.source.is_group || chat.is_group() {
        ChatKind::Group
    } else if chat.is_broadcast_list() || chat.is_newsletter() {
        ChatKind::Broadcast
    } else {
        ChatKind::Direct
    }
}

/// `+` and the digits of a phone-number id (`5511…@s.whatsapp.net`).
fn phone_of(jid: &Jid) -> Option<String> {
    (jid.is_pn() && !jid.user.is_empty() && jid.user.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("+{}", jid.user))
}

/// The contact a message is about, as the log shows it: their phone number
/// when WhatsApp tells it (`sender_alt` carries it for contacts addressed
/// by their hidden id, and `known_phone` is what the library learnt of a
/// hidden id before), else the chat's id. For the business's own messages,
/// the chat it wrote to.
pub fn contact_of(info: &MessageInfo, known_phone: Option<&str>) -> String {
    let source = &info.source;
    let (primary, alt) = if source.is_from_me {
        (&source.chat, source.recipient_alt.as_ref())
    } else if source.is_group || source.chat.is_group() {
        // In a group the person who wrote, not the group.
        (&source.sender, source.sender_alt.as_ref())
    } else {
        (&source.chat, source.sender_alt.as_ref())
    };
    phone_of(primary)
        .or_else(|| alt.and_then(phone_of))
        .or_else(|| known_phone.map(|digits| format!("+{}", digits.trim_start_matches('+'))))
        .unwrap_or_else(|| primary.to_non_ad_string())
}

/// Who the message is with, as the network addressed them.
fn primary(info: &MessageInfo) -> &Jid {
    if info.source.is_from_me || !(info.source.is_group || info.source.chat.is_group()) {
        &info.source.chat
    } else {
        &info.source.sender
    }
}

/// The contact's hidden id when the log names them by `contact`, their
/// number: the control plane merges what it logged under the hidden id.
pub fn revealed_hidden_id(info: &MessageInfo, contact: &str) -> Option<String> {
    let primary = primary(info);
    (primary.is_lid() && contact.starts_with('+')).then(|| primary.to_non_ad_string())
}

/// The hidden id (`…@lid`) whose phone number the library may know, when
/// the message itself does not carry a number.
pub fn hidden_id_to_resolve(info: &MessageInfo) -> Option<Jid> {
    let primary = primary(info);
    let alt_has_phone = [&info.source.sender_alt, &info.source.recipient_alt]
        .into_iter()
        .flatten()
        .any(|j| phone_of(j).is_some());
    (primary.is_lid() && !alt_has_phone).then(|| primary.to_non_ad())
}

/// The inbound message the runtime stores, or `None` when there is nothing
/// a person wrote.
pub fn inbound(
    message: &wa::Message,
    info: &MessageInfo,
    known_phone: Option<&str>,
) -> Option<InboundMessage> {
    let text = visible_text(message)?;
    let push_name = Some(info.push_name.trim())
        .filter(|n| !n.is_empty() && !info.source.is_from_me)
        .map(str::to_owned);
    let from = contact_of(info, known_phone);
    Some(InboundMessage {
        wa_message_id: info.id.to_string(),
        hidden_id: revealed_hidden_id(info, &from),
        from,
        push_name,
        text,
        // Downloaded by the channel, which holds the client.
        media: None,
        at: info.timestamp,
        kind: chat_kind(info),
        from_me: info.source.is_from_me,
    })
}

/// Where a reply to `to` (as [`contact_of`] wrote it) goes.
pub fn reply_jid(to: &str) -> Option<Jid> {
    if let Some(digits) = to.strip_prefix('+') {
        return (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Jid::pn(digits));
    }
    to.parse().ok()
}

/// The WhatsApp message id a reply is sent with, derived from its client
/// id: a retry after a crash sends the same id, which WhatsApp and the
/// customer's phone treat as the same message. Shaped like the ids
/// WhatsApp Web makes (`3EB0` and upper-case hex).
pub fn message_id_for(client_id: &str) -> String {
    let digest = Sha256::digest(client_id.as_bytes());
    let hex: String = digest[..9].iter().map(|b| format!("{b:02X}")).collect();
    format!("3EB0{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use whatsapp_rust::wacore::types::message::MessageSource;
    use whatsapp_rust::waproto::buffa::MessageField;

    fn info(chat: &str, sender: &str, from_me: bool) -> MessageInfo {
        let chat: Jid = chat.parse().unwrap();
        MessageInfo {
            source: MessageSource {
                is_group: chat.is_group(),
                chat,
                sender: sender.parse().unwrap(),
                is_from_me: from_me,
                ..Default::default()
            },
            id: "3EB0AAAA".into(),
            push_name: "Ana ".into(),
            timestamp: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            ..Default::default()
        }
    }

    fn text(body: &str) -> wa::Message {
        wa::Message {
            conversation: Some(body.into()),
            ..Default::default()
        }
    }

    #[test]
    fn plain_extended_and_caption_texts_are_read() {
        assert_eq!(visible_text(&text("oi")).as_deref(), Some("oi"));
        let extended = wa::Message {
            extended_text_message: MessageField::some(wa::message::ExtendedTextMessage {
                text: Some("see https://example.com".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            visible_text(&extended).as_deref(),
            Some("see https://example.com")
        );
        let photo = wa::Message {
            image_message: MessageField::some(wa::message::ImageMessage {
                caption: Some("menu?".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(visible_text(&photo).as_deref(), Some("menu?"));
        // Wrapped in a disappearing-message envelope: still the text.
        let ephemeral = wa::Message {
            ephemeral_message: MessageField::some(wa::message::FutureProofMessage {
                message: MessageField::some(text("hola")),
            }),
            ..Default::default()
        };
        assert_eq!(visible_text(&ephemeral).as_deref(), Some("hola"));
    }

    #[test]
    fn media_without_caption_is_empty_text_and_protocol_traffic_is_nothing() {
        let voice = wa::Message {
            audio_message: MessageField::some(Default::default()),
            ..Default::default()
        };
        assert_eq!(visible_text(&voice).as_deref(), Some(""));
        let reaction = wa::Message {
            reaction_message: MessageField::some(wa::message::ReactionMessage {
                text: Some("👍".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(visible_text(&reaction), None);
        assert_eq!(visible_text(&wa::Message::default()), None);
    }

    #[test]
    fn a_direct_message_gives_number_push_name_and_id() {
        let m = inbound(
            &text("oi"),
            &info(
                "5511912345678@s.whatsapp.net",
                "5511912345678@s.whatsapp.net",
                false,
            ),
            None,
        )
        .unwrap();
        assert_eq!(m.from, "+5511912345678");
        assert_eq!(m.push_name.as_deref(), Some("Ana"));
        assert_eq!(m.wa_message_id, "3EB0AAAA");
        assert_eq!(m.kind, ChatKind::Direct);
        assert!(!m.from_me);
        assert_eq!(m.at.timestamp(), 1_700_000_000);
    }

    #[test]
    fn hidden_ids_use_the_alternate_or_known_number() {
        let mut i = info("123456789012345@lid", "123456789012345@lid", false);
        assert_eq!(
            hidden_id_to_resolve(&i).map(|j| j.to_string()).as_deref(),
            Some("123456789012345@lid")
        );
        assert_eq!(contact_of(&i, None), "123456789012345@lid");
        assert_eq!(revealed_hidden_id(&i, "123456789012345@lid"), None);
        assert_eq!(contact_of(&i, Some("5511900000000")), "+5511900000000");
        i.source.sender_alt = Some("5511912345678@s.whatsapp.net".parse().unwrap());
        assert_eq!(hidden_id_to_resolve(&i), None);
        assert_eq!(contact_of(&i, None), "+5511912345678");
        // Both known: the log merges the hidden id's history into the number's.
        assert_eq!(
            revealed_hidden_id(&i, "+5511912345678").as_deref(),
            Some("123456789012345@lid")
        );
        let by_number = info(
            "5511912345678@s.whatsapp.net",
            "5511912345678@s.whatsapp.net",
            false,
        );
        assert_eq!(revealed_hidden_id(&by_number, "+5511912345678"), None);
    }

    #[test]
    fn groups_status_broadcasts_and_own_messages_are_marked() {
        let group = inbound(
            &text("hi all"),
            &info(
                "120363000000000000@g.us",
                "5511912345678@s.whatsapp.net",
                false,
            ),
            None,
        )
        .unwrap();
        assert_eq!(group.kind, ChatKind::Group);
        assert_eq!(group.from, "+5511912345678");
        let status = info("status@broadcast", "5511912345678@s.whatsapp.net", false);
        assert_eq!(chat_kind(&status), ChatKind::Status);
        let list = info(
            "1234567890@broadcast",
            "5511912345678@s.whatsapp.net",
            false,
        );
        assert_eq!(chat_kind(&list), ChatKind::Broadcast);
        let own = inbound(
            &text("we open at 9"),
            &info(
                "5511912345678@s.whatsapp.net",
                "5511000000000@s.whatsapp.net",
                true,
            ),
            None,
        )
        .unwrap();
        assert!(own.from_me);
        assert_eq!(own.from, "+5511912345678", "the contact written to");
        assert_eq!(own.push_name, None, "the push name is the business's own");
    }

    #[test]
    fn replies_go_to_numbers_or_ids() {
        assert_eq!(
            reply_jid("+5511912345678").unwrap().to_string(),
            "5511912345678@s.whatsapp.net"
        );
        assert_eq!(
            reply_jid("123456789012345@lid").unwrap().to_string(),
            "123456789012345@lid"
        );
        assert!(reply_jid("+55 11").is_none());
        assert!(reply_jid("+").is_none());
    }

    #[test]
    fn reply_ids_are_stable_and_distinct() {
        let a = message_id_for("3EB0AAAA:0");
        assert_eq!(a, message_id_for("3EB0AAAA:0"));
        assert_ne!(a, message_id_for("3EB0AAAA:1"));
        assert!(a.starts_with("3EB0") && a.len() == 22);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
