use flowhq_domain::lifecycle::InvalidTransition;

/// What can go wrong in the store, sorted by what the caller should do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (or belongs to another tenant).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request clashes with what is stored: a unique key or a state rule.
    #[error("{0}")]
    Conflict(String),
    /// The tenant status machine refused the move.
    #[error(transparent)]
    Transition(#[from] InvalidTransition),
    /// A stored value could not be read back: a bug or a hand-edited row.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("bad database configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// From the SQLite group-commit writer (`writer.rs`).
    #[error("database: {0}")]
    Writer(rusqlite::Error),
}

impl StoreError {
    /// Every connection stayed busy for the pool's whole wait: overload,
    /// worth another try in a moment rather than a fault.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::PoolTimedOut))
    }

    /// Turns a unique-key violation into a [`StoreError::Conflict`] with a
    /// message for people; other errors pass through.
    pub(crate) fn on_unique(self, message: impl FnOnce() -> String) -> Self {
        match &self {
            StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                StoreError::Conflict(message())
            }
            _ => self,
        }
    }
}
