//! Images and documents: what a menu item attaches, what customers send and
//! what the inbox answers with. The bytes live in the data dir, named by
//! their sha256; everything else refers to them by [`Attachment`].

use serde::{Deserialize, Serialize};

/// The largest file: WhatsApp's own limit for images is 16 MB, and a menu
/// PDF is far smaller.
pub const MAX_MEDIA_BYTES: usize = 16 * 1024 * 1024;

/// The longest file name kept; longer ones are cut (keeping the extension
/// is not worth the trouble: WhatsApp shows the name, nothing opens by it).
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// What the channel sends it as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// Shown inline in the chat.
    Image,
    /// Offered as a file to open or save.
    Document,
}

/// A stored file as the API reads it back and the worker is told of it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attachment {
    pub file_name: String,
    /// The type found in the content (not the one claimed by the name).
    pub mime: String,
    pub size: u64,
    /// Lower-case hex: the file's name in the tenant's media folder.
    pub sha256: String,
}

impl Attachment {
    pub fn kind(&self) -> MediaKind {
        kind_of(&self.mime)
    }
}

pub fn kind_of(mime: &str) -> MediaKind {
    if mime.starts_with("image/") {
        MediaKind::Image
    } else {
        MediaKind::Document
    }
}

/// The types the product accepts, found from the bytes themselves: photos
/// (JPEG, PNG, WebP) and documents (PDF). WhatsApp takes more, but these
/// are what a price list, a menu or a photo of a product are; anything
/// else is refused rather than passed on to customers.
pub const ACCEPTED_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

/// What customers send that the inbox shows or plays as it is: photos,
/// stickers, voice notes, audio, videos, PDFs. Anything else a customer
/// sends is kept as `application/octet-stream` and offered as a download.
pub const RECEIVED_TYPES: [&str; 13] = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "audio/ogg",
    "audio/mpeg",
    "audio/mp4",
    "audio/aac",
    "audio/amr",
    "video/mp4",
    "video/3gpp",
    "video/quicktime",
    "application/pdf",
];

/// The type a received file is kept and served as, by its content (never
/// by what the sender claims): one of [`RECEIVED_TYPES`], or
/// `application/octet-stream`.
pub fn received_type(bytes: &[u8]) -> &'static str {
    let found = infer::get(bytes).map(|kind| kind.mime_type());
    RECEIVED_TYPES
        .into_iter()
        .find(|t| Some(*t) == found)
        .unwrap_or("application/octet-stream")
}

/// Why a file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMedia {
    #[error("the file is empty")]
    Empty,
    #[error("the file is {size} bytes; at most {max} (16 MiB)", max = MAX_MEDIA_BYTES)]
    TooLarge { size: usize },
    #[error("the file is not a JPEG, PNG or WebP image or a PDF document (by its content)")]
    UnsupportedType,
}

/// The type of `bytes` by their content, or why they are refused.
pub fn sniff(bytes: &[u8]) -> Result<&'static str, InvalidMedia> {
    if bytes.is_empty() {
        return Err(InvalidMedia::Empty);
    }
    if bytes.len() > MAX_MEDIA_BYTES {
        return Err(InvalidMedia::TooLarge { size: bytes.len() });
    }
    let found = infer::get(bytes).map(|kind| kind.mime_type());
    ACCEPTED_TYPES
        .into_iter()
        .find(|accepted| Some(*accepted) == found)
        .ok_or(InvalidMedia::UnsupportedType)
}

/// A file name safe to keep and show: no folders, no control characters,
/// not empty, not too long.
pub fn clean_file_name(name: &str, mime: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        let extension = match mime {
            "image/jpeg" => "jpg",
            "image/png" => "png",
            "image/webp" => "webp",
            "application/pdf" => "pdf",
            // What customers send besides: voice notes, videos, …
            _ => "bin",
        };
        return format!("file.{extension}");
    }
    cleaned.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(
            sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Ok("application/pdf")
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"),
            Ok("image/png")
        );
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0"), Ok("image/jpeg"));
        assert_eq!(
            sniff(b"MZ\x90\0 not a pdf.pdf"),
            Err(InvalidMedia::UnsupportedType)
        );
        assert_eq!(
            sniff(b"hello, I am text"),
            Err(InvalidMedia::UnsupportedType)
        );
        assert_eq!(sniff(b""), Err(InvalidMedia::Empty));
        let big = vec![0u8; MAX_MEDIA_BYTES + 1];
        assert!(matches!(sniff(&big), Err(InvalidMedia::TooLarge { .. })));
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(
            clean_file_name("../../etc/passwd", "application/pdf"),
            "passwd"
        );
        assert_eq!(
            clean_file_name("C:\\x\\menu.pdf", "application/pdf"),
            "menu.pdf"
        );
        assert_eq!(clean_file_name("a\nb.pdf", "application/pdf"), "ab.pdf");
        assert_eq!(clean_file_name("  ", "image/png"), "file.png");
        assert_eq!(clean_file_name("..", "image/jpeg"), "file.jpg");
    }
}
