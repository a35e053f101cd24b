//! Single-use tokens sent by mail (password reset, email verification,
//! invitations). The store only sees their SHA-256; the server makes the
//! tokens and the links.

use chrono::{DateTime, Utc};
use flowhq_domain::UserId;
use flowhq_domain::entities::User;

use crate::rows::millis;
use crate::{Result, Store, StoreError, Tx};

/// What a token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    PasswordReset,
    VerifyEmail,
    Invitation,
}

impl TokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "PASSWORD_RESET",
            Self::VerifyEmail => "VERIFY_EMAIL",
            Self::Invitation => "INVITATION",
        }
    }
}

impl Store {
    /// Stores a new token for `user`, replacing the unused ones of the same
    /// purpose: only the latest link works.
    pub async fn create_user_token_in(
        &self,
        tx: &mut Tx,
        token_hash: &str,
        user: UserId,
        purpose: TokenPurpose,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = millis(Utc::now());
        sqlx::query(
            "DELETE FROM user_token WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        )
        .bind(user.to_string())
        .bind(purpose.as_str())
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO user_token (token_hash, user_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(purpose.as_str())
        .bind(now)
        .bind(millis(expires_at))
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// The user a live (unused, unexpired) token belongs to, without using it.
    pub async fn user_for_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> Result<Option<User>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT user_id FROM user_token WHERE token_hash = $1 AND purpose = $2 \
             AND used_at IS NULL AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(purpose.as_str())
        .bind(millis(Utc::now()))
        .fetch_optional(self.pool())
        .await?;
        match row {
            Some((id,)) => Ok(Some(self.user(parse_user(&id)?).await?)),
            None => Ok(None),
        }
    }

    /// Uses a live token in `tx`: the user it belongs to, or `None` when it
    /// is unknown, used or expired. Conditional on being unused, so two
    /// concurrent uses cannot both succeed.
    pub async fn use_token_in(
        &self,
        tx: &mut Tx,
        token_hash: &str,
        purpose: TokenPurpose,
    ) -> Result<Option<UserId>> {
        let now = millis(Utc::now());
        let row: Option<(String,)> = sqlx::query_as(
            "UPDATE user_token SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
             AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(purpose.as_str())
        .fetch_optional(&mut **tx)
        .await?;
        row.map(|(id,)| parse_user(&id)).transpose()
    }

    /// Sets a new password (already hashed) in `tx`, ends every session of
    /// the user and voids their other outstanding reset links.
    pub async fn reset_password_in(
        &self,
        tx: &mut Tx,
        user: UserId,
        password_hash: &str,
    ) -> Result<()> {
        sqlx::query("UPDATE app_user SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(millis(Utc::now()))
            .bind(user.to_string())
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM web_session WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "DELETE FROM user_token WHERE user_id = $1 AND purpose = 'PASSWORD_RESET' \
             AND used_at IS NULL",
        )
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// `user` proved their address: marked once, the first time.
    pub async fn verify_email_in(&self, tx: &mut Tx, user: UserId) -> Result<()> {
        sqlx::query(
            "UPDATE app_user SET email_verified_at = $1, updated_at = $1 \
             WHERE id = $2 AND email_verified_at IS NULL",
        )
        .bind(millis(Utc::now()))
        .bind(user.to_string())
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

fn parse_user(id: &str) -> Result<UserId> {
    id.parse()
        .map_err(|e| StoreError::Corrupt(format!("user_token.user_id = {id:?}: {e}")))
}
