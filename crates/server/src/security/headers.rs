//! Security headers on every response the router makes: pages, API
//! answers, static files and errors alike.
//!
//! The pages load one stylesheet and one script from `/static/` and use no
//! inline script, inline style or event-handler attribute (the templates
//! keep their styling in `app.css`), so the policy allows nothing but this
//! origin's own files. Without `frame-ancestors 'none'` (and
//! `X-Frame-Options` for older browsers) another site could frame the
//! console and trick an operator into clicking Approve or Delete.

use axum::http::{HeaderName, HeaderValue, header};
use tower::ServiceBuilder;
use tower::layer::util::{Identity, Stack};
use tower_http::set_header::SetResponseHeaderLayer;

/// The Content-Security-Policy of every response. The QR code is inline SVG
/// markup, which fetches nothing, so images need no exception either.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const HEADERS: [(HeaderName, &str); 4] = [
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
];

type One = SetResponseHeaderLayer<HeaderValue>;
type Four = ServiceBuilder<Stack<One, Stack<One, Stack<One, Stack<One, Identity>>>>>;

/// The layers that set them; a handler that sets one itself keeps its own.
pub fn layer() -> Four {
    let [a, b, c, d] = HEADERS.map(|(name, value)| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    });
    ServiceBuilder::new().layer(a).layer(b).layer(c).layer(d)
}
