use std::sync::Arc;

use flowhq_store::Store;

use crate::auth::rate_limit::LoginLimiter;
use crate::config::Settings;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<Settings>,
    pub login_limiter: Arc<LoginLimiter>,
}
