//! Time in Trove: an instant is a [`Timestamp`] (milliseconds since the
//! Unix epoch), a duration a plain `i64` of milliseconds in the units
//! below. Defined once for the server and the browser.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
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

/// A moment's calendar date and time of day in UTC (proleptic Gregorian).
/// Written by hand, as [`Day`] is the other way round, rather than with
/// the `time` crate, whose formatting would add to the browser bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1–12
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Civil {
    /// Howard Hinnant's `civil_from_days`, exact for any `i64` of
    /// milliseconds since the epoch.
    pub fn from_millis(millis: i64) -> Self {
        let seconds = millis.div_euclid(1_000);
        let of_day = seconds.rem_euclid(86_400);
        let days = seconds.div_euclid(86_400) + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153; // March = 0
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Self {
            year,
            month,
            day,
            hour: (of_day / 3_600) as u32,
            minute: (of_day % 3_600 / 60) as u32,
            second: (of_day % 60) as u32,
        }
    }
}

/// A calendar day as a date input sends it ("2026-11-28"), for filters
/// like "Deleted on".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    year: i32,
    month: u32,
    day: u32,
}

impl Day {
    /// Strictly `YYYY-MM-DD`, a day that exists, years 1–9999.
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if !text.is_ascii() || bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            part.bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days_in_month).contains(&day)).then_some(Self {
            year: year as i32,
            month,
            day,
        })
    }

    /// "2026-11-28"
    pub fn as_iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    fn days_since_epoch(&self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let shifted_month = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The first instant of this day for a reader whose clock is
    /// `behind_utc_minutes` behind UTC (JavaScript's `getTimezoneOffset`:
    /// -60 in Paris in winter, 300 in New York).
    pub fn start(&self, behind_utc_minutes: i32) -> Timestamp {
        Timestamp::from_millis(self.days_since_epoch() * MILLIS_PER_DAY)
            .plus_millis(i64::from(behind_utc_minutes) * MILLIS_PER_MINUTE)
    }
}

impl TryFrom<String> for Day {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::parse(&text).ok_or("a day is written YYYY-MM-DD")
    }
}

impl From<Day> for String {
    fn from(day: Day) -> Self {
        day.as_iso()
    }
}

/// On the wire a `YYYY-MM-DD` string (serde goes through `String`), which
/// the OpenAPI derive cannot see through: said here once.
impl utoipa::PartialSchema for Day {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("A calendar day, `YYYY-MM-DD`."))
            .examples(["2026-11-28"])
            .into()
    }
}

impl ToSchema for Day {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_strictly_and_start_in_the_readers_zone() {
        let day = Day::parse("2026-11-28").unwrap();
        assert_eq!(day.as_iso(), "2026-11-28");
        // 2026-11-28T00:00:00Z.
        assert_eq!(day.start(0), Timestamp::from_millis(1_795_824_000_000));
        // Midnight in New York (UTC-5) is 05:00 UTC; in Paris (UTC+1), 23:00 the day before.
        assert_eq!(
            day.start(300).millis() - day.start(0).millis(),
            5 * MILLIS_PER_HOUR
        );
        assert_eq!(
            day.start(-60).millis() - day.start(0).millis(),
            -MILLIS_PER_HOUR
        );
        assert_eq!(Day::parse("1970-01-01").unwrap().start(0), Timestamp::EPOCH);
        assert_eq!(
            Day::parse("2024-02-29").unwrap().start(0).millis(),
            1_709_164_800_000
        );
        for bad in [
            "2026-2-28",
            "2026-02-30",
            "2025-02-29",
            "0000-01-01",
            "2026-13-01",
            "2026/11/28",
            "+026-11-28",
            "２０２６-11-28",
            "é26-11-28",
            "é2-11-28-",
            "",
        ] {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }

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
