//! Formatting shared by the server render and the browser, so both agree.

use time::{macros::format_description, OffsetDateTime};

use crate::time::Timestamp;

/// A byte count for people: "0 B", "999 B", "1.5 KB", "12.3 MB" (binary units).
pub fn format_size(bytes: i64) -> String {
    const UNITS: [&str; 5] = ["KB", "MB", "GB", "TB", "PB"];
    if bytes < 1024 {
        return format!("{} B", bytes.max(0));
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn to_datetime(millis: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// "Nov 28, 2026", in UTC so that the server render and hydration agree.
pub fn format_date(at: Timestamp) -> String {
    let format = format_description!("[month repr:short] [day padding:none], [year]");
    to_datetime(at.millis()).format(&format).unwrap_or_default()
}

/// "Nov 28, 2026, 17:20 UTC": a moment, in UTC so that the server render
/// and hydration agree.
pub fn format_datetime(at: Timestamp) -> String {
    let format =
        format_description!("[month repr:short] [day padding:none], [year], [hour]:[minute] UTC");
    to_datetime(at.millis()).format(&format).unwrap_or_default()
}

/// "Nov 28, 2026, 20:57": a wall-clock reading in the reader's zone, given
/// as milliseconds since the epoch shifted by the zone's offset (not an
/// instant, so not a `Timestamp`).
pub fn format_local_datetime(local_millis: i64) -> String {
    let format =
        format_description!("[month repr:short] [day padding:none], [year], [hour]:[minute]");
    to_datetime(local_millis)
        .format(&format)
        .unwrap_or_default()
}

/// The machine-readable form for `<time datetime>`.
pub fn iso_datetime(at: Timestamp) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    to_datetime(at.millis()).format(&format).unwrap_or_default()
}

/// "1 asset", "3 assets": a count of assets in a sentence or a heading.
pub fn assets_count(n: u64) -> String {
    if n == 1 {
        "1 asset".to_owned()
    } else {
        format!("{n} assets")
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
        if i > 0 && (digits.len() - i) % 3 == 0 {
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
            let sub = sub.trim_start_matches("x-").to_uppercase();
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
