//! Which files a tenant stored, and how much room they take (see the
//! `facts_menu_media` migration). The bytes are the server's to keep, in
//! the data dir; this table is the index and the quota.

use chrono::Utc;
use flowhq_domain::TenantId;

use crate::rows::{RowExt, millis};
use crate::{Result, Store};

/// A stored file of one tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    pub sha256: String,
    pub mime: String,
    pub size: u64,
}

/// Why a file was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordMediaError {
    #[error("the tenant's files would take {would_use} bytes; the quota is {quota}")]
    OverQuota { would_use: u64, quota: u64 },
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

impl Store {
    /// Records `file` for `tenant` unless that would take the tenant's files
    /// past `quota` bytes. A file already recorded costs nothing again.
    /// The check and the insert are one statement, so two uploads at once
    /// cannot both slip under the quota on SQLite (one writer at a time);
    /// on PostgreSQL two concurrent uploads may overshoot by one file.
    pub async fn record_media(
        &self,
        tenant: TenantId,
        file: &MediaFile,
        quota: u64,
    ) -> Result<(), RecordMediaError> {
        let size = i64::try_from(file.size).unwrap_or(i64::MAX);
        let quota_i = i64::try_from(quota).unwrap_or(i64::MAX);
        let inserted = sqlx::query(
            "INSERT INTO media_file (tenant_id, sha256, mime, size, created_at) \
             SELECT $1, $2, $3, $4, $5 \
             WHERE (SELECT COALESCE(SUM(size), 0) FROM media_file WHERE tenant_id = $1) + $4 <= $6 \
             ON CONFLICT (tenant_id, sha256) DO NOTHING",
        )
        .bind(tenant.to_string())
        .bind(&file.sha256)
        .bind(&file.mime)
        .bind(size)
        .bind(millis(Utc::now()))
        .bind(quota_i)
        .execute(self.pool())
        .await
        .map_err(crate::StoreError::from)?
        .rows_affected();
        if inserted == 1 || self.media_file(tenant, &file.sha256).await?.is_some() {
            return Ok(());
        }
        Err(RecordMediaError::OverQuota {
            would_use: self.media_usage(tenant).await? + file.size,
            quota,
        })
    }

    /// `tenant`'s file `sha256`, if it stored one by that hash.
    pub async fn media_file(&self, tenant: TenantId, sha256: &str) -> Result<Option<MediaFile>> {
        let row = sqlx::query(
            "SELECT sha256, mime, size FROM media_file WHERE tenant_id = $1 AND sha256 = $2",
        )
        .bind(tenant.to_string())
        .bind(sha256)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(MediaFile {
                sha256: row.text("sha256")?,
                mime: row.text("mime")?,
                size: u64::try_from(row.int("size")?).unwrap_or_default(),
            })
        })
        .transpose()
    }

    /// The bytes `tenant`'s files take.
    pub async fn media_usage(&self, tenant: TenantId) -> Result<u64> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS used FROM media_file \
             WHERE tenant_id = $1",
        )
        .bind(tenant.to_string())
        .fetch_one(self.pool())
        .await?;
        Ok(u64::try_from(row.int("used")?).unwrap_or_default())
    }

    /// How many days `tenant` keeps its conversations' files; `None`:
    /// for good.
    pub async fn media_retention(&self, tenant: TenantId) -> Result<Option<u32>> {
        let row =
            sqlx::query("SELECT media_retention_days FROM tenant_config WHERE tenant_id = $1")
                .bind(tenant.to_string())
                .fetch_optional(self.pool())
                .await?
                .ok_or(crate::StoreError::NotFound("tenant"))?;
        Ok(row
            .int_opt("media_retention_days")?
            .and_then(|d| u32::try_from(d).ok()))
    }

    pub async fn set_media_retention(&self, tenant: TenantId, days: Option<u32>) -> Result<()> {
        let result =
            sqlx::query("UPDATE tenant_config SET media_retention_days = $2 WHERE tenant_id = $1")
                .bind(tenant.to_string())
                .bind(days.map(i64::from))
                .execute(self.pool())
                .await?;
        if result.rows_affected() == 0 {
            return Err(crate::StoreError::NotFound("tenant"));
        }
        Ok(())
    }

    /// Up to `limit` files past their business's retention at `now`: the
    /// conversations' files, never one the menu or a quick reply uses.
    pub async fn expired_media(
        &self,
        now: chrono::DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(TenantId, String)>> {
        let sql = format!(
            "SELECT f.tenant_id, f.sha256 FROM media_file f \
             JOIN tenant_config c ON c.tenant_id = f.tenant_id \
             WHERE c.media_retention_days IS NOT NULL \
               AND f.created_at < $1 - c.media_retention_days * 86400000 \
               AND (c.menu_json IS NULL OR c.menu_json NOT LIKE '%' || f.sha256 || '%') \
               AND NOT EXISTS (SELECT 1 FROM quick_reply q WHERE q.tenant_id = f.tenant_id \
                   AND q.media_json LIKE '%' || f.sha256 || '%') {}",
            crate::placeholders::limit(limit)
        );
        let rows: Vec<(String, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(millis(now))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter()
            .map(|(tenant, sha)| {
                let tenant = tenant.parse().map_err(|_| {
                    crate::StoreError::Corrupt(format!("media_file.tenant_id {tenant}"))
                })?;
                Ok((tenant, sha))
            })
            .collect()
    }

    /// Forgets that `tenant` stored `sha256` (its bytes are the caller's to
    /// delete); whether it had.
    pub async fn forget_media(&self, tenant: TenantId, sha256: &str) -> Result<bool> {
        let result = sqlx::query("DELETE FROM media_file WHERE tenant_id = $1 AND sha256 = $2")
            .bind(tenant.to_string())
            .bind(sha256)
            .execute(self.pool())
            .await?;
        Ok(result.rows_affected() == 1)
    }
}
