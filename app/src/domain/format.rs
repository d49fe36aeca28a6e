//! Formatting shared by the server render and the browser, so both agree.

use crate::domain::time::{Civil, Timestamp};

/// A byte count for people: "0 B", "999 B", "1.5 KB", "12.3 MB" (binary
/// units, rounded half up). Integer arithmetic only: float formatting would
/// add its tables to the browser bundle.
pub fn format_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    let bytes = bytes.max(0) as u128;
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut unit = 0;
    let mut divisor: u128 = 1024;
    while bytes >= divisor * 1024 && unit < UNITS.len() - 1 {
        divisor *= 1024;
        unit += 1;
    }
    // Tenths of the unit, rounded half up.
    let tenths = (bytes * 10 + divisor / 2) / divisor;
    if tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// A size as people write it, in bytes: "123" (bytes), "500MB", "50 GB",
/// "1TB", "1.5GB", "64KB", "10B" (binary units, KB = 1024, as
/// [`format_size`] shows them; case and a space before the unit do not
/// matter; "K", "M", "G", "T", "P" and "KiB"… are read the same). Refuses
/// what is not a size, a fraction of a byte, and more than `u64` holds.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let refusal =
        || format!("“{text}” is not a size: write it as 500MB, 50GB or 1TB, or a number of bytes.");
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let shift = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 0,
        "K" | "KB" | "KIB" => 10,
        "M" | "MB" | "MIB" => 20,
        "G" | "GB" | "GIB" => 30,
        "T" | "TB" | "TIB" => 40,
        "P" | "PB" | "PIB" => 50,
        _ => return Err(refusal()),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || fraction.contains('.') || (number.contains('.') && fraction.is_empty()) {
        return Err(refusal());
    }
    // Exact arithmetic: whole × 2^shift + fraction × 2^shift / 10^digits.
    let whole: u128 = whole.parse().map_err(|_| refusal())?;
    let mut bytes = whole.checked_shl(shift).filter(|b| *b >> shift == whole);
    if !fraction.is_empty() {
        let digits = u32::try_from(fraction.len()).map_err(|_| refusal())?;
        let scale = 10_u128.checked_pow(digits).ok_or_else(refusal)?;
        let tenths: u128 = fraction.parse().map_err(|_| refusal())?;
        let scaled = tenths.checked_mul(1 << shift).ok_or_else(refusal)?;
        let part = scaled / scale;
        if scaled % scale != 0 {
            return Err(format!("“{text}” is not a whole number of bytes."));
        }
        bytes = bytes.and_then(|b| b.checked_add(part));
    }
    bytes
        .and_then(|b| u64::try_from(b).ok())
        .ok_or_else(|| format!("“{text}” is too large a size."))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "Nov 28, 2026"
fn date(c: &Civil) -> String {
    format!("{} {}, {}", MONTHS[c.month as usize - 1], c.day, c.year)
}

/// "17:20"
fn clock(c: &Civil) -> String {
    format!("{:02}:{:02}", c.hour, c.minute)
}

/// "Nov 28, 2026", in UTC so that the server render and hydration agree.
pub fn format_date(at: Timestamp) -> String {
    date(&Civil::from_millis(at.millis()))
}

/// "Nov 28, 2026, 17:20 UTC": a moment, in UTC so that the server render
/// and hydration agree.
pub fn format_datetime(at: Timestamp) -> String {
    let civil = Civil::from_millis(at.millis());
    format!("{}, {} UTC", date(&civil), clock(&civil))
}

/// "Nov 28, 2026, 20:57": a wall-clock reading in the reader's zone, given
/// as milliseconds since the epoch shifted by the zone's offset (not an
/// instant, so not a `Timestamp`).
pub fn format_local_datetime(local_millis: i64) -> String {
    let civil = Civil::from_millis(local_millis);
    format!("{}, {}", date(&civil), clock(&civil))
}

/// The machine-readable form for `<time datetime>`.
pub fn iso_datetime(at: Timestamp) -> String {
    let c = Civil::from_millis(at.millis());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// "1 asset", "3 assets": a count of assets in a sentence or a heading.
pub fn assets_count(n: u64) -> String {
    if n == 1 {
        "1 asset".to_owned()
    } else {
        format!("{n} assets")
    }
}

/// "1 item", "12 items": what a folder holds.
pub fn items_count(n: u64) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}

/// "1 day", "14 days": a span of whole days.
pub fn days(n: u16) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

/// How many assets a listing holds: "3 assets", or "1,000+ assets" when a
/// search matched more than were counted.
pub fn listing_count(total: i64, capped: bool) -> String {
    let n = total.max(0) as u64;
    if capped {
        format!("{}+ assets", group_thousands(n))
    } else {
        assets_count(n)
    }
}

/// 1234567 → "1,234,567".
fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A short, human label for a MIME type: "PNG image", "PDF document".
pub fn type_label(mime: &str) -> String {
    let known = match mime {
        "image/png" => "PNG image",
        "image/jpeg" => "JPEG image",
        "image/gif" => "GIF image",
        "image/webp" => "WebP image",
        "image/svg+xml" => "SVG image",
        "application/pdf" => "PDF document",
        "text/plain" => "Text",
        "text/csv" => "CSV table",
        "text/markdown" => "Markdown",
        "application/json" => "JSON",
        "audio/wav" | "audio/x-wav" => "WAV audio",
        "audio/mpeg" => "MP3 audio",
        "video/mp4" => "MP4 video",
        "video/x-msvideo" => "AVI video",
        "video/webm" => "WebM video",
        "application/zip" => "ZIP archive",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    match mime.split_once('/') {
        Some((kind, sub)) if !sub.is_empty() => {
            let sub = sub.trim_start_matches("x-").to_ascii_uppercase();
            format!("{sub} {kind}")
        }
        _ => "File".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capped_count_says_it_is_a_lower_bound() {
        assert_eq!(listing_count(1000, true), "1,000+ assets");
        assert_eq!(listing_count(1234567, true), "1,234,567+ assets");
        assert_eq!(listing_count(12, false), "12 assets");
        assert_eq!(listing_count(-1, false), "0 assets");
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(assets_count(1), "1 asset");
        assert_eq!(assets_count(0), "0 assets");
        assert_eq!(assets_count(12), "12 assets");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(0), "0 B");
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1024), "1.0 KB");
        assert_eq!(format_size(1536), "1.5 KB");
        assert_eq!(format_size(10 * 1024 * 1024 + 300 * 1024), "10.3 MB");
        assert_eq!(format_size(512 * 1024 * 1024), "512 MB");
        assert_eq!(format_size(3 * 1024_i64.pow(4)), "3.0 TB");
        assert_eq!(format_size(-5), "0 B");
        // Rounding at the edges of a unit, as the float version did.
        assert_eq!(format_size(1024 * 1023 + 1000), "1024 KB");
        assert_eq!(format_size(102_348), "99.9 KB");
        assert_eq!(format_size(102_349), "100 KB");
        assert_eq!(format_size(i64::MAX), "8192 PB");
    }

    #[test]
    fn sizes_parse_as_people_write_them() {
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size("10B"), Ok(10));
        assert_eq!(parse_size("64KB"), Ok(64 * 1024));
        assert_eq!(parse_size("500MB"), Ok(500 * 1024 * 1024));
        assert_eq!(parse_size("50GB"), Ok(50 * 1024_u64.pow(3)));
        assert_eq!(parse_size(" 50 gb "), Ok(50 * 1024_u64.pow(3)));
        assert_eq!(parse_size("1TB"), Ok(1024_u64.pow(4)));
        assert_eq!(parse_size("1T"), Ok(1024_u64.pow(4)));
        assert_eq!(parse_size("2GiB"), Ok(2 * 1024_u64.pow(3)));
        assert_eq!(parse_size("1.5GB"), Ok(3 * 512 * 1024 * 1024));
        assert_eq!(parse_size("0.5KB"), Ok(512));
        assert_eq!(parse_size("0"), Ok(0));
        // What format_size shows reads back.
        assert_eq!(
            parse_size(&format_size(512 * 1024 * 1024)),
            Ok(512 * 1024 * 1024)
        );
        for bad in [
            "", "GB", "abc", "5XB", "-5GB", "1.2.3MB", "1.", ".5", "5 G B", "1,5GB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad:?} parsed");
        }
        assert!(parse_size("1.3B").is_err(), "a fraction of a byte");
        assert!(parse_size("17000000PB").is_err(), "more than u64 holds");
        assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_size("18446744073709551616").is_err());
    }

    /// The hand-written calendar agrees with the `time` crate's, second by
    /// second across leap years, centuries and both sides of the epoch.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_calendar_matches_the_time_crate() {
        use time::macros::format_description;
        let reference = |millis: i64| {
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
                .unwrap()
                .format(&format_description!(
                    "[month repr:short] [day padding:none], [year], [hour]:[minute] [year]-[month]-[day]T[hour]:[minute]:[second]Z"
                ))
                .unwrap()
        };
        let mine = |millis: i64| {
            let at = Timestamp::from_millis(millis);
            format!("{} {}", format_local_datetime(millis), iso_datetime(at))
        };
        // From 1900 to 2200, in steps just under a day (so every hour and
        // every day of every month comes up), plus the moments around leap days.
        let mut millis: i64 = -2_208_988_800_000;
        while millis < 7_258_118_400_000 {
            assert_eq!(mine(millis), reference(millis), "at {millis}");
            millis += 86_399_999;
        }
        for leap in [951_782_400_000_i64, 4_107_456_000_000, -2_203_891_200_000] {
            for delta in [-1, 0, 1, 86_400_000] {
                assert_eq!(mine(leap + delta), reference(leap + delta));
            }
        }
    }

    #[test]
    fn dates_are_utc_and_stable() {
        // 2026-11-28T17:20:15Z
        let at = Timestamp::from_millis(1_795_886_415_000);
        assert_eq!(format_date(at), "Nov 28, 2026");
        assert_eq!(iso_datetime(at), "2026-11-28T17:20:15Z");
        assert_eq!(format_datetime(at), "Nov 28, 2026, 17:20 UTC");
    }

    #[test]
    fn type_labels() {
        assert_eq!(type_label("image/png"), "PNG image");
        assert_eq!(type_label("application/pdf"), "PDF document");
        assert_eq!(type_label("audio/x-flac"), "FLAC audio");
        assert_eq!(type_label("nonsense"), "File");
    }
}
