//! The inbox: a business's customers (contacts) and its conversations with
//! them, and the rules for what an owner may write on a contact.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::media::Attachment;
use crate::{ContactId, Direction, QuickReplyId, UserId};

/// The most labels on one contact.
pub const MAX_LABELS: usize = 20;
/// The longest label, in characters.
pub const MAX_LABEL_CHARS: usize = 32;
/// The longest name the owner gives a contact.
pub const MAX_NAME_CHARS: usize = 100;
/// The longest notes on a contact.
pub const MAX_NOTES_CHARS: usize = 4000;

/// A customer of one business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Contact {
    pub id: ContactId,
    /// Their chat as the channel names it: `+` and digits, or WhatsApp's
    /// private id when the number is hidden.
    pub wa_id: String,
    /// E.164, when known.
    pub phone: Option<String>,
    /// What the business calls them: the owner's name for them, else the
    /// name they gave themselves; null when neither is known.
    pub name: Option<String>,
    /// The name they gave themselves on WhatsApp.
    pub push_name: Option<String>,
    pub labels: Vec<String>,
    pub notes: String,
    pub first_seen_at: DateTime<Utc>,
    /// Their last message; null when only the business wrote so far.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The owner turned the assistant off for them.
    pub assistant_off: bool,
}

impl Contact {
    /// How to name them on a page: a name, else the number, else the id.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.phone.as_deref())
            .unwrap_or(&self.wa_id)
    }
}

/// The last message of a conversation, for the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct LastMessage {
    pub direction: Direction,
    /// The text or caption (may be empty for a file).
    pub text: String,
    pub at: DateTime<Utc>,
}

/// One conversation: a contact and where their chat stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct Conversation {
    pub contact: Contact,
    pub last_message: LastMessage,
    /// Their messages since someone last read or answered the chat.
    pub unread: u32,
    /// "Wants a person": the bot handed the chat off and nobody from the
    /// business has answered or resolved it since.
    pub handoff: bool,
    /// Since when they wait for a person, when `handoff`.
    pub handoff_at: Option<DateTime<Utc>>,
    /// The bot is quiet for them now because a person took the chat
    /// (answered in the last 12 hours, not resolved since).
    pub person_answered_at: Option<DateTime<Utc>>,
}

/// Which conversations a list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ConversationFilter {
    #[default]
    All,
    /// Those waiting for a person.
    Handoff,
    /// Those with unread messages.
    Unread,
}

impl ConversationFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" => Some(Self::All),
            "handoff" => Some(Self::Handoff),
            "unread" => Some(Self::Unread),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Handoff => "handoff",
            Self::Unread => "unread",
        }
    }
}

/// Who wrote an outbound message, as the inbox shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SentBy {
    pub user_id: UserId,
    /// Their name; null when the user was deleted since.
    pub name: Option<String>,
}

/// A change to a contact, as the owner asks for it: only the fields given
/// change. `name: Some(None)` forgets the owner's name for them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContactPatch {
    pub name: Option<Option<String>>,
    pub labels: Option<Vec<String>>,
    pub notes: Option<String>,
}

/// Whether `text` holds a control character a message may not carry
/// (line breaks and tabs are fine; a NUL, say, is not, and PostgreSQL
/// would refuse it).
pub fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// A field of a [`ContactPatch`] the rules refuse, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefusedField {
    pub field: String,
    pub message: String,
}

impl ContactPatch {
    /// The patch with its values tidied (trimmed; labels without
    /// duplicates, in the order given), or every field it gets wrong.
    pub fn checked(self) -> Result<Self, Vec<RefusedField>> {
        let mut refused = Vec::new();
        let mut refuse = |field: &str, message: String| {
            refused.push(RefusedField {
                field: field.to_owned(),
                message,
            })
        };
        let name = self.name.map(|name| {
            let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            if name
                .as_deref()
                .is_some_and(|n| n.chars().any(char::is_control))
            {
                refuse("name", "name must not contain control characters".into());
            } else if name
                .as_ref()
                .is_some_and(|n| n.chars().count() > MAX_NAME_CHARS)
            {
                refuse(
                    "name",
                    format!("name must be at most {MAX_NAME_CHARS} characters"),
                );
            }
            name
        });
        let labels = self.labels.map(|labels| {
            let mut tidy: Vec<String> = Vec::new();
            for (i, label) in labels.iter().enumerate() {
                let label = label.trim();
                if label.is_empty() {
                    refuse(
                        &format!("labels[{i}]"),
                        format!("labels[{i}] must not be empty"),
                    );
                } else if label.chars().any(char::is_control) {
                    refuse(
                        &format!("labels[{i}]"),
                        format!("labels[{i}] must not contain control characters"),
                    );
                } else if label.chars().count() > MAX_LABEL_CHARS {
                    refuse(
                        &format!("labels[{i}]"),
                        format!("labels[{i}] must be at most {MAX_LABEL_CHARS} characters"),
                    );
                } else if !tidy.iter().any(|t| t.eq_ignore_ascii_case(label)) {
                    tidy.push(label.to_owned());
                }
            }
            if tidy.len() > MAX_LABELS {
                refuse("labels", format!("at most {MAX_LABELS} labels"));
            }
            tidy
        });
        let notes = self.notes.map(|notes| {
            let notes = notes.trim().to_owned();
            if has_control_characters(&notes) {
                refuse("notes", "notes must not contain control characters".into());
            } else if notes.chars().count() > MAX_NOTES_CHARS {
                refuse(
                    "notes",
                    format!("notes must be at most {MAX_NOTES_CHARS} characters"),
                );
            }
            notes
        });
        if refused.is_empty() {
            Ok(Self {
                name,
                labels,
                notes,
            })
        } else {
            Err(refused)
        }
    }
}

/// The longest quick-reply shortcut.
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// The most quick replies a business keeps.
pub const MAX_QUICK_REPLIES: usize = 200;

/// A saved answer, inserted in the inbox with "/" and its shortcut.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct QuickReply {
    pub id: QuickReplyId,
    /// What follows "/": lower-case letters, digits and dashes.
    pub shortcut: String,
    pub text: String,
    /// A file sent with it; `text` is then its caption.
    pub media: Option<Attachment>,
}

/// A quick reply's shortcut as typed ("/Hours " → "hours"), or why not.
pub fn shortcut(raw: &str) -> Result<String, String> {
    let s = raw.trim().trim_start_matches('/').to_lowercase();
    if s.is_empty() {
        return Err("shortcut must not be empty".into());
    }
    if s.chars().count() > MAX_SHORTCUT_CHARS {
        return Err(format!(
            "shortcut must be at most {MAX_SHORTCUT_CHARS} characters"
        ));
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    {
        return Err("shortcut may contain only letters, digits, - and _".into());
    }
    Ok(s)
}

/// Labels typed as one line ("vip, delivery"), as a form sends them.
pub fn labels_from_line(line: &str) -> Vec<String> {
    line.split(',')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_patch_is_tidied_or_refused_field_by_field() {
        let patch = ContactPatch {
            name: Some(Some("  Ana  ".into())),
            labels: Some(vec!["vip".into(), " VIP ".into(), "delivery".into()]),
            notes: Some(" likes the window table ".into()),
        }
        .checked()
        .unwrap();
        assert_eq!(patch.name, Some(Some("Ana".into())));
        assert_eq!(patch.labels, Some(vec!["vip".into(), "delivery".into()]));
        assert_eq!(patch.notes.as_deref(), Some("likes the window table"));

        let blank = ContactPatch {
            name: Some(Some("   ".into())),
            ..Default::default()
        };
        assert_eq!(
            blank.checked().unwrap().name,
            Some(None),
            "a blank name forgets it"
        );

        let nul = ContactPatch {
            notes: Some("a\0b".into()),
            ..Default::default()
        };
        assert_eq!(nul.checked().unwrap_err()[0].field, "notes");
        assert!(!has_control_characters("line one\nline two\tend"));

        let refused = ContactPatch {
            name: Some(Some("x".repeat(101))),
            labels: Some(vec!["".into(), "y".repeat(33)]),
            notes: Some("z".repeat(4001)),
        }
        .checked()
        .unwrap_err();
        let fields: Vec<&str> = refused.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, ["name", "labels[0]", "labels[1]", "notes"]);
    }

    #[test]
    fn shortcuts_are_one_word_without_the_slash() {
        assert_eq!(shortcut(" /Horário ").unwrap(), "horário");
        assert_eq!(shortcut("pix-key").unwrap(), "pix-key");
        assert!(shortcut("/").is_err());
        assert!(shortcut("two words").is_err());
        assert!(shortcut(&"x".repeat(33)).is_err());
    }

    #[test]
    fn labels_come_from_a_comma_separated_line() {
        assert_eq!(labels_from_line(" vip, ,delivery "), ["vip", "delivery"]);
        assert!(labels_from_line("").is_empty());
    }

    #[test]
    fn filters_read_their_names() {
        for f in [
            ConversationFilter::All,
            ConversationFilter::Handoff,
            ConversationFilter::Unread,
        ] {
            assert_eq!(ConversationFilter::parse(f.as_str()), Some(f));
        }
        assert_eq!(ConversationFilter::parse("spam"), None);
    }
}
