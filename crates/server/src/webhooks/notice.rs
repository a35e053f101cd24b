//! Tells an endpoint's owner that it was disabled for failing for days.

use flowhq_store::webhooks::Owner;
use uuid::Uuid;

use crate::mail::{compose, language_for, new_mail};
use crate::state::AppState;

pub async fn endpoint_disabled(state: &AppState, endpoint: Uuid) {
    if let Err(e) = tell(state, endpoint).await {
        tracing::error!(%endpoint, error = %e, "telling about a disabled webhook endpoint");
    }
}

async fn tell(state: &AppState, endpoint: Uuid) -> anyhow::Result<()> {
    let store = &state.store;
    let owner = store.webhook_endpoint_owner(endpoint).await?;
    let url = store.webhook_endpoint(owner, endpoint).await?.url;
    let (people, path) = match owner {
        Owner::Tenant(tenant) => (store.tenant_owners(tenant).await?, "/app/webhooks"),
        Owner::Operator => (
            store
                .list_admins()
                .await?
                .into_iter()
                .map(|(u, _)| u)
                .collect(),
            "/admin/webhooks",
        ),
    };
    tracing::warn!(%endpoint, recipients = people.len(), "webhook endpoint disabled after failing for days");
    let link = state.mail.link(path);
    for user in people {
        let language = language_for(store, &user).await;
        let composed = compose::webhook_disabled(language, user.name.as_str(), &url, &link);
        let mail = new_mail(
            user.email.as_str(),
            "webhook_disabled",
            composed,
            Some(format!("webhook_disabled:{endpoint}:{}", user.id)),
        );
        store.enqueue_mail(&mail).await?;
    }
    state.mail.wake();
    Ok(())
}
