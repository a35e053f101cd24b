//! Typed identifiers. Every entity has its own id type so that a `TenantId`
//! can never be passed where a `UserId` is expected. Ids are UUID v7: they
//! sort by creation time, which keeps "newest first" lists and cursors cheap.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            pub fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A business on the platform.
    TenantId
);
id_type!(TenantConfigId);
id_type!(SessionId);
id_type!(MessageLogId);
id_type!(WorkerProcessId);
id_type!(UserId);
id_type!(SetupRequestId);
id_type!(TenantEventId);
id_type!(ConfigChangeId);
id_type!(
    /// A key to the public API.
    ApiKeyId
);
id_type!(
    /// A customer of one business (the inbox's conversations are theirs).
    ContactId
);
id_type!(
    /// A business's saved answer.
    QuickReplyId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_strings() {
        let id = TenantId::new();
        let parsed: TenantId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
    }

    #[test]
    fn ids_are_time_ordered() {
        let a = TenantId::new();
        let b = TenantId::new();
        assert!(a < b);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert!("not-a-uuid".parse::<TenantId>().is_err());
    }
}
