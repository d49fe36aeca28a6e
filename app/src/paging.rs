//! Where a page of a listing starts, as the URL and the endpoints carry it
//! (opaque keyset cursors, see `keyset`), and query strings for links.

use serde::{Deserialize, Serialize};

/// Where in the listing a page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageAt {
    #[default]
    First,
    After(String),
    Before(String),
}

impl PageAt {
    /// From the `after` / `before` query parameters.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        match (get("after"), get("before")) {
            (Some(after), _) if !after.is_empty() => Self::After(after.to_owned()),
            (_, Some(before)) if !before.is_empty() => Self::Before(before.to_owned()),
            _ => Self::First,
        }
    }

    pub fn push_pairs<'a>(&'a self, pairs: &mut Vec<(&'static str, &'a str)>) {
        match self {
            Self::First => {}
            Self::After(cursor) => pairs.push(("after", cursor)),
            Self::Before(cursor) => pairs.push(("before", cursor)),
        }
    }

    /// From the `after` / `before` arguments of a listing endpoint.
    pub fn from_cursors(
        after: Option<String>,
        before: Option<String>,
    ) -> Result<Self, crate::error::AppError> {
        match (after, before) {
            (Some(_), Some(_)) => Err(crate::error::AppError::validation(
                "Give either `after` or `before`, not both.",
            )),
            (Some(after), None) => Ok(Self::After(after)),
            (None, Some(before)) => Ok(Self::Before(before)),
            (None, None) => Ok(Self::First),
        }
    }

    /// `(after, before)`, as the listing functions take them.
    pub fn into_cursors(self) -> (Option<String>, Option<String>) {
        match self {
            Self::First => (None, None),
            Self::After(cursor) => (Some(cursor), None),
            Self::Before(cursor) => (None, Some(cursor)),
        }
    }
}

/// `?key=value&…`, percent-encoded; empty for no pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", crate::encoding::component(value)))
        .collect();
    format!("?{}", encoded.join("&"))
}
