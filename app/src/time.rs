//! Time in Trove: an instant is a [`Timestamp`] (milliseconds since the
//! Unix epoch), a duration a plain `i64` of milliseconds in the units
//! below. Defined once for the server and the browser.

use serde::{Deserialize, Serialize};

pub const MILLIS_PER_SECOND: i64 = 1_000;
pub const MILLIS_PER_MINUTE: i64 = 60 * MILLIS_PER_SECOND;
pub const MILLIS_PER_HOUR: i64 = 60 * MILLIS_PER_MINUTE;
pub const MILLIS_PER_DAY: i64 = 24 * MILLIS_PER_HOUR;

/// An instant: milliseconds since the Unix epoch, UTC. On the wire a plain
/// number, in the database an INTEGER column.
///
/// Arithmetic saturates: a result beyond the range of `i64` (a huge clock
/// offset, say) pins to its end instead of wrapping or panicking.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// 1970-01-01T00:00:00Z (also the `Default`).
    pub const EPOCH: Self = Self(0);

    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// `millis` later (earlier, if negative).
    pub const fn plus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }

    /// `millis` earlier (later, if negative).
    pub const fn minus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_sub(millis))
    }

    /// How long after `earlier` this is, in milliseconds (negative if it is
    /// before it).
    pub const fn millis_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_at_the_ends() {
        let t = Timestamp::from_millis(1_000);
        assert_eq!(t.plus_millis(500).millis(), 1_500);
        assert_eq!(t.minus_millis(1_500).millis(), -500);
        assert_eq!(t.plus_millis(500).millis_since(t), 500);
        assert_eq!(t.millis_since(t.plus_millis(500)), -500);
        assert_eq!(
            Timestamp::from_millis(i64::MAX).plus_millis(1),
            Timestamp::from_millis(i64::MAX)
        );
        assert_eq!(
            Timestamp::from_millis(i64::MIN).minus_millis(1),
            Timestamp::from_millis(i64::MIN)
        );
        assert_eq!(
            Timestamp::from_millis(i64::MAX).millis_since(Timestamp::from_millis(-1)),
            i64::MAX
        );
    }

    #[test]
    fn on_the_wire_it_is_a_plain_number() {
        let t = Timestamp::from_millis(1_795_886_415_000);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1795886415000");
        assert_eq!(
            serde_json::from_str::<Timestamp>("1795886415000").unwrap(),
            t
        );
    }
}
