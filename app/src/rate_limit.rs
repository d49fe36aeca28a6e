//! Sign-in throttling. Failed attempts are counted in fixed windows under
//! three keys: the (account, address) pair, the address, and the account.
//! Each has its own limit: a few guesses per account from one address, more
//! from one address across accounts (an office behind one NAT), and a much
//! higher ceiling per account across all addresses, so a guesser on one
//! address cannot lock the real owner out from theirs, while a botnet still
//! meets a limit. Once a key reaches its limit, sign-in is refused (even with
//! the right password) until its window ends.
//!
//! An attempt is *reserved* before the password is checked: [`begin`]
//! counts it as a failure at once, under the lock, and only a correct
//! password takes it back ([`Attempt::succeeded`]). So parallel guesses
//! cannot all pass the check before any failure is recorded, and a request
//! abandoned mid-check still counts. Time comes from the caller (the clock),
//! so the rule is tested without waiting.
//!
//! [`begin`]: SignInLimiter::begin

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

use crate::time::{Timestamp, MILLIS_PER_MINUTE};

type AccountHash = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Pair(AccountHash, Option<IpAddr>),
    Ip(Option<IpAddr>),
    Account(AccountHash),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Timestamp,
    failures: u32,
}

/// How many failures each key may have in one window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// One account from one address.
    pub per_pair: u32,
    /// One address, all accounts.
    pub per_ip: u32,
    /// One account, all addresses.
    pub per_account: u32,
    pub window_minutes: i64,
}

impl Default for Limits {
    /// 5 per account and address, 30 per address and 100 per account in
    /// 15 minutes.
    fn default() -> Self {
        Self {
            per_pair: 5,
            per_ip: 30,
            per_account: 100,
            window_minutes: 15,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SignInLimiter {
    limits: Limits,
    table: Arc<Mutex<Table>>,
}

#[derive(Debug, Default)]
struct Table {
    windows: HashMap<Key, Window>,
    /// When ended windows were last dropped (at most once a minute, so a
    /// full table does not cost every attempt a scan).
    swept: Timestamp,
}

/// Windows kept before ended ones are dropped.
const SWEEP_ABOVE: usize = 100_000;

/// The part of an address one client controls. An IPv6 client usually has
/// a whole /64: counting single addresses would let it rotate through them
/// and escape every per-address limit. IPv4-mapped IPv6 counts as IPv4.
fn client_key(ip: Option<IpAddr>) -> Option<IpAddr> {
    ip.map(|ip| match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !(u128::from(u64::MAX)))),
        v4 => v4,
    })
}

/// Refused: try again after this many milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

impl RetryAfter {
    pub fn message(&self) -> String {
        let minutes = (self.0 + MILLIS_PER_MINUTE - 1) / MILLIS_PER_MINUTE;
        match minutes.max(1) {
            1 => "Too many failed sign-in attempts. Try again in 1 minute.".to_owned(),
            n => format!("Too many failed sign-in attempts. Try again in {n} minutes."),
        }
    }
}

/// A reserved attempt: counted as a failure unless [`Attempt::succeeded`].
#[must_use = "an attempt counts as failed unless `succeeded` is called"]
#[derive(Debug)]
pub struct Attempt {
    limiter: SignInLimiter,
    keys: [Key; 3],
}

impl Attempt {
    /// The password was right: the reservation is taken back, and the
    /// account's failures from this address are forgotten.
    pub fn succeeded(self) {
        let pair = self.keys[0];
        let limiter = self.limiter.clone();
        self.cancel();
        limiter.lock().windows.remove(&pair);
    }

    /// No password was checked (the server was busy, or failed): the
    /// attempt does not count.
    pub fn cancel(self) {
        let mut table = self.limiter.lock();
        for key in &self.keys {
            if let Some(window) = table.windows.get_mut(key) {
                window.failures = window.failures.saturating_sub(1);
            }
        }
    }
}

fn account_hash(email: &str) -> AccountHash {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    email.trim().to_lowercase().hash(&mut hasher);
    hasher.finish()
}

impl SignInLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            table: Arc::default(),
        }
    }

    /// No practical limit, for tests that fail sign-in on purpose.
    pub fn unlimited() -> Self {
        Self::new(Limits {
            per_pair: u32::MAX,
            per_ip: u32::MAX,
            per_account: u32::MAX,
            window_minutes: 15,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn window_millis(&self) -> i64 {
        self.limits.window_minutes * MILLIS_PER_MINUTE
    }

    /// Reserves an attempt to sign in to `email` from `ip` at `now`, or
    /// refuses it while any of its keys is at its limit. Checking and
    /// counting happen under one lock, so parallel attempts cannot overtake
    /// each other.
    pub fn begin(
        &self,
        ip: Option<IpAddr>,
        email: &str,
        now: Timestamp,
    ) -> Result<Attempt, RetryAfter> {
        let account = account_hash(email);
        let ip = client_key(ip);
        let keys = [Key::Pair(account, ip), Key::Ip(ip), Key::Account(account)];
        let limits = [
            self.limits.per_pair,
            self.limits.per_ip,
            self.limits.per_account,
        ];
        let window_millis = self.window_millis();
        let mut table = self.lock();
        if table.windows.len() > SWEEP_ABOVE && now >= table.swept.plus_millis(MILLIS_PER_MINUTE) {
            table
                .windows
                .retain(|_, w| now < w.started.plus_millis(window_millis));
            table.swept = now;
        }
        let windows = &mut table.windows;
        let wait = keys
            .iter()
            .zip(limits)
            .filter_map(|(key, limit)| {
                let window = windows.get(key)?;
                let ends = window.started.plus_millis(window_millis);
                (window.failures >= limit && now < ends).then_some(ends.millis_since(now))
            })
            .max();
        if let Some(wait) = wait {
            return Err(RetryAfter(wait));
        }
        for key in keys {
            let window = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= window.started.plus_millis(window_millis) {
                *window = Window {
                    started: now,
                    failures: 0,
                };
            }
            window.failures = window.failures.saturating_add(1);
        }
        Ok(Attempt {
            limiter: self.clone(),
            keys,
        })
    }
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp::from_millis(1_000_000);

    /// `millis` after `T0`.
    fn t0_plus(millis: i64) -> Timestamp {
        T0.plus_millis(millis)
    }

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    fn limits(per_pair: u32, per_ip: u32, per_account: u32) -> Limits {
        Limits {
            per_pair,
            per_ip,
            per_account,
            window_minutes: 15,
        }
    }

    #[test]
    fn an_account_is_locked_from_an_address_after_its_failures_until_the_window_ends() {
        let limiter = SignInLimiter::new(limits(3, 100, 100));
        for i in 0..3 {
            drop(limiter.begin(ip(1), "a@example.com", t0_plus(i)).unwrap());
        }
        let refused = limiter
            .begin(ip(1), " A@example.com", t0_plus(10))
            .unwrap_err();
        assert_eq!(refused, RetryAfter(15 * MILLIS_PER_MINUTE - 10));
        assert_eq!(
            refused.message(),
            "Too many failed sign-in attempts. Try again in 15 minutes."
        );
        assert!(
            limiter.begin(ip(1), "b@example.com", t0_plus(10)).is_ok(),
            "other accounts are not locked"
        );
        assert!(limiter
            .begin(ip(1), "a@example.com", t0_plus(15 * MILLIS_PER_MINUTE))
            .is_ok());
    }

    #[test]
    fn a_guesser_on_one_address_does_not_lock_the_owner_out_of_another() {
        let limiter = SignInLimiter::default();
        for i in 0..50 {
            let _ = limiter.begin(ip(66), "owner@example.com", t0_plus(i));
        }
        assert!(limiter
            .begin(ip(66), "owner@example.com", t0_plus(60))
            .is_err());
        let owner = limiter
            .begin(ip(1), "owner@example.com", t0_plus(61))
            .unwrap();
        owner.succeeded();
    }

    #[test]
    fn many_addresses_meet_the_account_ceiling() {
        let limiter = SignInLimiter::new(limits(5, 30, 20));
        for i in 0..20 {
            drop(limiter.begin(ip(i), "a@x", T0).unwrap());
        }
        assert!(limiter.begin(ip(200), "a@x", t0_plus(1)).is_err());
        assert!(limiter.begin(ip(200), "b@x", t0_plus(1)).is_ok());
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limiter = SignInLimiter::new(limits(100, 4, 100));
        for (i, email) in ["a@x", "b@x", "c@x", "d@x"].iter().enumerate() {
            drop(limiter.begin(ip(1), email, t0_plus(i as i64)).unwrap());
        }
        assert!(limiter.begin(ip(1), "e@x", t0_plus(5)).is_err());
        assert!(limiter.begin(ip(2), "e@x", t0_plus(5)).is_ok());
    }

    #[test]
    fn an_ipv6_client_cannot_rotate_through_its_own_64() {
        let limiter = SignInLimiter::new(limits(3, 100, 100));
        let host = |last: u16| Some(IpAddr::from([0x2001, 0xdb8, 7, 7, 0, 0, 0, last]));
        for i in 0..3 {
            drop(limiter.begin(host(i), "a@x", T0).unwrap());
        }
        assert!(limiter.begin(host(999), "a@x", T0).is_err());
        let neighbour = Some(IpAddr::from([0x2001, 0xdb8, 7, 8, 0, 0, 0, 1]));
        assert!(limiter.begin(neighbour, "a@x", T0).is_ok());
        // IPv4 seen through an IPv6 socket is still the IPv4 address.
        let mapped = Some(IpAddr::from([0, 0, 0, 0, 0, 0xffff, 0x0a00, 0x0001]));
        for _ in 0..3 {
            drop(limiter.begin(mapped, "b@x", T0).unwrap());
        }
        assert!(limiter.begin(ip(1), "b@x", T0).is_err());
    }

    #[test]
    fn a_cancelled_attempt_does_not_count() {
        let limiter = SignInLimiter::new(limits(2, 100, 100));
        for _ in 0..10 {
            limiter.begin(ip(1), "a@x", T0).unwrap().cancel();
        }
        assert!(limiter.begin(ip(1), "a@x", T0).is_ok());
    }

    #[test]
    fn attempts_are_reserved_before_the_password_is_checked() {
        // Parallel guesses: every one reserves before any finishes, so
        // only the first `per_pair` get through.
        let limiter = SignInLimiter::new(limits(5, 100, 100));
        let started: Vec<_> = (0..60).map(|_| limiter.begin(ip(1), "a@x", T0)).collect();
        assert_eq!(started.iter().filter(|a| a.is_ok()).count(), 5);
    }

    #[test]
    fn success_takes_the_reservation_back_and_clears_the_pair() {
        let limiter = SignInLimiter::new(limits(2, 100, 100));
        drop(limiter.begin(ip(1), "a@x", T0).unwrap());
        limiter.begin(ip(1), "a@x", t0_plus(1)).unwrap().succeeded();
        drop(limiter.begin(ip(1), "a@x", t0_plus(2)).unwrap());
        assert!(limiter.begin(ip(1), "a@x", t0_plus(3)).is_ok());
        for _ in 0..50 {
            limiter.begin(ip(1), "b@x", T0).unwrap().succeeded();
        }
    }
}
