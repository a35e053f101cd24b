//! Tenants' files in the data dir: `media/<tenant id>/<sha256>`, 0600,
//! written once under a temporary name and renamed, so a reader never sees
//! half a file and the same file stored twice is one file. The store's
//! `media_file` table indexes them and keeps each tenant under its quota.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use flowhq_domain::TenantId;
use flowhq_domain::media::{self, Attachment, InvalidMedia};
use flowhq_store::Store;
use flowhq_store::media::{MediaFile, RecordMediaError};
use sha2::{Digest, Sha256};

use crate::security::files::{FILE_MODE, create_private_dir};

/// The default room a tenant's files may take.
pub const DEFAULT_QUOTA: u64 = 1024 * 1024 * 1024;

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error(transparent)]
    Invalid(#[from] InvalidMedia),
    #[error("the file is not valid base64")]
    NotBase64,
    #[error(
        "this business's files would take {would_use} bytes, over its quota of {quota} bytes; \
         remove files it no longer uses or ask the operator for more room"
    )]
    OverQuota { would_use: u64, quota: u64 },
    #[error("the file's type is {found}, not the {claimed} its sender said")]
    WrongType { found: String, claimed: String },
    #[error("the bytes are not those of the file's sha256")]
    HashMismatch,
    #[error(transparent)]
    Store(#[from] flowhq_store::StoreError),
    #[error("storing the file: {0}")]
    Io(#[from] std::io::Error),
}

impl From<RecordMediaError> for MediaError {
    fn from(e: RecordMediaError) -> Self {
        match e {
            RecordMediaError::OverQuota { would_use, quota } => {
                MediaError::OverQuota { would_use, quota }
            }
            RecordMediaError::Store(e) => MediaError::Store(e),
        }
    }
}

/// Where the files are and how much each tenant may keep.
#[derive(Clone, Debug)]
pub struct MediaFiles {
    root: PathBuf,
    quota: u64,
}

impl MediaFiles {
    pub fn new(data_dir: &Path, quota: u64) -> Self {
        Self {
            root: data_dir.join("media"),
            quota,
        }
    }

    /// Stores `bytes` for `tenant` after checking what they are by their
    /// content; `claimed_mime`, when the sender said one, must agree.
    pub async fn store(
        &self,
        store: &Store,
        tenant: TenantId,
        file_name: &str,
        claimed_mime: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<Attachment, MediaError> {
        let mime = media::sniff(&bytes)?;
        if let Some(claimed) = claimed_mime.map(str::trim).filter(|m| !m.is_empty())
            && !claimed.eq_ignore_ascii_case(mime)
            // "image/jpg" is what many clients say for JPEG.
            && !(mime == "image/jpeg" && claimed.eq_ignore_ascii_case("image/jpg"))
        {
            return Err(MediaError::WrongType {
                found: mime.to_owned(),
                claimed: claimed.to_owned(),
            });
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        let file = MediaFile {
            sha256: sha256.clone(),
            mime: mime.to_owned(),
            size,
        };
        self.keep(store, tenant, &file, bytes).await?;
        Ok(Attachment {
            file_name: media::clean_file_name(file_name, mime),
            mime: mime.to_owned(),
            size,
            sha256,
        })
    }

    /// Stores a file a customer sent (uploaded by the tenant's worker):
    /// any type, kept as what its content is (see
    /// `media::received_type`); the bytes must be those of `sha256`.
    pub async fn store_received(
        &self,
        store: &Store,
        tenant: TenantId,
        sha256: &str,
        bytes: Vec<u8>,
    ) -> Result<(), MediaError> {
        if bytes.is_empty() {
            return Err(media::InvalidMedia::Empty.into());
        }
        if bytes.len() > media::MAX_MEDIA_BYTES {
            return Err(media::InvalidMedia::TooLarge { size: bytes.len() }.into());
        }
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(MediaError::HashMismatch);
        }
        let file = MediaFile {
            sha256: sha256.to_owned(),
            mime: media::received_type(&bytes).to_owned(),
            size: bytes.len() as u64,
        };
        self.keep(store, tenant, &file, bytes).await
    }

    /// Records `file` against the tenant's quota, then writes its bytes
    /// (once: a file already there is the same file). Quota first: a
    /// refused file is never written.
    async fn keep(
        &self,
        store: &Store,
        tenant: TenantId,
        file: &MediaFile,
        bytes: Vec<u8>,
    ) -> Result<(), MediaError> {
        store.record_media(tenant, file, self.quota).await?;
        let path = self.path(tenant, &file.sha256);
        if tokio::fs::metadata(&path).await.is_err() {
            let dir = self.root.join(tenant.to_string());
            tokio::task::spawn_blocking(move || write_once(&dir, &path, &bytes))
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))??;
        }
        Ok(())
    }

    /// Stores a file sent as base64 in a JSON body.
    pub async fn store_base64(
        &self,
        store: &Store,
        tenant: TenantId,
        file_name: &str,
        claimed_mime: Option<&str>,
        data_base64: &str,
    ) -> Result<Attachment, MediaError> {
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data_base64.trim())
            .map_err(|_| MediaError::NotBase64)?;
        self.store(store, tenant, file_name, claimed_mime, bytes)
            .await
    }

    /// `tenant`'s file `sha256` and its bytes; `None` when this tenant has
    /// no such file (another tenant's file is not found either).
    pub async fn read(
        &self,
        store: &Store,
        tenant: TenantId,
        sha256: &str,
    ) -> Result<Option<(MediaFile, Vec<u8>)>, MediaError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let Some(file) = store.media_file(tenant, sha256).await? else {
            return Ok(None);
        };
        match tokio::fs::read(self.path(tenant, sha256)).await {
            Ok(bytes) => Ok(Some((file, bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes `tenant`'s file `sha256`: its row, then its bytes (a crash
    /// between leaves bytes no row names, which nothing serves).
    pub async fn remove(
        &self,
        store: &Store,
        tenant: TenantId,
        sha256: &str,
    ) -> Result<(), MediaError> {
        store.forget_media(tenant, sha256).await?;
        match tokio::fs::remove_file(self.path(tenant, sha256)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    fn path(&self, tenant: TenantId, sha256: &str) -> PathBuf {
        self.root.join(tenant.to_string()).join(sha256)
    }
}

fn write_once(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create_private_dir(dir)?;
    let temporary = path.with_extension(format!("part-{}", uuid::Uuid::now_v7()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}
