//! The one clock of Trove. Nothing else in Trove reads the system time:
//! retention, audit entries, sessions' lifetimes and purge all take `now`
//! from here, so that demos and end-to-end tests can move time with
//! `TROVE_CLOCK_OFFSET`. Two readings are the system's own, unshifted
//! ([`Clock::unshifted_system_time`]), because what they are compared with
//! was written in system time by others: files' modification times (the
//! orphan sweep) and sessions' idle expiry (set by tower-sessions, which
//! reads the system time itself, as the session table's store does).
//!
//! Timers are not clocks: timeouts, deadlines and intervals (tokio's
//! `Instant` and `interval`) measure elapsed time on the monotonic clock,
//! which no offset should move, and stay where they are.

use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::domain::time::{
    MILLIS_PER_DAY, MILLIS_PER_HOUR, MILLIS_PER_MINUTE, MILLIS_PER_SECOND,
};

use crate::domain::time::Timestamp;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    offset_millis: i64,
    /// A clock that always reads this time (tests).
    frozen_at: Option<Timestamp>,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    pub fn with_offset(offset_millis: i64) -> Self {
        Self {
            offset_millis,
            frozen_at: None,
        }
    }

    /// A clock that always reads `at`: for tests of rules at a given
    /// moment, and for steps that must all see one moment (the purge).
    pub fn frozen(at: Timestamp) -> Self {
        Self {
            offset_millis: 0,
            frozen_at: Some(at),
        }
    }

    /// The current time, shifted by the offset.
    ///
    /// Read it where the decision is made: a rule that depends on time
    /// (restorable or expired) reads the clock after taking the write lock,
    /// not before waiting for it.
    pub fn now(&self) -> Timestamp {
        if let Some(frozen) = self.frozen_at {
            return frozen;
        }
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        Timestamp::from_millis(system).plus_millis(self.offset_millis)
    }

    /// The system time without the offset. Only for comparing with times
    /// that others wrote in system time, which the offset does not shift:
    /// file modification times (the orphan sweep's grace period: a shifted
    /// clock must not make a file written a second ago look days old) and
    /// sessions' idle expiry (`auth::session_store`).
    pub fn unshifted_system_time(&self) -> SystemTime {
        SystemTime::now()
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid clock offset {0:?}: expected a whole number with a unit, like 15d, -3h, 90m or 30s"
)]
pub struct OffsetError(String);

/// Parses `15d`, `-3h`, `+90m`, `30s` into milliseconds.
pub fn parse_offset(input: &str) -> Result<i64, OffsetError> {
    let error = || OffsetError(input.to_owned());
    let text = input.trim();
    let unit = text.chars().last().ok_or_else(error)?;
    let per_unit = match unit {
        'd' => MILLIS_PER_DAY,
        'h' => MILLIS_PER_HOUR,
        'm' => MILLIS_PER_MINUTE,
        's' => MILLIS_PER_SECOND,
        _ => return Err(error()),
    };
    let number = &text[..text.len() - 1];
    let digits = number.strip_prefix(['-', '+']).unwrap_or(number);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error());
    }
    let amount: i64 = number.parse().map_err(|_| error())?;
    amount.checked_mul(per_unit).ok_or_else(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_unit_and_sign() {
        assert_eq!(parse_offset("15d"), Ok(15 * MILLIS_PER_DAY));
        assert_eq!(parse_offset("-3h"), Ok(-3 * MILLIS_PER_HOUR));
        assert_eq!(parse_offset("+90m"), Ok(90 * MILLIS_PER_MINUTE));
        assert_eq!(parse_offset("30s"), Ok(30 * MILLIS_PER_SECOND));
        assert_eq!(parse_offset(" 0d "), Ok(0));
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "d",
            "15",
            "15x",
            "1.5d",
            "--3h",
            "- 3h",
            "3 h",
            "h3",
            "99999999999999999d",
        ] {
            assert!(parse_offset(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn offset_shifts_now() {
        let shifted = Clock::with_offset(MILLIS_PER_DAY).now();
        let plain = Clock::system().now();
        let diff = shifted.millis_since(plain);
        assert!((MILLIS_PER_DAY - 1_000..=MILLIS_PER_DAY).contains(&diff));
    }
}
