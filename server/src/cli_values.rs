//! Values of the command line's flags: a public URL, an interval, a size.

use std::time::Duration;

use app::platform::clock::parse_offset;
use app::platform::site::PublicOrigin;

pub fn parse_public_url(text: &str) -> Result<PublicOrigin, String> {
    PublicOrigin::parse(text).map_err(|e| e.to_string())
}

/// `10m` → 10 minutes; zero and negative intervals are refused.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let millis = parse_offset(text).map_err(|e| e.to_string())?;
    if millis <= 0 {
        return Err(format!(
            "{text:?} is not a positive interval, like 10m or 1h"
        ));
    }
    Ok(Duration::from_millis(millis.unsigned_abs()))
}

/// `100MB` → 104,857,600 bytes (KB, MB, GB, TB are powers of 1024; a bare
/// number is bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let factor: u64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "KB" | "K" => 1 << 10,
        "MB" | "M" => 1 << 20,
        "GB" | "G" => 1 << 30,
        "TB" | "T" => 1 << 40,
        _ => return Err(format!("{text:?} is not a size, like 100MB or 2GB")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a size, like 100MB or 2GB"))
}
