//! The SSRF guard: webhook URLs are typed by tenants, so without it a
//! tenant could make the control plane post to its own admin port, the
//! cloud's metadata service or anything else on the private network.
//!
//! Addresses are checked after resolution, inside the HTTP client's
//! resolver, so that a name which resolves to a private address (or is
//! re-pointed there after the URL was saved) is refused too; literal IPs,
//! which skip the resolver, are checked before the request.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether a webhook may be sent to `ip` when private addresses are not
/// allowed: public unicast addresses only.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // 100.64.0.0/10, carrier-grade NAT; 0.0.0.0/8; 192.0.0.0/24.
                || (a == 100 && (64..128).contains(&b))
                || a == 0
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                // 198.18.0.0/15 benchmarking; 240.0.0.0/4 reserved.
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // 2001:db8::/32 documentation.
                || (first == 0x2001 && v6.segments()[1] == 0x0db8))
        }
    }
}

/// A resolver that drops non-public addresses and fails when none is left.
#[derive(Clone, Debug, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(Box::new(Refused(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

impl PublicOnly {
    pub fn shared() -> Arc<Self> {
        Arc::new(Self)
    }
}

/// The refusal, as the delivery log shows it.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0} is a private, loopback or link-local address; set FLOWHQ_WEBHOOK_ALLOW_PRIVATE=true to allow it"
)]
pub struct Refused(pub String);

/// Checks a URL whose host is a literal IP (the resolver never sees it).
pub fn check_literal(url: &reqwest::Url) -> Result<(), Refused> {
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(Refused(ip.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_link_local_addresses_are_refused() {
        for blocked in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(blocked.parse().unwrap()), "{blocked}");
        }
        for open in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(open.parse().unwrap()), "{open}");
        }
        let url = reqwest::Url::parse("http://169.254.169.254/latest").unwrap();
        assert!(check_literal(&url).is_err());
        let url = reqwest::Url::parse("https://hooks.example.com/").unwrap();
        assert!(check_literal(&url).is_ok());
    }
}
