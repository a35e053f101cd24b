//! Owner sign-up, log-in and log-out. (An admin may log in here too: the
//! session is the same kind, and its role decides what it opens.)

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use flowhq_domain::entities::User;
use flowhq_domain::values::{Email, Name, PhoneNumber};
use flowhq_domain::{Language, Role};
use flowhq_store::tenants::{ConfigInput, NewTenant, TenantDetail};
use flowhq_store::users::NewUser;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::openapi::responses::{BodyErrors, Throttled};
use crate::auth::{Secret, password, password_policy, session};
use crate::error::{AppError, AppResult, ErrorBody, FieldContext};
use crate::extract::{ClientAddress, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    /// The owner's name.
    pub name: String,
    pub email: String,
    /// 10 or more visible characters, no control characters, not the
    /// email, and hard to guess (zxcvbn score 3 or more); a 422 says why.
    #[schema(format = Password)]
    pub password: String,
    /// The business's WhatsApp number, E.164 (`+5511912345678`).
    pub phone: String,
    /// The business's name; the owner's name when absent.
    pub business_name: Option<String>,
    /// The business's language (`EN`, `ES`, `PT`): its bot's, and its
    /// owner's pages' until they choose one. English when absent; the
    /// setup request may change it.
    #[serde(default)]
    pub language: Option<Language>,
}

impl SignupBody {
    /// Every field's refusal at once, `(field, message)`, checking each on
    /// its own: what a form shows beside its fields. The API answers the
    /// first (`create_owner`); whether the email is taken is not checked here.
    pub async fn refusals(&self) -> Vec<(&'static str, String)> {
        let mut refusals = Vec::new();
        let mut check = |field: &'static str, result: AppResult<()>| {
            if let Err(AppError::Invalid { message, .. }) = result {
                refusals.push((field, message));
            }
        };
        check("name", Name::parse(&self.name).field("name").map(drop));
        if let Some(business) = self
            .business_name
            .as_deref()
            .filter(|b| !b.trim().is_empty())
        {
            check(
                "business_name",
                Name::parse(business).field("business_name").map(drop),
            );
        }
        check("email", Email::parse(&self.email).field("email").map(drop));
        check(
            "phone",
            PhoneNumber::parse(&self.phone).field("phone").map(drop),
        );
        let (candidate, account) = (self.password.clone(), self.email.trim().to_lowercase());
        let policy =
            tokio::task::spawn_blocking(move || password_policy::check(&candidate, &account))
                .await
                .unwrap_or_else(|e| Err(AppError::Internal(e.into())));
        check("password", policy);
        refusals
    }
}

/// Creates an owner and their tenant (NEW) in one transaction. Shared by the
/// API and the sign-up page.
pub async fn create_owner(
    state: &AppState,
    body: SignupBody,
) -> AppResult<(User, flowhq_store::tenants::TenantDetail)> {
    let name = Name::parse(&body.name).field("name")?;
    let email = Email::parse(&body.email).field("email")?;
    let phone = PhoneNumber::parse(&body.phone).field("phone")?;
    let business = match body
        .business_name
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty())
    {
        Some(b) => Name::parse(b).field("business_name")?,
        None => name.clone(),
    };
    // zxcvbn takes up to tens of milliseconds on a long password: off the
    // async runtime.
    let (candidate, account) = (body.password.clone(), email.as_str().to_owned());
    tokio::task::spawn_blocking(move || password_policy::check(&candidate, &account))
        .await
        .map_err(anyhow::Error::new)??;
    if state.store.user_by_email(&email).await?.is_some() {
        return Err(AppError::conflict(format!("{email} is already registered")));
    }
    let password_hash = password::hash(Secret::new(body.password)).await?;

    let mut tx = state.store.begin().await?;
    let tenant_id = state
        .store
        .create_tenant_in(
            &mut tx,
            &NewTenant {
                config: ConfigInput {
                    language: body.language.unwrap_or(Language::En),
                    ..ConfigInput::default_for(&business)
                },
                name: business,
                phone_number: phone.clone(),
            },
        )
        .await?;
    let user = state
        .store
        .create_user_in(
            &mut tx,
            &NewUser {
                tenant_id: Some(tenant_id),
                name,
                email,
                phone: Some(phone),
                role: Role::Owner,
                password_hash,
            },
        )
        .await?;
    let detail = state.store.tenant_detail_in(&mut tx, tenant_id).await?;
    // The tenant was made just now in the language of the sign-up (English
    // unless said) until its setup says otherwise.
    let language = detail.config.language;
    super::email_verification::queue_link_in(state, &mut tx, &user, language).await?;
    tx.commit().await.map_err(flowhq_store::StoreError::from)?;
    state.mail.wake();
    tracing::info!(tenant_id = %tenant_id, user_id = %user.id, "owner signed up");
    Ok((user, detail))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedUp {
    pub user: User,
    pub tenant: TenantDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoggedIn {
    pub user: User,
}

#[utoipa::path(
    post,
    path = "/signup",
    operation_id = "sign_up",
    request_body = SignupBody,
    responses(
        (status = 201, description = "The owner and their new tenant (NEW); logged in", body = SignedUp, headers(("Set-Cookie" = String, description = "The session cookie, flowhq_session"))),
        BodyErrors,
        (status = 409, description = "The email is already registered (`conflict`)", body = ErrorBody),
    )
)]
#[tracing::instrument(skip_all)]
async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<SignupBody>,
) -> AppResult<Response> {
    let (user, detail) = create_owner(&state, body).await?;
    let cookie = session::start(&state, &headers, &user).await?;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(SignedUp {
            user,
            tenant: detail,
        }),
    )
        .into_response();
    session::set_cookie(response.headers_mut(), cookie);
    Ok(response)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

/// Checks credentials with throttling and without telling which part was
/// wrong: an unknown email costs the same argon2 work as a wrong password.
/// The attempt is reserved with the limiter before any of that work, so
/// concurrent attempts cannot all slip past the limit.
pub async fn authenticate(state: &AppState, body: LoginBody, address: &str) -> AppResult<User> {
    let account = body.email.trim().to_lowercase();
    let attempt = state
        .login_limiter
        .reserve(&account, address)
        .map_err(|retry_after_s| {
            tracing::warn!(address, "login throttled");
            AppError::TooManyRequests { retry_after_s }
        })?;
    let user = match Email::parse(&body.email) {
        Ok(email) => state.store.user_by_email(&email).await?,
        Err(_) => None,
    };
    let hash = user.as_ref().map_or_else(
        || password::dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let matches = password::verify(Secret::new(body.password), hash).await?;
    match user {
        Some(user) if matches => {
            attempt.succeeded();
            Ok(user)
        }
        // Dropping the attempt counts the failure.
        _ => Err(AppError::InvalidCredentials),
    }
}

#[utoipa::path(
    post,
    path = "/login",
    operation_id = "log_in",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in (an owner or an admin)", body = LoggedIn, headers(("Set-Cookie" = String, description = "The session cookie, flowhq_session"))),
        BodyErrors,
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = ErrorBody),
        Throttled,
    )
)]
#[tracing::instrument(skip_all)]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(body): Json<LoginBody>,
) -> AppResult<Response> {
    let user = authenticate(&state, body, &address).await?;
    let cookie = session::start(&state, &headers, &user).await?;
    let mut response = axum::Json(LoggedIn { user }).into_response();
    session::set_cookie(response.headers_mut(), cookie);
    Ok(response)
}

#[utoipa::path(
    post,
    path = "/logout",
    operation_id = "log_out",
    responses(
        (status = 204, description = "Logged out; the session cookie is cleared", headers(("Set-Cookie" = String, description = "Clears flowhq_session"))),
    )
)]
#[tracing::instrument(skip_all)]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> AppResult<Response> {
    let cookie = session::end(&state, &headers).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    session::set_cookie(response.headers_mut(), cookie);
    Ok(response)
}
