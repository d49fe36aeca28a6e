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
/// number is bytes): `app::domain::format::parse_size`, which `trove space
/// set --quota` reads too, and more than nothing.
pub fn parse_size(text: &str) -> Result<u64, String> {
    match app::domain::format::parse_size(text)? {
        0 => Err(format!("{text:?} is not a size, like 100MB or 2GB")),
        bytes => Ok(bytes),
    }
}
