//! Where a page of a listing starts, as the URL and the endpoints carry it
//! (opaque keyset cursors, see `keyset`), and query strings for links.

use serde::{Deserialize, Serialize};

/// Longest search term a listing accepts, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Shortest term searched for inside names; a shorter one matches the
/// start of names (the trigram index needs three characters).
pub const MIN_INSIDE_CHARS: usize = 3;
/// Past this many matches a searched listing says "1,000+" instead of
/// counting them all.
pub const MATCH_COUNT_CAP: usize = 1_000;

/// The most assets one change to "all matching" may touch.
pub const MAX_MATCHING: usize = 100_000;

/// A listing's search term as it is matched: trimmed, inner whitespace
/// collapsed to one space.
pub fn normalize_search(input: &str) -> String {
    input.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `term` (normalized) is too short to be searched inside names.
pub fn is_prefix_search(term: &str) -> bool {
    !term.is_empty() && term.chars().count() < MIN_INSIDE_CHARS
}

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
    ) -> Result<Self, crate::domain::error::AppError> {
        match (after, before) {
            (Some(_), Some(_)) => Err(crate::domain::error::AppError::validation(
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

/// A listing's state as its URL keeps it (search, filters, sort, where the
/// page starts), so every view can be linked and reloaded.
pub trait ListingQuery: Sized {
    /// The same listing, starting at `at`.
    fn at(&self, at: PageAt) -> Self;

    /// The query string for this state, e.g. `?q=logo&after=…`; empty for
    /// the defaults.
    fn to_query_string(&self) -> String;

    /// A link to the page at `at` of the listing at `base`, keeping the rest.
    fn link(&self, base: &str, at: PageAt) -> String {
        format!("{base}{}", self.at(at).to_query_string())
    }
}

/// One page of a keyset listing, as a listing endpoint returns it.
pub trait KeysetPage {
    /// The cursors of the pages before and after this one, when there are
    /// such pages: `(prev, next)`.
    fn cursors(&self) -> (Option<String>, Option<String>);
}

/// `?key=value&…`, percent-encoded; empty for no pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(key, value)| format!("{key}={}", crate::domain::encoding::component(value)))
        .collect();
    format!("?{}", encoded.join("&"))
}
