//! The `menu` and `facts` of a config PATCH (owner's and operator's): the
//! menu as clients write it, with new attachments as base64 and kept ones
//! as read back, checked whole before any file is stored.

use base64::Engine as _;
use flowhq_domain::TenantId;
use flowhq_domain::bot::{MAX_ITEMS, MAX_SUB_ITEMS, MenuItem, check_menu};
use flowhq_domain::facts::Facts;
use flowhq_domain::media::{self, Attachment, MAX_MEDIA_BYTES};
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};
use crate::media::MediaError;
use crate::state::AppState;

/// The largest config body: a menu with a 16 MiB file in base64 (4/3 of
/// it) and the rest of the settings.
pub const MAX_MENU_BODY_BYTES: usize = MAX_MEDIA_BYTES / 3 * 4 + 2 * 1024 * 1024;

/// `#[serde(deserialize_with)]` for a field where `null` means something
/// (back to the template's menu): present-and-null is `Some(Null)`, absent
/// stays `None` through `#[serde(default)]`.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// A menu item as a PATCH writes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MenuItemBody {
    /// Kept from the menu as read; a new item may leave it out and gets one
    /// from its label.
    pub id: Option<String>,
    pub label: String,
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub attachment: Option<AttachmentBody>,
    /// Sub-items, same shape, no deeper.
    #[serde(default)]
    #[schema(no_recursion)]
    pub items: Vec<MenuItemBody>,
}

/// A new file (`data_base64`), or one the menu has already (`sha256`, as
/// read back).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentBody {
    pub file_name: String,
    pub mime: Option<String>,
    pub data_base64: Option<String>,
    pub sha256: Option<String>,
    /// As read back; ignored.
    pub size: Option<u64>,
}

/// A file of the new menu, decoded and checked, not stored yet.
struct Pending {
    field: String,
    file_name: String,
    mime: Option<String>,
    bytes: Vec<u8>,
}

/// `facts` of a PATCH: the whole set, replacing the one before.
pub fn parse_facts(value: serde_json::Value, prefix: &str) -> AppResult<Facts> {
    let facts: Facts = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = format!("{prefix}facts{}", path_suffix(&e.path().to_string()));
        AppError::invalid(field.clone(), format!("{field}: {}", e.into_inner()))
    })?;
    facts.parse().map_err(|errors| {
        let field = format!("{prefix}facts.{}", errors[0].field);
        let message = errors
            .iter()
            .map(|e| format!("{prefix}facts.{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        AppError::invalid(field, message)
    })
}

/// Whether [`parse_menu`] keeps the menu's new files (a PATCH) or only
/// checks them (a preview of unsaved settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    Store,
    CheckOnly,
}

/// `menu` of a PATCH for `tenant`: `null` is the template's menu again
/// (`Ok(None)`); a list is checked whole (every problem in the message,
/// the first one's field named), then its new files are stored.
pub async fn parse_menu(
    state: &AppState,
    tenant: TenantId,
    value: serde_json::Value,
    prefix: &str,
    files: Files,
) -> AppResult<Option<Vec<MenuItem>>> {
    if value.is_null() {
        return Ok(None);
    }
    let field = |path: &str| format!("{prefix}menu{}", path_suffix(path));
    let bodies: Vec<MenuItemBody> = serde_path_to_error::deserialize(value).map_err(|e| {
        let field = field(&e.path().to_string());
        AppError::invalid(field.clone(), format!("{field}: {}", e.into_inner()))
    })?;
    // Before decoding any file: a menu refused for its size costs no work.
    if bodies.len() > MAX_ITEMS {
        let field = field("");
        return Err(AppError::invalid(
            field.clone(),
            format!("{field}: has {} items; at most {MAX_ITEMS}", bodies.len()),
        ));
    }
    if let Some(index) = bodies.iter().position(|b| b.items.len() > MAX_SUB_ITEMS) {
        let field = field(&format!("[{index}].items"));
        return Err(AppError::invalid(
            field.clone(),
            format!("{field}: at most {MAX_SUB_ITEMS} sub-items"),
        ));
    }

    let mut pending = Vec::new();
    let mut ids = Ids::default();
    for body in bodies.iter().chain(bodies.iter().flat_map(|b| &b.items)) {
        if let Some(id) = &body.id {
            ids.0.insert(id.clone());
        }
    }
    let mut items = Vec::with_capacity(bodies.len());
    for (i, body) in bodies.into_iter().enumerate() {
        let path = format!("[{i}]");
        items.push(item(state, tenant, body, &path, prefix, &mut ids, &mut pending).await?);
    }
    check_menu(&items).map_err(|e| menu_error(e, prefix))?;

    if files == Files::CheckOnly {
        return Ok(Some(items));
    }
    for file in pending {
        state
            .media
            .store(
                &state.store,
                tenant,
                &file.file_name,
                file.mime.as_deref(),
                file.bytes,
            )
            .await
            .map_err(|e| media_error(e, &file.field))?;
    }
    Ok(Some(items))
}

async fn item(
    state: &AppState,
    tenant: TenantId,
    body: MenuItemBody,
    path: &str,
    prefix: &str,
    ids: &mut Ids,
    pending: &mut Vec<Pending>,
) -> AppResult<MenuItem> {
    let field = |rest: &str| format!("{prefix}menu{path}{rest}");
    let attachment = match body.attachment {
        None => None,
        Some(attachment) => {
            let field = field(".attachment");
            Some(match (attachment.data_base64, attachment.sha256) {
                (Some(data), _) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(data.trim())
                        .map_err(|_| media_error(MediaError::NotBase64, &field))?;
                    let mime = media::sniff(&bytes)
                        .map_err(|e| media_error(MediaError::Invalid(e), &field))?;
                    let found = Attachment {
                        file_name: media::clean_file_name(&attachment.file_name, mime),
                        mime: mime.to_owned(),
                        size: bytes.len() as u64,
                        sha256: hex::encode(Sha256::digest(&bytes)),
                    };
                    pending.push(Pending {
                        field,
                        file_name: attachment.file_name,
                        mime: attachment.mime,
                        bytes,
                    });
                    found
                }
                (None, Some(sha256)) => {
                    let sha256 = sha256.to_ascii_lowercase();
                    let file = state
                        .store
                        .media_file(tenant, &sha256)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid(
                                field.clone(),
                                format!(
                                    "{field}: this business has no file {sha256}; send the file \
                                     as data_base64"
                                ),
                            )
                        })?;
                    Attachment {
                        file_name: media::clean_file_name(&attachment.file_name, &file.mime),
                        mime: file.mime,
                        size: file.size,
                        sha256,
                    }
                }
                (None, None) => {
                    return Err(AppError::invalid(
                        field.clone(),
                        format!("{field}: give the file as data_base64 (or keep one by sha256)"),
                    ));
                }
            })
        }
    };
    let mut sub_items = Vec::with_capacity(body.items.len());
    for (j, sub) in body.items.into_iter().enumerate() {
        let sub_path = format!("{path}.items[{j}]");
        sub_items.push(Box::pin(item(state, tenant, sub, &sub_path, prefix, ids, pending)).await?);
    }
    Ok(MenuItem {
        id: body.id.unwrap_or_else(|| ids.for_label(&body.label)),
        label: body.label.trim().to_owned(),
        answer: body.answer.trim().to_owned(),
        keywords: body.keywords.iter().map(|k| k.trim().to_owned()).collect(),
        attachment,
        items: sub_items,
    })
}

/// Ids for new items: their label in lower case, made unique.
#[derive(Default)]
struct Ids(std::collections::HashSet<String>);

impl Ids {
    fn for_label(&mut self, label: &str) -> String {
        let base = flowhq_domain::bot::slug(label);
        let base = if base.is_empty() {
            "item".to_owned()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while !self.0.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// serde_path_to_error's path (`[2].label`, or `.` for the whole value) as
/// a suffix of the field's name.
fn path_suffix(path: &str) -> String {
    match path {
        "" | "." => String::new(),
        path if path.starts_with('[') => path.to_owned(),
        path => format!(".{path}"),
    }
}

fn menu_error(errors: Vec<flowhq_domain::bot::InvalidMenu>, prefix: &str) -> AppError {
    let message = errors
        .iter()
        .map(|e| format!("{prefix}{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ");
    AppError::invalid(format!("{prefix}{}", errors[0].field), message)
}

/// A file that was refused, named by its field; a failure to store it is
/// the server's.
pub fn media_error(e: MediaError, field: &str) -> AppError {
    match e {
        MediaError::Store(e) => e.into(),
        MediaError::Io(e) => AppError::Internal(e.into()),
        e => AppError::invalid(field, format!("{field}: {e}")),
    }
}
