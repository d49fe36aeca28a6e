//! Sign-in throttling. Failed attempts are counted in fixed windows under
//! three keys: the (account, address) pair, the address, and the account.
//! Each has its own limit: a few guesses per account from one address, more
//! from one address across accounts (an office behind one NAT), and a much
//! higher ceiling per account across all addresses, so a guesser on one
//! address cannot lock the real owner out from theirs, while a botnet still
//! meets a limit. Once a key reaches its limit, sign-in is refused (even with
//! the right password) until its window ends.
//!
//! The windows live in the database (`sign_in_failures`), so every Trove
//! server behind a load balancer counts the same failures: five wrong
//! passwords spread over two servers lock the account as they would on one.
//! Keys are SHA-256 digests of the account (its id, or the email typed for
//! an unknown one) and the address: not the plain values, though a digest
//! of an IPv4 address or a known email can be found by trying them all.
//! An id and a typed email are parts of different kinds (a tag byte, and
//! every part length-prefixed), so no text typed as an email can name a
//! real account's key and lock it out ([`Account`]).
//!
//! An attempt is *reserved* before the password is checked: [`begin`]
//! counts it as a failure at once, in one transaction that also checks the
//! limits, and only a correct password takes it back
//! ([`Attempt::succeeded`]). So parallel guesses, on one server or many,
//! cannot all pass the check before any failure is recorded, and a request
//! abandoned mid-check still counts. Time comes from the caller (the clock),
//! so the rule is tested without waiting.
//!
//! [`begin`]: SignInLimiter::begin

use std::net::{IpAddr, Ipv6Addr};

use sha2::{Digest as _, Sha256};
use sqlx::AnyPool;

use crate::domain::ids::UserId;
use crate::domain::time::{Timestamp, MILLIS_PER_MINUTE};

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

#[derive(Debug, Clone, Copy)]
pub struct SignInLimiter {
    limits: Limits,
}

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
    pool: AnyPool,
    /// The pair's key, then the address's and the account's.
    keys: [String; 3],
}

impl Attempt {
    /// The password was right: the reservation is taken back, and the
    /// account's failures from this address are forgotten. A database
    /// error here is logged, not raised: the person did sign in.
    pub async fn succeeded(self) {
        let [pair, ip, account] = &self.keys;
        let forgotten = async {
            sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                .bind(pair)
                .execute(&self.pool)
                .await?;
            take_back(&self.pool, &[ip, account]).await
        };
        if let Err(error) = forgotten.await {
            tracing::warn!(%error, "sign-in throttle: could not take a success back");
        }
    }

    /// No password was checked (the server was busy, or failed): the
    /// attempt does not count.
    pub async fn cancel(self) {
        let [pair, ip, account] = &self.keys;
        if let Err(error) = take_back(&self.pool, &[pair, ip, account]).await {
            tracing::warn!(%error, "sign-in throttle: could not take an attempt back");
        }
    }
}

/// One failure fewer under each key.
async fn take_back(pool: &AnyPool, keys: &[&String]) -> Result<(), sqlx::Error> {
    for key in keys {
        sqlx::query(
            "UPDATE sign_in_failures SET failures = failures - 1 \
             WHERE key = $1 AND failures > 0",
        )
        .bind(key)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Whose sign-in an attempt is. A known account counts by its id, so that
/// every spelling the database takes for its email counts as one; an
/// unknown email counts by the text typed (trimmed, lowercased).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account<'a> {
    Known(UserId),
    Unknown(&'a str),
    /// A wrong API token (`Authorization: Bearer`): no account is named,
    /// so its failures count per address, with the sign-in's.
    Token,
}

impl Account<'_> {
    /// Its part of a key: a tag byte for its kind, then the id or the
    /// email. Typed text only ever follows the email's tag, so it cannot
    /// spell a known account's part (the email `user 3` once locked user 3).
    fn key_part(&self) -> Vec<u8> {
        let (tag, value) = match self {
            Account::Known(id) => (b'k', id.0.to_string()),
            Account::Unknown(email) => (b'e', email.trim().to_lowercase()),
            Account::Token => (b't', String::new()),
        };
        let mut part = Vec::with_capacity(1 + value.len());
        part.push(tag);
        part.extend_from_slice(value.as_bytes());
        part
    }
}

/// A key's stored form: SHA-256 over its kind and parts, hex. Each part is
/// length-prefixed, so no text inside one (a NUL included) can shift the
/// boundary between two.
fn digest(kind: &str, parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    hash.update(kind.as_bytes());
    for part in parts {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    let hex: String = hash
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{kind}:{hex}")
}

/// The pair's, the address's and the account's keys.
fn keys(ip: Option<IpAddr>, account: Account<'_>) -> [String; 3] {
    let account = account.key_part();
    let ip = client_key(ip).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    [
        digest("pair", &[&account, ip.as_bytes()]),
        digest("ip", &[ip.as_bytes()]),
        digest("account", &[&account]),
    ]
}

impl SignInLimiter {
    pub fn new(limits: Limits) -> Self {
        Self { limits }
    }

    /// No practical limit, for tests that fail sign-in on purpose.
    #[cfg(any(test, feature = "test-support"))]
    pub fn unlimited() -> Self {
        Self::new(Limits {
            per_pair: u32::MAX,
            per_ip: u32::MAX,
            per_account: u32::MAX,
            window_minutes: 15,
        })
    }

    fn window_millis(&self) -> i64 {
        self.limits.window_minutes * MILLIS_PER_MINUTE
    }

    /// Reserves an attempt to sign in to `account` from `ip` at `now`, or
    /// refuses it (the inner `Err`) while any of its keys is at its limit.
    /// Counting and checking are one transaction: each key's row is
    /// counted up (or its ended window started anew) and the counts read
    /// back; over a limit, the transaction rolls back and nothing counts.
    /// The rows are written in one order (by key), so two servers' attempts
    /// wait for each other rather than deadlock.
    pub async fn begin(
        &self,
        pool: &AnyPool,
        ip: Option<IpAddr>,
        account: Account<'_>,
        now: Timestamp,
    ) -> Result<Result<Attempt, RetryAfter>, sqlx::Error> {
        let keys = keys(ip, account);
        let limits = [
            self.limits.per_pair,
            self.limits.per_ip,
            self.limits.per_account,
        ];
        let mut order: Vec<(&String, u32)> = keys.iter().zip(limits).collect();
        order.sort_by(|a, b| a.0.cmp(b.0));
        let window_millis = self.window_millis();
        let ended_before = now.minus_millis(window_millis).millis();
        let mut tx = pool.begin().await?;
        let mut wait = None;
        for (key, limit) in order {
            let (started, failures): (i64, i64) = sqlx::query_as(
                "INSERT INTO sign_in_failures (key, started, failures) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                   started = CASE WHEN sign_in_failures.started <= $3 \
                             THEN $2 ELSE sign_in_failures.started END, \
                   failures = CASE WHEN sign_in_failures.started <= $3 \
                              THEN 1 ELSE sign_in_failures.failures + 1 END \
                 RETURNING started, failures",
            )
            .bind(key)
            .bind(now.millis())
            .bind(ended_before)
            .fetch_one(&mut *tx)
            .await?;
            if failures > i64::from(limit) {
                let ends = Timestamp::from_millis(started).plus_millis(window_millis);
                wait = wait.max(Some(ends.millis_since(now)));
            }
        }
        if let Some(wait) = wait {
            tx.rollback().await?;
            return Ok(Err(RetryAfter(wait)));
        }
        tx.commit().await?;
        Ok(Ok(Attempt {
            pool: pool.clone(),
            keys,
        }))
    }

    /// Deletes the windows that have ended (the server's housekeeping
    /// calls it); returns how many.
    pub async fn forget_ended(&self, pool: &AnyPool, now: Timestamp) -> Result<u64, sqlx::Error> {
        let ended_before = now.minus_millis(self.window_millis()).millis();
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE started <= $1")
            .bind(ended_before)
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }
}

impl Default for SignInLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

#[cfg(test)]
mod tests;
