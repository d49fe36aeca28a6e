//! Sign-in throttling: failed attempts are counted per client IP and per
//! account in a fixed window; once either reaches its limit, sign-in is
//! refused (even with the right password) until the window ends. Only
//! failures count, so people who sign in often are never slowed down, while
//! guessing stops after a handful of tries. Time comes from the caller (the
//! clock), so the rule is tested without waiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::clock::MILLIS_PER_MINUTE;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Ip(Option<IpAddr>),
    Account(u64),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: i64,
    failures: u32,
}

#[derive(Debug, Clone)]
pub struct SignInLimiter {
    per_ip: u32,
    per_account: u32,
    window_millis: i64,
    windows: Arc<Mutex<HashMap<Key, Window>>>,
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

fn account_key(email: &str) -> Key {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    email.trim().to_lowercase().hash(&mut hasher);
    Key::Account(hasher.finish())
}

impl SignInLimiter {
    /// At most `per_ip` and `per_account` failures per window of `window_minutes`.
    pub fn new(per_ip: u32, per_account: u32, window_minutes: i64) -> Self {
        Self {
            per_ip,
            per_account,
            window_millis: window_minutes * MILLIS_PER_MINUTE,
            windows: Arc::default(),
        }
    }

    fn blocked(
        &self,
        windows: &HashMap<Key, Window>,
        key: Key,
        limit: u32,
        now: i64,
    ) -> Option<i64> {
        let window = windows.get(&key)?;
        let ends = window.started + self.window_millis;
        (window.failures >= limit && now < ends).then_some(ends - now)
    }

    /// Whether an attempt may go ahead now.
    pub fn check(&self, ip: Option<IpAddr>, email: &str, now: i64) -> Result<(), RetryAfter> {
        let windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let wait = [
            self.blocked(&windows, Key::Ip(ip), self.per_ip, now),
            self.blocked(&windows, account_key(email), self.per_account, now),
        ]
        .into_iter()
        .flatten()
        .max();
        match wait {
            Some(wait) => Err(RetryAfter(wait)),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt against the address and the account.
    pub fn record_failure(&self, ip: Option<IpAddr>, email: &str, now: i64) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > 100_000 {
            let window = self.window_millis;
            windows.retain(|_, w| now < w.started + window);
        }
        for key in [Key::Ip(ip), account_key(email)] {
            let entry = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= entry.started + self.window_millis {
                *entry = Window {
                    started: now,
                    failures: 0,
                };
            }
            entry.failures += 1;
        }
    }

    /// A successful sign-in clears the account's failures.
    pub fn record_success(&self, email: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        windows.remove(&account_key(email));
    }
}

impl Default for SignInLimiter {
    /// 5 failures per account and 30 per address in 15 minutes.
    fn default() -> Self {
        Self::new(30, 5, 15)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_000_000;

    #[test]
    fn an_account_is_locked_after_its_failures_until_the_window_ends() {
        let limiter = SignInLimiter::new(100, 3, 15);
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for i in 0..3 {
            assert_eq!(limiter.check(ip, "a@example.com", T0 + i), Ok(()));
            limiter.record_failure(ip, "a@example.com", T0 + i);
        }
        let refused = limiter.check(ip, " A@example.com", T0 + 10);
        assert_eq!(refused, Err(RetryAfter(15 * MILLIS_PER_MINUTE - 10)));
        assert_eq!(
            refused.unwrap_err().message(),
            "Too many failed sign-in attempts. Try again in 15 minutes."
        );
        assert_eq!(
            limiter.check(ip, "b@example.com", T0 + 10),
            Ok(()),
            "other accounts are not locked"
        );
        assert_eq!(
            limiter.check(ip, "a@example.com", T0 + 15 * MILLIS_PER_MINUTE),
            Ok(())
        );
    }

    #[test]
    fn an_address_is_limited_across_accounts() {
        let limiter = SignInLimiter::new(4, 100, 15);
        let ip = Some(IpAddr::from([10, 0, 0, 1]));
        for (i, email) in ["a@x", "b@x", "c@x", "d@x"].iter().enumerate() {
            limiter.record_failure(ip, email, T0 + i as i64);
        }
        assert!(limiter.check(ip, "e@x", T0 + 5).is_err());
        assert_eq!(
            limiter.check(Some(IpAddr::from([10, 0, 0, 2])), "e@x", T0 + 5),
            Ok(())
        );
    }

    #[test]
    fn success_clears_the_account_and_successes_never_count() {
        let limiter = SignInLimiter::new(100, 2, 15);
        limiter.record_failure(None, "a@x", T0);
        limiter.record_success("a@x");
        limiter.record_failure(None, "a@x", T0 + 1);
        assert_eq!(limiter.check(None, "a@x", T0 + 2), Ok(()));
        for _ in 0..50 {
            assert_eq!(limiter.check(None, "b@x", T0), Ok(()));
        }
    }
}
