//! The closed sets of the data model (`crates/store/migrations`). Each is
//! stored and sent on the wire as its upper-case name.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The error for a string that names no variant of an enum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not one of {expected}")]
pub struct UnknownVariant {
    pub value: String,
    pub expected: &'static str,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        // By hand, from the same names serde uses: utoipa's derive does not
        // see a `rename` whose value comes from a macro argument.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownVariant {
                        value: s.to_owned(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }
    };
}

string_enum!(
    /// Where a tenant is in its life; only `lifecycle::next` moves it.
    TenantStatus {
        New => "NEW",
        Pending => "PENDING",
        Approved => "APPROVED",
        QrPending => "QR_PENDING",
        Active => "ACTIVE",
        Paused => "PAUSED",
        Error => "ERROR",
    }
);

string_enum!(
    /// The kind of business; picks the bot's template.
    TemplateType {
        Restaurant => "RESTAURANT",
        Clinic => "CLINIC",
        Salon => "SALON",
        Retail => "RETAIL",
        Generic => "GENERIC",
    }
);

string_enum!(
    /// How far an outbound message got, as the channel reports it.
    /// `FAILED`: the network reported it could not be delivered.
    DeliveryStatus {
        Sent => "SENT",
        Delivered => "DELIVERED",
        Read => "READ",
        Failed => "FAILED",
    }
);

impl DeliveryStatus {
    /// Receipts arrive in any order and more than once; a message only
    /// moves forward: SENT, FAILED, DELIVERED, READ. (A failure reported
    /// after the phone got it is stale; a delivery after a failure means a
    /// retry got through.)
    pub fn rank(self) -> u8 {
        match self {
            Self::Sent => 0,
            Self::Failed => 1,
            Self::Delivered => 2,
            Self::Read => 3,
        }
    }

    /// Whether a message at `self` moves to `next`.
    pub fn advances_to(self, next: DeliveryStatus) -> bool {
        next.rank() > self.rank()
    }
}

string_enum!(
    /// What the bot did with an inbound message, as the message log keeps
    /// it: a [`crate::bot::Decision`] without its details, or `Paused` (it
    /// arrived while the tenant was paused: logged, not answered).
    LoggedDecision {
        Welcome => "WELCOME",
        Answer => "ANSWER",
        Fallback => "FALLBACK",
        Away => "AWAY",
        Handoff => "HANDOFF",
        NotDirectChat => "NOT_DIRECT_CHAT",
        FromBusiness => "FROM_BUSINESS",
        HandedOff => "HANDED_OFF",
        AwayAlreadySent => "AWAY_ALREADY_SENT",
        NothingToAnswer => "NOTHING_TO_ANSWER",
        ContactLimit => "CONTACT_LIMIT",
        TenantLimit => "TENANT_LIMIT",
        Paused => "PAUSED",
    }
);

impl LoggedDecision {
    /// Whether the bot sent a reply: how a reader of the message log tells
    /// which replies were due.
    pub fn replied(self) -> bool {
        matches!(
            self,
            Self::Welcome | Self::Answer | Self::Fallback | Self::Away | Self::Handoff
        )
    }
}

string_enum!(
    /// The language the bot answers in.
    Language {
        En => "EN",
        Es => "ES",
        Pt => "PT",
    }
);

string_enum!(
    /// The state of a tenant's link to WhatsApp.
    SessionState {
        Disconnected => "DISCONNECTED",
        Connecting => "CONNECTING",
        QrReady => "QR_READY",
        Connected => "CONNECTED",
        LoggedOut => "LOGGED_OUT",
    }
);

string_enum!(
    Direction {
        Inbound => "INBOUND",
        Outbound => "OUTBOUND",
    }
);

string_enum!(
    /// The state of a tenant's worker process.
    WorkerStatus {
        Stopped => "STOPPED",
        Starting => "STARTING",
        Running => "RUNNING",
        Stopping => "STOPPING",
        Error => "ERROR",
    }
);

string_enum!(
    /// An operator of the platform; a business's owner; someone the owner
    /// invited to answer in the inbox (not to change settings or keys).
    Role {
        Admin => "ADMIN",
        Owner => "OWNER",
        Staff => "STAFF",
    }
);

string_enum!(
    SetupRequestStatus {
        Pending => "PENDING",
        Approved => "APPROVED",
        Rejected => "REJECTED",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_round_trips_through_its_name() {
        for status in TenantStatus::ALL {
            assert_eq!(status.as_str().parse::<TenantStatus>().unwrap(), *status);
            let json = serde_json::to_string(status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        for template in TemplateType::ALL {
            assert_eq!(
                template.as_str().parse::<TemplateType>().unwrap(),
                *template
            );
        }
    }

    #[test]
    fn names_are_case_sensitive_and_closed() {
        let err = "active".parse::<TenantStatus>().unwrap_err();
        assert!(err.to_string().contains("ACTIVE"));
        assert!("FR".parse::<Language>().is_err());
    }
}
