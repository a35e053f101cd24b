//! People who log in: admins (no tenant), owners (one per tenant) and the
//! staff an owner invited (any number per tenant).

use chrono::{DateTime, Utc};
use flowhq_domain::entities::User;
use flowhq_domain::values::{Email, Name, PhoneNumber};
use flowhq_domain::{Language, Role, TenantId, UserId};
use sqlx::any::AnyRow;

use crate::rows::{RowExt, millis};
use crate::{Result, Store, StoreError, Tx};

/// A user to create; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub tenant_id: Option<TenantId>,
    pub name: Name,
    pub email: Email,
    pub phone: Option<PhoneNumber>,
    pub role: Role,
    pub password_hash: String,
}

impl Store {
    pub async fn create_user(&self, new: &NewUser) -> Result<User> {
        let mut tx = self.begin().await?;
        let user = self.create_user_in(&mut tx, new).await?;
        tx.commit().await?;
        Ok(user)
    }

    pub async fn create_user_in(&self, tx: &mut Tx, new: &NewUser) -> Result<User> {
        let id = UserId::new();
        sqlx::query(
            "INSERT INTO app_user (id, tenant_id, name, email, phone, role, password_hash, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(id.to_string())
        .bind(new.tenant_id.map(|t| t.to_string()))
        .bind(new.name.as_str())
        .bind(new.email.as_str())
        .bind(new.phone.as_ref().map(|p| p.as_str().to_owned()))
        .bind(new.role.as_str())
        .bind(&new.password_hash)
        .bind(millis(Utc::now()))
        .execute(&mut **tx)
        .await
        .map_err(|e| {
            StoreError::from(e).on_unique(|| format!("{} is already registered", new.email))
        })?;
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM app_user u WHERE u.id = $1"
        ))
        .bind(id.to_string())
        .fetch_one(&mut **tx)
        .await?;
        from_row(&row)
    }

    pub async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM app_user u WHERE u.email = $1"
        ))
        .bind(email.as_str())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM app_user u WHERE u.id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        crate::rows::found(row, from_row, "user")
    }

    /// Every admin, oldest first, with when their invitation runs out if
    /// they were invited and have not accepted yet.
    pub async fn list_admins(&self) -> Result<Vec<(User, Option<DateTime<Utc>>)>> {
        self.users_with_invitations("u.role = 'ADMIN' AND $2 = $2", "")
            .await
    }

    /// The people of `tenant` (its owner first, then staff, oldest first),
    /// with when an open invitation runs out.
    pub async fn tenant_members(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<(User, Option<DateTime<Utc>>)>> {
        self.users_with_invitations(
            "u.role IN ('OWNER', 'STAFF') AND u.tenant_id = $2",
            &tenant.to_string(),
        )
        .await
    }

    async fn users_with_invitations(
        &self,
        scope: &'static str,
        tenant: &str,
    ) -> Result<Vec<(User, Option<DateTime<Utc>>)>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {}, (SELECT MAX(k.expires_at) FROM user_token k WHERE k.user_id = u.id \
               AND k.purpose = 'INVITATION' AND k.used_at IS NULL AND k.expires_at > $1) \
               AS invited_until \
             FROM app_user u WHERE {scope} \
             ORDER BY CASE u.role WHEN 'STAFF' THEN 1 ELSE 0 END, u.created_at, u.id",
            user_columns!()
        )))
        .bind(millis(Utc::now()))
        .bind(tenant)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((from_row(row)?, row.time_opt("invited_until")?)))
            .collect()
    }

    /// Deletes a staff member of `tenant` (their sessions and tokens go
    /// with them; the replies they sent keep their id). False when `user`
    /// is not staff of `tenant`: an owner or another business's person is
    /// never removed here.
    pub async fn remove_staff(&self, tenant: TenantId, user: UserId) -> Result<bool> {
        let done =
            sqlx::query("DELETE FROM app_user WHERE id = $1 AND tenant_id = $2 AND role = 'STAFF'")
                .bind(user.to_string())
                .bind(tenant.to_string())
                .execute(self.pool())
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The owners of `tenant`, oldest first.
    pub async fn tenant_owners(&self, tenant: flowhq_domain::TenantId) -> Result<Vec<User>> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM app_user u WHERE u.role = 'OWNER' AND u.tenant_id = $1 \
             ORDER BY u.created_at, u.id"
        ))
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }

    /// Saves the language `user` chose for the pages (`None`: follow the
    /// business and the browser again).
    pub async fn set_user_language(&self, user: UserId, language: Option<Language>) -> Result<()> {
        let done = sqlx::query("UPDATE app_user SET language = $1, updated_at = $2 WHERE id = $3")
            .bind(language.map(|l| l.as_str()))
            .bind(millis(Utc::now()))
            .bind(user.to_string())
            .execute(self.pool())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    pub async fn count_admins(&self) -> Result<i64> {
        let count: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM app_user WHERE role = 'ADMIN'")
            .fetch_one(self.pool())
            .await?;
        Ok(count.0)
    }
}

pub(crate) fn from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.parsed("u_id")?,
        tenant_id: row.parsed_opt("u_tenant_id")?,
        name: row.parsed("u_name")?,
        email: row.parsed("u_email")?,
        phone: row.text_opt("u_phone")?,
        role: row.parsed("u_role")?,
        password_hash: row.text("u_password_hash")?,
        email_verified_at: row.time_opt("u_email_verified_at")?,
        language: row.parsed_opt("u_language")?,
        created_at: row.time("u_created_at")?,
        updated_at: row.time("u_updated_at")?,
    })
}
