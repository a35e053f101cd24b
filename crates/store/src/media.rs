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
}
