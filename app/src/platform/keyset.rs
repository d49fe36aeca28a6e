//! Opaque keyset-pagination cursors. A cursor is the sort key and id of the
//! row at a page boundary; the next page starts strictly after it. Cursors
//! are base64url JSON; anything that does not decode to a cursor for the
//! current sort (edited, truncated, from another sort) is refused.
//! Listings that show folders before their assets are paged by `two_part`.

mod two_part;

pub use two_part::{read_page, Order, Page, Part, Phase};

use crate::platform::db::Sql;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};

const MAX_ENCODED_LEN: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CursorKey {
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The sort this cursor belongs to, e.g. "name".
    #[serde(rename = "s")]
    pub sort: String,
    #[serde(rename = "k")]
    pub key: CursorKey,
    #[serde(rename = "i")]
    pub id: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Int,
    Text,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("The page link is invalid or out of date. Go back to the first page.")]
pub struct CursorError;

impl Cursor {
    pub fn encode(&self) -> String {
        // Serialising a plain struct of strings and integers cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// Decodes a cursor and checks that it belongs to `sort` with a key of `kind`.
    pub fn decode(encoded: &str, sort: &str, kind: KeyKind) -> Result<Self, CursorError> {
        if encoded.is_empty() || encoded.len() > MAX_ENCODED_LEN {
            return Err(CursorError);
        }
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| CursorError)?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| CursorError)?;
        let kind_matches = matches!(
            (&cursor.key, kind),
            (CursorKey::Int(_), KeyKind::Int) | (CursorKey::Text(_), KeyKind::Text)
        );
        if cursor.sort != sort || !kind_matches || cursor.id <= 0 {
            return Err(CursorError);
        }
        Ok(cursor)
    }
}

/// Where a page starts, with its cursor decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    First,
    After(Cursor),
    Before(Cursor),
}

impl Position {
    /// Decodes the cursor of `at` for listing `sort` (400 if it is not one).
    pub fn decode(
        at: &crate::domain::paging::PageAt,
        sort: &str,
        kind: KeyKind,
    ) -> Result<Self, crate::domain::error::AppError> {
        use crate::domain::paging::PageAt;
        let decode = |encoded: &str| {
            Cursor::decode(encoded, sort, kind)
                .map_err(|e| crate::domain::error::AppError::validation(e.to_string()))
        };
        Ok(match at {
            PageAt::First => Self::First,
            PageAt::After(encoded) => Self::After(decode(encoded)?),
            PageAt::Before(encoded) => Self::Before(decode(encoded)?),
        })
    }

    /// The boundary cursor, and whether the page reads forward from it.
    /// Walking back (Before) reads the index the other way and flips the
    /// rows afterwards, so both directions are a single range scan.
    pub fn seek(&self) -> (Option<&Cursor>, bool) {
        match self {
            Self::First => (None, true),
            Self::After(cursor) => (Some(cursor), true),
            Self::Before(cursor) => (Some(cursor), false),
        }
    }

    /// `(prev, next)` cursors of a page read from here: `more` says a row
    /// beyond the page was found; `first`/`last` are the page's own ends.
    pub fn links(
        &self,
        more: bool,
        first: Option<String>,
        last: Option<String>,
    ) -> (Option<String>, Option<String>) {
        match self {
            Self::First => (None, if more { last } else { None }),
            Self::After(_) => (first, if more { last } else { None }),
            Self::Before(_) => (if more { first } else { None }, last),
        }
    }

    /// Cuts a page from `rows` as read from here (up to `limit + 1`, in
    /// the order of `seek`): the page's rows in listing order and its
    /// `(prev, next)` cursors, each end's made by `cursor`.
    pub fn page<T>(
        &self,
        mut rows: Vec<T>,
        limit: u32,
        cursor: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>, Option<String>) {
        let limit = limit as usize;
        let more = rows.len() > limit;
        rows.truncate(limit);
        if !self.seek().1 {
            rows.reverse();
        }
        let first = rows.first().map(&cursor);
        let last = rows.last().map(&cursor);
        let (prev, next) = self.links(more, first, last);
        (rows, prev, next)
    }
}

/// " AND (col, id) > (key, id) ORDER BY col, id LIMIT n" on `alias`: a
/// keyset read from `cursor` (from the start without one), ascending or
/// not, one index range.
pub fn push_seek(
    qb: &mut Sql<'_>,
    alias: &str,
    column: &str,
    cursor: Option<&Cursor>,
    ascending: bool,
    take: usize,
) {
    if let Some(cursor) = cursor {
        let op = if ascending { ">" } else { "<" };
        qb.push(format_args!(" AND ({alias}.{column}, {alias}.id) {op} ("));
        match &cursor.key {
            CursorKey::Int(value) => qb.push_bind(*value),
            CursorKey::Text(value) => qb.push_bind(value.clone()),
        };
        qb.push(", ").push_bind(cursor.id).push(")");
    }
    let order = if ascending { "ASC" } else { "DESC" };
    qb.push(format_args!(
        " ORDER BY {alias}.{column} {order}, {alias}.id {order} LIMIT "
    ))
    .push_bind(take as i64);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_cursor() -> Cursor {
        Cursor {
            sort: "name".into(),
            key: CursorKey::Text("Beach, day 2 — “final”.png".into()),
            id: 42,
        }
    }

    #[test]
    fn round_trips() {
        let cursor = name_cursor();
        let encoded = cursor.encode();
        assert!(encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(Cursor::decode(&encoded, "name", KeyKind::Text), Ok(cursor));

        let size = Cursor {
            sort: "size".into(),
            key: CursorKey::Int(-1),
            id: 7,
        };
        assert_eq!(
            Cursor::decode(&size.encode(), "size", KeyKind::Int),
            Ok(size)
        );
    }

    #[test]
    fn pages_keep_listing_order_and_link_only_to_pages_that_exist() {
        let at = |id| Cursor {
            sort: "n".into(),
            key: CursorKey::Int(id),
            id,
        };
        let cursor = |row: &i64| row.to_string();
        // Forward: a row beyond the page means a next page.
        assert_eq!(
            Position::First.page(vec![1, 2, 3], 2, cursor),
            (vec![1, 2], None, Some("2".into()))
        );
        assert_eq!(
            Position::After(at(2)).page(vec![3], 2, cursor),
            (vec![3], Some("3".into()), None)
        );
        // Backward: read the other way, shown in listing order.
        assert_eq!(
            Position::Before(at(4)).page(vec![3, 2, 1], 2, cursor),
            (vec![2, 3], Some("2".into()), Some("3".into()))
        );
        assert_eq!(
            Position::Before(at(2)).page(vec![1], 2, cursor),
            (vec![1], None, Some("1".into()))
        );
        assert_eq!(
            Position::First.page(Vec::<i64>::new(), 2, cursor),
            (vec![], None, None)
        );
    }

    #[test]
    fn rejects_malformed_cursors() {
        for bad in ["", "!!!", "abc", "e30", "bnVsbA", &"A".repeat(5000)] {
            assert_eq!(
                Cursor::decode(bad, "name", KeyKind::Text),
                Err(CursorError),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_cursors_forged_for_another_sort_or_key_type() {
        let encoded = name_cursor().encode();
        assert_eq!(
            Cursor::decode(&encoded, "size", KeyKind::Int),
            Err(CursorError)
        );
        assert_eq!(
            Cursor::decode(&encoded, "name", KeyKind::Int),
            Err(CursorError)
        );

        let forged = URL_SAFE_NO_PAD.encode(br#"{"s":"name","k":"x","i":0}"#);
        assert_eq!(
            Cursor::decode(&forged, "name", KeyKind::Text),
            Err(CursorError)
        );
        let forged = URL_SAFE_NO_PAD.encode(br#"{"s":"name","k":["x"],"i":3}"#);
        assert_eq!(
            Cursor::decode(&forged, "name", KeyKind::Text),
            Err(CursorError)
        );
        // A tampered byte in the middle breaks the JSON or the base64.
        let mut tampered = encoded.into_bytes();
        tampered[3] = b'*';
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(
            Cursor::decode(&tampered, "name", KeyKind::Text),
            Err(CursorError)
        );
    }
}
