//! Who may open a page. The console is for admins, the portal for owners;
//! the two roles never share pages. Anonymous visitors are sent to the login
//! page and brought back afterwards.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use flowhq_domain::entities::User;
use flowhq_domain::{Language, Role};
use flowhq_store::web_sessions::WebSession;

use crate::auth::{Actor, Admin, Member, Owner, session};
use crate::error::AppError;
use crate::i18n::{self, negotiate};
use crate::pages::{Chrome, NavUser, PageError};
use crate::state::AppState;

/// The logged-in session's CSRF token, left in the request's extensions by
/// a guard for [`super::csrf::CsrfForm`] to check against.
#[derive(Clone, Debug)]
pub struct SessionToken(pub String);

async fn logged_in(parts: &mut Parts, state: &AppState) -> Result<WebSession, PageError> {
    // The URI as the client sent it: a nested router (`/admin`, `/app`)
    // sees its own part only.
    let uri = parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    let next = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned());
    // Posts go back to the page they came from, not to the action.
    let next = if parts.method == axum::http::Method::GET {
        next
    } else {
        page_of_referer(&parts.headers).unwrap_or_else(|| "/".to_owned())
    };
    let expired = session::token_from(&parts.headers).is_some();
    let session = session::current(state, &parts.headers)
        .await?
        .ok_or(PageError::Login { next, expired })?;
    parts
        .extensions
        .insert(SessionToken(session.csrf_token.clone()));
    i18n::set_current(language_of(state, &parts.headers, &session.user).await?);
    Ok(session)
}

/// The pages' language for someone logged in: their saved choice, else the
/// switcher's cookie, else (for an owner) their business's language, else
/// the browser's.
async fn language_of(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    user: &User,
) -> Result<Language, PageError> {
    if let Some(language) = user.language.or_else(|| negotiate::from_cookie(headers)) {
        return Ok(language);
    }
    if let (Role::Owner | Role::Staff, Some(tenant)) = (user.role, user.tenant_id) {
        match state.store.tenant_language(tenant).await {
            Ok(language) => return Ok(language),
            Err(flowhq_store::StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(negotiate::from_accept_language(headers).unwrap_or(Language::En))
}

fn chrome_for(session: &WebSession, section: &'static str) -> Chrome {
    Chrome {
        tr: i18n::current(),
        here: i18n::current_path(),
        user: Some(NavUser {
            name: session.user.name.to_string(),
            email: session.user.email.to_string(),
            is_admin: session.user.role == Role::Admin,
            is_staff: session.user.role == Role::Staff,
        }),
        csrf_token: session.csrf_token.clone(),
        section,
    }
}

/// An admin's page.
pub struct AdminPage {
    pub admin: Admin,
    pub user: User,
    pub chrome: Chrome,
}

impl AdminPage {
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome {
            section,
            ..self.chrome.clone()
        }
    }
}

impl FromRequestParts<AppState> for AdminPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = logged_in(parts, state).await?;
        if session.user.role != Role::Admin {
            return Err(AppError::Forbidden("the console is for Flow HQ's operators").into());
        }
        Ok(AdminPage {
            admin: Admin {
                actor: Actor(format!("admin:{}", session.user.email)),
                user_id: Some(session.user.id),
            },
            chrome: chrome_for(&session, ""),
            user: session.user,
        })
    }
}

/// A business owner's page, for their own tenant only (an admin gets a 403:
/// the roles do not share pages).
pub struct OwnerPage {
    pub owner: Owner,
    pub chrome: Chrome,
}

impl OwnerPage {
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome {
            section,
            ..self.chrome.clone()
        }
    }
}

impl FromRequestParts<AppState> for OwnerPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let MemberPage { member, chrome } = MemberPage::from_request_parts(parts, state).await?;
        if member.user.role != Role::Owner {
            return Err(AppError::Forbidden(
                "settings, keys and staff are the owner's; staff use the inbox",
            )
            .into());
        }
        Ok(OwnerPage {
            chrome,
            owner: Owner {
                user: member.user,
                tenant_id: member.tenant_id,
            },
        })
    }
}

/// A page of the business's inbox, for its owner or staff.
pub struct MemberPage {
    pub member: Member,
    pub chrome: Chrome,
}

impl MemberPage {
    pub fn chrome(&self, section: &'static str) -> Chrome {
        Chrome {
            section,
            ..self.chrome.clone()
        }
    }

    /// Whether the owner-only parts of a shared page are shown.
    pub fn is_owner(&self) -> bool {
        self.member.user.role == Role::Owner
    }
}

impl From<OwnerPage> for MemberPage {
    fn from(page: OwnerPage) -> Self {
        MemberPage {
            member: Member {
                user: page.owner.user,
                tenant_id: page.owner.tenant_id,
            },
            chrome: page.chrome,
        }
    }
}

impl FromRequestParts<AppState> for MemberPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = logged_in(parts, state).await?;
        if !matches!(session.user.role, Role::Owner | Role::Staff) {
            return Err(AppError::Forbidden("the portal is for business owners").into());
        }
        let tenant_id = session.user.tenant_id.ok_or(AppError::NotFound("tenant"))?;
        Ok(MemberPage {
            chrome: chrome_for(&session, ""),
            member: Member {
                user: session.user,
                tenant_id,
            },
        })
    }
}

/// Whoever is logged in, if anyone.
pub struct MaybeUser(pub Option<WebSession>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let session = session::current(state, &parts.headers).await?;
        if let Some(s) = &session {
            parts.extensions.insert(SessionToken(s.csrf_token.clone()));
        }
        Ok(MaybeUser(session))
    }
}

/// Where a user lands after logging in.
pub fn home_for(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin",
        Role::Owner => "/app",
        Role::Staff => "/app/inbox",
    }
}

/// The path (and query) of the page a form was sent from, when the
/// `Referer` is one of ours; the login's `next` check refuses anything else.
pub(crate) fn page_of_referer(headers: &axum::http::HeaderMap) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let uri: axum::http::Uri = referer.parse().ok()?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    if uri.authority()?.as_str() != host {
        return None;
    }
    let path = uri.path_and_query()?.as_str();
    crate::pages::auth::safe_next(path).map(str::to_owned)
}
