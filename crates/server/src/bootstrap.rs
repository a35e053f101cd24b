//! First-start admin: from `FLOWHQ_ADMIN_EMAIL`/`FLOWHQ_ADMIN_PASSWORD`, or,
//! with neither set and no admin yet, `admin@localhost` with a random
//! password printed once.

use anyhow::{Context, bail};
use flowhq_domain::Role;
use flowhq_domain::values::{Email, Name};
use flowhq_store::Store;
use flowhq_store::users::NewUser;
use rand::Rng;
use rand::distributions::Alphanumeric;

use crate::auth::{Secret, password, password_policy};
use crate::config::Settings;

pub async fn ensure_admin(store: &Store, settings: &Settings) -> anyhow::Result<()> {
    match (&settings.admin_email, &settings.admin_password) {
        (Some(email), Some(password)) => {
            let email =
                Email::parse(email).map_err(|e| anyhow::anyhow!("FLOWHQ_ADMIN_EMAIL {}", e.0))?;
            if store.user_by_email(&email).await?.is_none() {
                create_admin(store, email.clone(), password.clone()).await?;
                tracing::info!(email = %email, "created the bootstrap admin");
            }
        }
        (None, None) => {
            if store.count_admins().await? == 0 {
                let generated: String = rand::thread_rng()
                    .sample_iter(&Alphanumeric)
                    .take(20)
                    .map(char::from)
                    .collect();
                let email = Email::parse("admin@localhost").expect("valid literal");
                create_admin(store, email.clone(), Secret::new(generated.clone())).await?;
                // Printed once, on purpose not through the log.
                println!(
                    "Created the first admin.\n  email:    {email}\n  password: {generated}\n\
                     Keep it now: it is not shown again (flowhq admin create makes more admins)."
                );
            }
        }
        _ => bail!("set both FLOWHQ_ADMIN_EMAIL and FLOWHQ_ADMIN_PASSWORD, or neither"),
    }
    Ok(())
}

/// Creates an admin; the password must pass the same policy as an owner's.
pub async fn create_admin(store: &Store, email: Email, password: Secret) -> anyhow::Result<()> {
    if let Err(refused) = password_policy::check(password.expose(), email.as_str()) {
        bail!("the admin {refused}");
    }
    let password_hash = password::hash(password).await?;
    store
        .create_user(&NewUser {
            tenant_id: None,
            name: Name::parse("Administrator").expect("valid literal"),
            email,
            phone: None,
            role: Role::Admin,
            password_hash,
        })
        .await
        .context("creating the admin")?;
    Ok(())
}
