//! The worker's files: what customers sent (kept until they are handed to
//! the control plane with their message's log) and what the bot sends (a menu item's PDF, fetched once from the
//! control plane). One folder, `<state dir>/media/<sha256>`; a file is
//! written under a temporary name and renamed, so a crash never leaves half
//! of one under its final name, and its name is its hash, checked on every
//! fetch.

use std::path::PathBuf;
use std::sync::Arc;

use flowhq_domain::media::{Attachment, MAX_MEDIA_BYTES, clean_file_name};
use sha2::{Digest, Sha256};

use crate::client::ControlPlane;
use crate::{Result, WorkerError};

/// A file to send, in memory.
#[derive(Clone, PartialEq, Eq)]
pub struct MediaBytes {
    pub file_name: String,
    pub mime: String,
    pub bytes: Arc<Vec<u8>>,
}

impl std::fmt::Debug for MediaBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaBytes")
            .field("file_name", &self.file_name)
            .field("mime", &self.mime)
            .field("len", &self.bytes.len())
            .finish()
    }
}

#[derive(Debug)]
pub struct MediaCache {
    dir: PathBuf,
    control_plane: ControlPlane,
}

impl MediaCache {
    pub fn new(dir: PathBuf, control_plane: ControlPlane) -> Self {
        Self { dir, control_plane }
    }

    /// Keeps a file a customer sent; returns what the log says of it. The
    /// type is the one WhatsApp gave (customers send voice notes and
    /// videos too, which the bot never sends).
    pub fn keep(&self, bytes: &[u8], file_name: &str, mime: &str) -> Result<Attachment> {
        if bytes.len() > MAX_MEDIA_BYTES {
            return Err(WorkerError::Protocol(format!(
                "a received file of {} bytes is over the 16 MiB limit",
                bytes.len()
            )));
        }
        let sha256 = hex::encode(Sha256::digest(bytes));
        self.write(&sha256, bytes)?;
        Ok(Attachment {
            file_name: clean_file_name(file_name, mime),
            mime: mime.to_owned(),
            size: bytes.len() as u64,
            sha256,
        })
    }

    /// The bytes of `attachment`: from the folder, else from the control
    /// plane (and kept for next time).
    pub async fn bytes(&self, attachment: &Attachment) -> Result<MediaBytes> {
        let path = self.dir.join(&attachment.sha256);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let bytes = self.control_plane.media(&attachment.sha256).await?;
                if hex::encode(Sha256::digest(&bytes)) != attachment.sha256 {
                    return Err(WorkerError::Protocol(format!(
                        "the control plane's file {} does not match its hash",
                        attachment.sha256
                    )));
                }
                self.write(&attachment.sha256, &bytes)?;
                bytes
            }
            Err(e) => return Err(e.into()),
        };
        Ok(MediaBytes {
            file_name: attachment.file_name.clone(),
            mime: attachment.mime.clone(),
            bytes: Arc::new(bytes),
        })
    }

    /// Hands a file a customer sent to the control plane (for the inbox)
    /// and forgets it here. Missing here means handed over already (a log
    /// shipped again).
    pub async fn hand_over_received(&self, attachment: &Attachment) -> Result<()> {
        let path = self.dir.join(&attachment.sha256);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        self.control_plane
            .upload_media(&attachment.sha256, bytes)
            .await?;
        let _ = std::fs::remove_file(&path);
        Ok(())
    }

    fn write(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(sha256);
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let temporary = self.dir.join(format!("{sha256}.part"));
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, &path)?;
        Ok(())
    }
}
