//! Files in and out of WhatsApp. A file travels encrypted through
//! WhatsApp's servers: sending uploads it and sends a message pointing at
//! it, receiving downloads what such a message points at. Images go as
//! images (shown in the chat), everything else as documents.

use std::io::{Cursor, Seek, SeekFrom, Write};
use std::time::Duration;

use flowhq_domain::media::{Attachment, MAX_MEDIA_BYTES, MediaKind, kind_of};
use whatsapp_rust::Client;
use whatsapp_rust::download::{DownloadWriter, Downloadable, MediaType};
use whatsapp_rust::upload::UploadResponse;
use whatsapp_rust::wacore::proto_helpers::MessageExt;
use whatsapp_rust::waproto::buffa::MessageField;
use whatsapp_rust::waproto::whatsapp as wa;

use crate::media::{MediaBytes, MediaCache};

/// How long one download may take. It runs inside the durability hook,
/// which holds the chat's (during the offline catch-up, every chat's)
/// incoming messages: long enough for 16 MiB on a slow line, short enough
/// that a stuck download does not stall them for long.
const DOWNLOAD_WAIT: Duration = Duration::from_secs(90);

/// What a file of `mime` is uploaded as: its type picks the key WhatsApp
/// encrypts it with and where it is stored.
pub fn upload_type(mime: &str) -> MediaType {
    match kind_of(mime) {
        MediaKind::Image => MediaType::Image,
        MediaKind::Document => MediaType::Document,
    }
}

/// Where an upload went and how it is encrypted: the library's
/// `UploadResponse`, which only the library can build (it is
/// `#[non_exhaustive]`), so that the message built from it can be tested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uploaded {
    pub url: String,
    pub direct_path: String,
    pub media_key: Vec<u8>,
    pub file_enc_sha256: Vec<u8>,
    pub file_sha256: Vec<u8>,
    pub file_length: u64,
    pub media_key_timestamp: i64,
}

impl From<UploadResponse> for Uploaded {
    fn from(r: UploadResponse) -> Self {
        Self {
            url: r.url,
            direct_path: r.direct_path,
            media_key: r.media_key.to_vec(),
            file_enc_sha256: r.file_enc_sha256.to_vec(),
            file_sha256: r.file_sha256.to_vec(),
            file_length: r.file_length,
            media_key_timestamp: r.media_key_timestamp,
        }
    }
}

/// The message that shows `media`, uploaded as `uploaded`, with `caption`
/// (none when empty).
pub fn outgoing(uploaded: Uploaded, caption: &str, media: &MediaBytes) -> wa::Message {
    let caption = Some(caption.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    match kind_of(&media.mime) {
        MediaKind::Image => wa::Message {
            image_message: MessageField::some(wa::message::ImageMessage {
                url: Some(uploaded.url),
                direct_path: Some(uploaded.direct_path),
                media_key: Some(uploaded.media_key),
                file_enc_sha256: Some(uploaded.file_enc_sha256),
                file_sha256: Some(uploaded.file_sha256),
                file_length: Some(uploaded.file_length),
                media_key_timestamp: Some(uploaded.media_key_timestamp),
                mimetype: Some(media.mime.clone()),
                caption,
                ..Default::default()
            }),
            ..Default::default()
        },
        MediaKind::Document => wa::Message {
            document_message: MessageField::some(wa::message::DocumentMessage {
                url: Some(uploaded.url),
                direct_path: Some(uploaded.direct_path),
                media_key: Some(uploaded.media_key),
                file_enc_sha256: Some(uploaded.file_enc_sha256),
                file_sha256: Some(uploaded.file_sha256),
                file_length: Some(uploaded.file_length),
                media_key_timestamp: Some(uploaded.media_key_timestamp),
                mimetype: Some(media.mime.clone()),
                // The name is what the chat shows for a document.
                file_name: Some(media.file_name.clone()),
                title: Some(media.file_name.clone()),
                caption,
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}

/// A file an inbound message points at.
pub struct Received<'a> {
    pub file: &'a dyn Downloadable,
    pub mime: String,
    pub file_name: String,
    /// The size the sender declared, if any.
    pub file_length: Option<u64>,
}

impl std::fmt::Debug for Received<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("mime", &self.mime)
            .field("file_name", &self.file_name)
            .field("file_length", &self.file_length)
            .finish_non_exhaustive()
    }
}

/// The file in `message` (an image, document, video, voice note or
/// sticker, inside whatever envelope), or `None`.
pub fn received(message: &wa::Message) -> Option<Received<'_>> {
    let base = message.get_base_message();
    let (file, mime, name, file_length): (&dyn Downloadable, _, _, _) =
        if let Some(m) = base.image_message.as_option() {
            (m, m.mimetype.as_deref(), None, m.file_length)
        } else if let Some(m) = base.document_message.as_option() {
            let name = m.file_name.as_deref().or(m.title.as_deref());
            (m, m.mimetype.as_deref(), name, m.file_length)
        } else if let Some(m) = base.video_message.as_option() {
            (m, m.mimetype.as_deref(), None, m.file_length)
        } else if let Some(m) = base.audio_message.as_option() {
            (m, m.mimetype.as_deref(), None, m.file_length)
        } else if let Some(m) = base.sticker_message.as_option() {
            (m, m.mimetype.as_deref(), None, m.file_length)
        } else {
            return None;
        };
    let mime = mime
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .unwrap_or(match file.app_info() {
            MediaType::Image => "image/jpeg",
            MediaType::Video => "video/mp4",
            MediaType::Audio => "audio/ogg",
            MediaType::Sticker => "image/webp",
            _ => "application/octet-stream",
        })
        .to_owned();
    let file_name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        // Only documents carry a name; the rest are named for the inbox.
        .unwrap_or_else(|| format!("{}.{}", default_stem(file.app_info()), extension(&mime)));
    Some(Received {
        file,
        mime,
        file_name,
        file_length,
    })
}

fn default_stem(media_type: MediaType) -> &'static str {
    match media_type {
        MediaType::Image => "photo",
        MediaType::Video => "video",
        MediaType::Audio => "audio",
        MediaType::Sticker => "sticker",
        _ => "file",
    }
}

fn extension(mime: &str) -> &'static str {
    // `audio/ogg; codecs=opus`: the parameters say nothing of the extension.
    match mime.split(';').next().unwrap_or_default().trim() {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "video/mp4" => "mp4",
        "video/3gpp" => "3gp",
        "audio/ogg" => "ogg",
        "audio/mpeg" => "mp3",
        "audio/mp4" | "audio/aac" => "m4a",
        "application/pdf" => "pdf",
        _ => "bin",
    }
}

/// Why a file is not downloaded at all: it says it is over the limit. A
/// file that does not say is downloaded, and cut off at the limit.
pub fn too_big(file_length: Option<u64>) -> Option<String> {
    file_length
        .filter(|&n| n > MAX_MEDIA_BYTES as u64)
        .map(|n| format!("a received file of {n} bytes is over the 16 MiB limit"))
}

/// A download target that refuses to grow past the limit, so that a file
/// whose declared size lies cannot fill the memory.
#[derive(Debug, Default)]
pub struct Capped(Cursor<Vec<u8>>);

impl Capped {
    pub fn into_inner(self) -> Vec<u8> {
        self.0.into_inner()
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.position() as usize + buf.len() > MAX_MEDIA_BYTES {
            return Err(std::io::Error::other("the file is over the 16 MiB limit"));
        }
        self.0.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Seek for Capped {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl DownloadWriter for Capped {
    fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        self.0.get_mut().truncate(len as usize);
        Ok(())
    }
}

/// Downloads the file in `message` and keeps it, or says why not.
/// `Ok(None)`: the message has no file.
pub async fn fetch(
    client: &Client,
    cache: &MediaCache,
    message: &wa::Message,
) -> Result<Option<Attachment>, String> {
    let Some(file) = received(message) else {
        return Ok(None);
    };
    if let Some(why) = too_big(file.file_length) {
        return Err(why);
    }
    let download = client.download_to_writer(file.file, Capped::default());
    let bytes = match tokio::time::timeout(DOWNLOAD_WAIT, download).await {
        Ok(Ok(capped)) => capped.into_inner(),
        Ok(Err(e)) => return Err(format!("downloading {}: {e:#}", file.file_name)),
        Err(_) => return Err(format!("downloading {}: timed out", file.file_name)),
    };
    cache
        .keep(&bytes, &file.file_name, &file.mime)
        .map(Some)
        .map_err(|e| format!("keeping {}: {e}", file.file_name))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn uploaded() -> Uploaded {
        Uploaded {
            url: "https://mmg.whatsapp.net/o1/v/t62/abc".into(),
            direct_path: "/o1/v/t62/abc".into(),
            media_key: vec![1; 32],
            file_enc_sha256: vec![2; 32],
            file_sha256: vec![3; 32],
            file_length: 4096,
            media_key_timestamp: 1_700_000_000,
        }
    }

    fn bytes(file_name: &str, mime: &str) -> MediaBytes {
        MediaBytes {
            file_name: file_name.into(),
            mime: mime.into(),
            bytes: Arc::new(vec![0; 4096]),
        }
    }

    #[test]
    fn images_go_as_images_and_the_rest_as_documents() {
        assert_eq!(upload_type("image/jpeg"), MediaType::Image);
        assert_eq!(upload_type("image/png"), MediaType::Image);
        assert_eq!(upload_type("application/pdf"), MediaType::Document);
        assert_eq!(upload_type("text/plain"), MediaType::Document);
    }

    #[test]
    fn a_photo_is_an_image_message_with_its_caption() {
        let m = outgoing(
            uploaded(),
            "Our terrace",
            &bytes("terrace.png", "image/png"),
        );
        assert!(!m.document_message.is_set());
        let image = m.image_message.as_option().unwrap();
        assert_eq!(image.mimetype.as_deref(), Some("image/png"));
        assert_eq!(image.caption.as_deref(), Some("Our terrace"));
        assert_eq!(
            image.url.as_deref(),
            Some("https://mmg.whatsapp.net/o1/v/t62/abc")
        );
        assert_eq!(image.direct_path.as_deref(), Some("/o1/v/t62/abc"));
        assert_eq!(image.media_key.as_deref(), Some(&[1; 32][..]));
        assert_eq!(image.file_enc_sha256.as_deref(), Some(&[2; 32][..]));
        assert_eq!(image.file_sha256.as_deref(), Some(&[3; 32][..]));
        assert_eq!(image.file_length, Some(4096));
        assert_eq!(image.media_key_timestamp, Some(1_700_000_000));
        // What the customer sees is what the visible text reads back.
        assert_eq!(
            super::super::messages::visible_text(&m).as_deref(),
            Some("Our terrace")
        );
    }

    #[test]
    fn a_pdf_is_a_document_with_its_name_and_caption() {
        let m = outgoing(
            uploaded(),
            "Today's menu",
            &bytes("menu.pdf", "application/pdf"),
        );
        assert!(!m.image_message.is_set());
        let doc = m.document_message.as_option().unwrap();
        assert_eq!(doc.mimetype.as_deref(), Some("application/pdf"));
        assert_eq!(doc.file_name.as_deref(), Some("menu.pdf"));
        assert_eq!(doc.title.as_deref(), Some("menu.pdf"));
        assert_eq!(doc.caption.as_deref(), Some("Today's menu"));
        assert_eq!(doc.direct_path.as_deref(), Some("/o1/v/t62/abc"));
        assert_eq!(doc.media_key.as_deref(), Some(&[1; 32][..]));
        assert_eq!(doc.file_length, Some(4096));
        // No caption: none at all, not an empty one.
        let bare = outgoing(uploaded(), " ", &bytes("menu.pdf", "application/pdf"));
        assert_eq!(bare.document_message.as_option().unwrap().caption, None);
    }

    #[test]
    fn an_inbound_photo_and_document_are_found_with_type_name_and_size() {
        let photo = wa::Message {
            image_message: MessageField::some(wa::message::ImageMessage {
                mimetype: Some("image/jpeg".into()),
                caption: Some("this one?".into()),
                file_length: Some(52_000),
                direct_path: Some("/v/t62/photo".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let found = received(&photo).unwrap();
        assert_eq!(found.mime, "image/jpeg");
        assert_eq!(found.file_name, "photo.jpg");
        assert_eq!(found.file_length, Some(52_000));
        assert_eq!(found.file.app_info(), MediaType::Image);
        assert_eq!(found.file.direct_path(), Some("/v/t62/photo"));

        // A document with a caption comes wrapped; the wrapper is opened.
        let document = wa::Message {
            document_with_caption_message: MessageField::some(wa::message::FutureProofMessage {
                message: MessageField::some(wa::Message {
                    document_message: MessageField::some(wa::message::DocumentMessage {
                        mimetype: Some("application/pdf".into()),
                        file_name: Some("invoice 12.pdf".into()),
                        caption: Some("paid".into()),
                        file_length: Some(180_000),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        };
        let found = received(&document).unwrap();
        assert_eq!(found.mime, "application/pdf");
        assert_eq!(found.file_name, "invoice 12.pdf");
        assert_eq!(found.file_length, Some(180_000));
        assert_eq!(found.file.app_info(), MediaType::Document);
    }

    #[test]
    fn other_files_get_a_type_and_a_name_and_texts_have_no_file() {
        let voice = wa::Message {
            ephemeral_message: MessageField::some(wa::message::FutureProofMessage {
                message: MessageField::some(wa::Message {
                    audio_message: MessageField::some(wa::message::AudioMessage {
                        mimetype: Some("audio/ogg; codecs=opus".into()),
                        ptt: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        };
        let found = received(&voice).unwrap();
        assert_eq!(found.mime, "audio/ogg; codecs=opus");
        assert_eq!(found.file_name, "audio.ogg");
        assert_eq!(found.file_length, None);
        let unnamed = wa::Message {
            document_message: MessageField::some(Default::default()),
            ..Default::default()
        };
        let found = received(&unnamed).unwrap();
        assert_eq!(found.mime, "application/octet-stream");
        assert_eq!(found.file_name, "file.bin");
        let sticker = wa::Message {
            sticker_message: MessageField::some(Default::default()),
            ..Default::default()
        };
        assert_eq!(received(&sticker).unwrap().file_name, "sticker.webp");
        let text = wa::Message {
            conversation: Some("oi".into()),
            ..Default::default()
        };
        assert!(received(&text).is_none());
    }

    #[test]
    fn files_over_16_mib_are_refused_before_and_while_downloading() {
        let max = MAX_MEDIA_BYTES as u64;
        assert_eq!(too_big(None), None);
        assert_eq!(too_big(Some(max)), None);
        let why = too_big(Some(max + 1)).unwrap();
        assert!(why.contains("16 MiB"), "{why}");

        let mut capped = Capped::default();
        capped.write_all(&vec![7; MAX_MEDIA_BYTES]).unwrap();
        assert!(capped.write_all(&[7]).is_err());
        // A retry starts over from an emptied target.
        DownloadWriter::truncate(&mut capped, 0).unwrap();
        capped.rewind().unwrap();
        capped.write_all(b"%PDF").unwrap();
        assert_eq!(capped.into_inner(), b"%PDF");
    }
}
