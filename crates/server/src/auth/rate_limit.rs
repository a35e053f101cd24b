//! Login throttling. Each attempt is counted under three keys, in a fixed
//! window each:
//!
//! - the (account, address) pair, the tight limit (5): a guesser at one
//!   address gets that many tries at an account;
//! - the account across all addresses, a much higher ceiling (100): many
//!   addresses together still cannot guess for long, yet one attacker's
//!   failures do not lock the owner out from the owner's own address;
//! - the address across accounts (20): one address cannot spray a password
//!   over many accounts.
//!
//! An attempt is *reserved* under the same lock as the check, before the
//! argon2 work, and settled after it: a failure keeps its count, a success
//! gives its reservation back and forgives the pair's earlier failures. So
//! attempts that arrive at once cannot all pass the check before any
//! failure is counted, and at most `per_pair` wrong passwords are ever
//! evaluated for a pair in a window.
//!
//! Kept in memory: each replica throttles on its own, which still bounds
//! guessing to a small multiple of the limits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, String),
    Account(String),
    Address(String),
}

/// One key's window: failures settled in it, and attempts still being
/// evaluated (which count as failures until they are settled).
#[derive(Clone, Copy, Debug)]
struct Window {
    start: Instant,
    failures: u32,
    in_flight: u32,
}

impl Window {
    fn used(&self) -> u32 {
        self.failures + self.in_flight
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub window: Duration,
    pub per_pair: u32,
    pub per_account: u32,
    pub per_address: u32,
}

impl Default for Limits {
    /// In 15 minutes: 5 failures per account and address, 100 per account
    /// from all addresses together, 20 per address over all accounts.
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            per_pair: 5,
            per_account: 100,
            per_address: 20,
        }
    }
}

pub struct LoginLimiter {
    limits: Limits,
    windows: Mutex<HashMap<Key, Window>>,
}

/// A reserved login attempt. It counts as a failure unless
/// [`Attempt::succeeded`] is called: an attempt abandoned half-way (an
/// error, a dropped request) is treated like a wrong password, so that no
/// path evaluates a password without it counting.
#[must_use = "an attempt counts as a failure unless it is settled as a success"]
pub struct Attempt {
    limiter: Arc<LoginLimiter>,
    keys: [Key; 3],
    settled: bool,
}

impl LoginLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn keys(account: &str, address: &str) -> [Key; 3] {
        [
            Key::Pair(account.to_owned(), address.to_owned()),
            Key::Account(account.to_owned()),
            Key::Address(address.to_owned()),
        ]
    }

    fn limit(&self, key: &Key) -> u32 {
        match key {
            Key::Pair(..) => self.limits.per_pair,
            Key::Account(_) => self.limits.per_account,
            Key::Address(_) => self.limits.per_address,
        }
    }

    /// Reserves an attempt for `account` from `address`, or `Err(seconds to
    /// wait)` when any of its keys is at its limit (reservations in flight
    /// included).
    pub fn reserve(self: &Arc<Self>, account: &str, address: &str) -> Result<Attempt, u64> {
        let now = Instant::now();
        let window = self.limits.window;
        let keys = Self::keys(account, address);
        let mut windows = self.windows.lock().expect("limiter lock");
        // Forget expired windows so the map does not grow without bound.
        if windows.len() > 10_000 {
            windows.retain(|_, w| w.in_flight > 0 || now.duration_since(w.start) < window);
        }
        let wait = keys
            .iter()
            .filter_map(|key| {
                let w = windows.get(key)?;
                let elapsed = now.duration_since(w.start);
                (elapsed < window && w.used() >= self.limit(key))
                    .then(|| (window - elapsed).as_secs().max(1))
            })
            .max();
        if let Some(seconds) = wait {
            return Err(seconds);
        }
        for key in &keys {
            let w = windows.entry(key.clone()).or_insert(Window {
                start: now,
                failures: 0,
                in_flight: 0,
            });
            if now.duration_since(w.start) >= window {
                w.start = now;
                w.failures = 0;
            }
            w.in_flight += 1;
        }
        Ok(Attempt {
            limiter: Arc::clone(self),
            keys,
            settled: false,
        })
    }

    fn settle(&self, keys: &[Key; 3], success: bool) {
        let mut windows = self.windows.lock().expect("limiter lock");
        for key in keys {
            let Some(w) = windows.get_mut(key) else {
                continue;
            };
            w.in_flight = w.in_flight.saturating_sub(1);
            match (success, key) {
                // The right password forgives the pair's settled failures
                // (not those still in flight, nor the account's from other
                // addresses, nor the address's against other accounts).
                (true, Key::Pair(..)) => w.failures = 0,
                (true, _) => {}
                (false, _) => w.failures += 1,
            }
        }
    }
}

impl Attempt {
    /// The password was right: the reservation is given back.
    pub fn succeeded(mut self) {
        self.settled = true;
        self.limiter.settle(&self.keys, true);
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if !self.settled {
            self.limiter.settle(&self.keys, false);
        }
    }
}

impl Default for LoginLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(per_pair: u32, per_account: u32, per_address: u32) -> Arc<LoginLimiter> {
        Arc::new(LoginLimiter::new(Limits {
            window: Duration::from_secs(60),
            per_pair,
            per_account,
            per_address,
        }))
    }

    fn fail(limiter: &Arc<LoginLimiter>, account: &str, address: &str) {
        drop(limiter.reserve(account, address).expect("not throttled"));
    }

    #[test]
    fn a_pair_is_throttled_after_its_limit_but_not_the_account_elsewhere() {
        let limiter = limiter(3, 100, 100);
        for _ in 0..3 {
            fail(&limiter, "ann@x.com", "1.1.1.1");
        }
        let wait = limiter.reserve("ann@x.com", "1.1.1.1").err().unwrap();
        assert!((1..=60).contains(&wait));
        assert!(limiter.reserve("ann@x.com", "2.2.2.2").is_ok());
        assert!(limiter.reserve("bob@x.com", "1.1.1.1").is_ok());
    }

    #[test]
    fn the_account_ceiling_spans_addresses() {
        let limiter = limiter(5, 3, 100);
        for address in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
            fail(&limiter, "ann@x.com", address);
        }
        assert!(limiter.reserve("ann@x.com", "4.4.4.4").is_err());
        assert!(limiter.reserve("bob@x.com", "4.4.4.4").is_ok());
    }

    #[test]
    fn an_address_is_throttled_across_accounts() {
        let limiter = limiter(5, 100, 2);
        fail(&limiter, "a@x.com", "9.9.9.9");
        fail(&limiter, "b@x.com", "9.9.9.9");
        assert!(limiter.reserve("c@x.com", "9.9.9.9").is_err());
        assert!(limiter.reserve("c@x.com", "8.8.8.8").is_ok());
    }

    #[test]
    fn attempts_in_flight_count_against_the_limit() {
        let limiter = limiter(2, 100, 100);
        let first = limiter.reserve("a@x.com", "1.1.1.1").unwrap();
        let second = limiter.reserve("a@x.com", "1.1.1.1").unwrap();
        assert!(limiter.reserve("a@x.com", "1.1.1.1").is_err());
        first.succeeded();
        // The success gave its reservation back; the other is still out.
        let third = limiter.reserve("a@x.com", "1.1.1.1").unwrap();
        assert!(limiter.reserve("a@x.com", "1.1.1.1").is_err());
        drop((second, third));
        assert!(limiter.reserve("a@x.com", "1.1.1.1").is_err());
    }

    #[test]
    fn a_success_forgives_the_pairs_failures_only() {
        let limiter = limiter(2, 4, 100);
        fail(&limiter, "a@x.com", "1.1.1.1");
        fail(&limiter, "a@x.com", "2.2.2.2");
        limiter.reserve("a@x.com", "1.1.1.1").unwrap().succeeded();
        // The pair starts afresh...
        fail(&limiter, "a@x.com", "1.1.1.1");
        fail(&limiter, "a@x.com", "1.1.1.1");
        // ...but the account keeps every failure: 4 of 4.
        assert!(limiter.reserve("a@x.com", "3.3.3.3").is_err());
    }

    #[test]
    fn windows_expire() {
        let limiter = Arc::new(LoginLimiter::new(Limits {
            window: Duration::from_millis(20),
            per_pair: 1,
            per_account: 100,
            per_address: 100,
        }));
        fail(&limiter, "a@x.com", "1.1.1.1");
        assert!(limiter.reserve("a@x.com", "1.1.1.1").is_err());
        std::thread::sleep(Duration::from_millis(30));
        assert!(limiter.reserve("a@x.com", "1.1.1.1").is_ok());
    }
}
