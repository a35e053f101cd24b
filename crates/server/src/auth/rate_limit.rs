//! Login throttling: failed attempts are counted per account and per client
//! address in a fixed window; past the limit, logins answer 429 with
//! Retry-After. Kept in memory: each replica throttles on its own, which
//! still bounds guessing to a small multiple of the limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginLimiter {
    window: Duration,
    per_account: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> Self {
        Self {
            window,
            per_account,
            per_address,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when either key is over its limit.
    pub fn check(&self, account: &str, address: &str) -> Result<(), u64> {
        let now = Instant::now();
        let failures = self.failures.lock().expect("limiter lock");
        let wait = |key: String, limit: u32| -> Option<u64> {
            let (start, count) = failures.get(&key)?;
            let elapsed = now.duration_since(*start);
            (elapsed < self.window && *count >= limit)
                .then(|| (self.window - elapsed).as_secs().max(1))
        };
        match wait(format!("account:{account}"), self.per_account)
            .or_else(|| wait(format!("address:{address}"), self.per_address))
        {
            Some(seconds) => Err(seconds),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str, address: &str) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("limiter lock");
        // Forget expired windows so the map does not grow without bound.
        if failures.len() > 10_000 {
            failures.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        for key in [format!("account:{account}"), format!("address:{address}")] {
            let entry = failures.entry(key).or_insert((now, 0));
            if now.duration_since(entry.0) >= self.window {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
    }

    pub fn record_success(&self, account: &str) {
        self.failures
            .lock()
            .expect("limiter lock")
            .remove(&format!("account:{account}"));
    }
}

impl Default for LoginLimiter {
    /// 5 failures per account, 20 per address, in 15 minutes.
    fn default() -> Self {
        Self::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_throttled_after_its_limit() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            assert!(limiter.check("ann@x.com", "1.1.1.1").is_ok());
            limiter.record_failure("ann@x.com", "1.1.1.1");
        }
        let wait = limiter.check("ann@x.com", "2.2.2.2").unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check("bob@x.com", "1.1.1.1").is_ok());
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 2);
        limiter.record_failure("a@x.com", "9.9.9.9");
        limiter.record_failure("b@x.com", "9.9.9.9");
        assert!(limiter.check("c@x.com", "9.9.9.9").is_err());
        assert!(limiter.check("c@x.com", "8.8.8.8").is_ok());
    }

    #[test]
    fn windows_expire() {
        let limiter = LoginLimiter::new(Duration::from_millis(20), 1, 100);
        limiter.record_failure("a@x.com", "1.1.1.1");
        assert!(limiter.check("a@x.com", "1.1.1.1").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.check("a@x.com", "1.1.1.1").is_ok());
    }
}
