//! Finding assets by name, for the listing and Trash, in bounded time at
//! any size.
//!
//! A term of three characters or more is looked up in the trigram index
//! (SQLite: the FTS5 table `asset_names`, migration 0002; PostgreSQL: the
//! `pg_trgm` index `assets_name_trgm`) and then checked with `LIKE`, so both
//! paths below agree on what matches; a shorter term is a prefix range on
//! the name indexes. Either way the first step collects at most
//! [`MATCH_COUNT_CAP`] + 1 matching ids in the listing's scope:
//! - up to the cap, those ids are the whole answer: the page is a lookup
//!   of them and the count is exact;
//! - past it, the term is common, so walking the sort's index and testing
//!   each name finds a page quickly, and the count is shown as "1,000+".

use sqlx::AnyConnection;

use crate::domain::error::AppError;
use crate::domain::ids::AssetId;
use crate::domain::paging::{
    is_prefix_search, normalize_search, MATCH_COUNT_CAP, MAX_SEARCH_CHARS,
};
use crate::platform::db::{Dialect, Sql};

/// A validated search of names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameSearch {
    /// Names containing the term, anywhere (three characters or more).
    Contains {
        /// An FTS5 phrase of the term's trigrams.
        phrase: String,
        /// A `LIKE` pattern with `%`, `_` and `\` escaped.
        pattern: String,
    },
    /// Names starting with a term of one or two characters: the range
    /// `[from, to)` under the column's NOCASE collation.
    StartsWith { from: String, to: String },
}

impl NameSearch {
    /// What a person typed; `None` when there is nothing to search for.
    pub fn parse(input: &str) -> Result<Option<Self>, AppError> {
        let term = normalize_search(input);
        if term.is_empty() {
            return Ok(None);
        }
        if term.chars().count() > MAX_SEARCH_CHARS {
            return Err(AppError::validation(format!(
                "Search is limited to {MAX_SEARCH_CHARS} characters."
            )));
        }
        if is_prefix_search(&term) {
            // No stored name has U+10FFFF (a noncharacter) after the
            // prefix, so every name starting with it sorts before `to`.
            let to = format!("{term}\u{10FFFF}");
            return Ok(Some(Self::StartsWith { from: term, to }));
        }
        let phrase = format!("\"{}\"", term.replace('"', "\"\""));
        let mut pattern = String::with_capacity(term.len() + 2);
        pattern.push('%');
        for c in term.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        Ok(Some(Self::Contains { phrase, pattern }))
    }

    /// Appends this search as a condition on `a.name` (" AND …"), for the
    /// walk of an index when the term is common.
    fn push_name_condition<'a>(&'a self, qb: &mut Sql<'a>) {
        self.push_condition_on(qb, "a.name");
    }

    /// Appends this search as a condition on `column` (" AND …"): a
    /// `NOCASE` name column of a table without a trigram index (folders,
    /// of which there are few).
    pub fn push_condition_on<'a>(&'a self, qb: &mut Sql<'a>, column: &str) {
        match self {
            Self::Contains { pattern, .. } => push_like(qb, column, pattern),
            Self::StartsWith { from, to } => {
                qb.push(format_args!(" AND {column} >= "))
                    .push_bind(from)
                    .push(format_args!(" AND {column} < "))
                    .push_bind(to);
            }
        }
    }
}

/// " AND `column` contains `pattern`", ignoring ASCII case. SQLite's
/// `LIKE` does so on its own; on PostgreSQL (whose case-insensitive
/// collation refuses `LIKE`) both sides are lowered as plain bytes, which
/// is also the expression its trigram index (`assets_name_trgm`) is on.
fn push_like<'a>(qb: &mut Sql<'a>, column: &str, pattern: &'a String) {
    match crate::platform::db::dialect() {
        Dialect::Sqlite => {
            qb.push(format_args!(" AND {column} LIKE "))
                .push_bind(pattern)
                .push(" ESCAPE '\\'");
        }
        Dialect::Postgres => {
            qb.push(format_args!(
                " AND lower({column} COLLATE \"C\") LIKE lower("
            ))
            .push_bind(pattern)
            .push(" COLLATE \"C\") ESCAPE '\\'");
        }
    }
}

/// The assets a searched listing may show, found by [`narrow`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Narrowed {
    /// All of them, at most [`MATCH_COUNT_CAP`]: a JSON array of ids.
    Few { ids: String, count: usize },
    /// More than the cap: the listing tests names as it walks its index.
    Many,
}

impl Narrowed {
    /// Appends the condition that keeps only matching rows (" AND …"):
    /// with many, the search's own (a filter without a search is in the
    /// read's scope already).
    pub fn push_condition<'a>(&'a self, search: Option<&'a NameSearch>, qb: &mut Sql<'a>) {
        match (self, search) {
            (Self::Few { ids, .. }, _) => {
                qb.push(" AND a.id IN (SELECT value FROM json_each(")
                    .push_bind(ids)
                    .push("))");
            }
            (Self::Many, Some(search)) => search.push_name_condition(qb),
            (Self::Many, None) => {}
        }
    }

    /// The count to show and whether it is only a lower bound.
    pub fn total(&self) -> (i64, bool) {
        match self {
            Self::Few { count, .. } => (*count as i64, false),
            Self::Many => (MATCH_COUNT_CAP as i64, true),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Self::Few { count: 0, .. })
    }
}

/// A listing's search, when it has one (or a filter of its scope that no
/// kept counter counts), with what [`narrow`] found of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Searched<'a>(Option<(Option<&'a NameSearch>, Narrowed)>);

impl<'a> Searched<'a> {
    /// Narrows `search` (if any) among the rows `scope` keeps, as
    /// [`narrow`] does.
    pub async fn run(
        conn: &mut AnyConnection,
        search: Option<&'a NameSearch>,
        scope: impl for<'q> FnOnce(&mut Sql<'q>),
    ) -> Result<Self, AppError> {
        Self::run_filtered(conn, search, false, scope).await
    }

    /// [`Searched::run`], narrowing the rows `scope` keeps even without a
    /// search when `filtered` (a condition of the scope, such as the Usage
    /// filter, that no kept counter counts): the page is then a lookup of
    /// at most [`MATCH_COUNT_CAP`] ids with an exact count, or, past it, a
    /// walk of the sort's index through the scope's condition.
    pub async fn run_filtered(
        conn: &mut AnyConnection,
        search: Option<&'a NameSearch>,
        filtered: bool,
        scope: impl for<'q> FnOnce(&mut Sql<'q>),
    ) -> Result<Self, AppError> {
        Ok(Self(if search.is_some() || filtered {
            Some((search, narrow(conn, search, scope).await?))
        } else {
            None
        }))
    }

    /// A read of the listing's assets (`qb`, on `assets a`) kept to the
    /// matches; `None` when the search found none, so it need not run.
    pub fn keep_matches(&'a self, mut qb: Sql<'a>) -> Option<Sql<'a>> {
        match &self.0 {
            Some((_, narrowed)) if narrowed.is_empty() => None,
            Some((search, narrowed)) => {
                narrowed.push_condition(*search, &mut qb);
                Some(qb)
            }
            None => Some(qb),
        }
    }

    /// The count to show and whether it is only a lower bound, when there
    /// is a search.
    pub fn total(&self) -> Option<(i64, bool)> {
        self.0.as_ref().map(|(_, narrowed)| narrowed.total())
    }
}

/// Collects up to the cap + 1 ids matching `search` (all of them without
/// one) among the rows that `scope` keeps (it appends " AND …" conditions
/// on `assets a`, and should name `a.space_id` and `a.deleted_at` so that
/// the partial indexes apply). Run it on the same connection as the page
/// query.
pub async fn narrow(
    conn: &mut AnyConnection,
    search: Option<&NameSearch>,
    scope: impl for<'q> FnOnce(&mut Sql<'q>),
) -> Result<Narrowed, AppError> {
    let ids = all_matching_ids(conn, search, MATCH_COUNT_CAP, scope).await?;
    if ids.len() > MATCH_COUNT_CAP {
        return Ok(Narrowed::Many);
    }
    let count = ids.len();
    let ids = serde_json::to_string(&ids).map_err(AppError::internal)?;
    Ok(Narrowed::Few { ids, count })
}

/// Every id in `scope` whose name matches `search` (all of them when there
/// is no search), up to `limit` + 1 so that the caller can refuse more: for
/// changes to "all matching" assets, which need the exact set. The index
/// finds a term's matches; no scan of the space's names.
pub async fn all_matching_ids(
    conn: &mut AnyConnection,
    search: Option<&NameSearch>,
    limit: usize,
    scope: impl for<'q> FnOnce(&mut Sql<'q>),
) -> Result<Vec<AssetId>, AppError> {
    let mut qb = Sql::new("");
    push_matching(&mut qb, search, limit, scope);
    Ok(qb.build_query_scalar().fetch_all(&mut *conn).await?)
}

/// How many ids [`all_matching_ids`] would return, counted by the
/// database instead of sent over one by one.
pub async fn count_matching(
    conn: &mut AnyConnection,
    search: Option<&NameSearch>,
    limit: usize,
    scope: impl for<'q> FnOnce(&mut Sql<'q>),
) -> Result<u64, AppError> {
    let mut qb = Sql::new("SELECT COUNT(*) FROM (");
    push_matching(&mut qb, search, limit, scope);
    qb.push(") AS matching");
    let count: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await?;
    Ok(count.max(0) as u64)
}

/// `SELECT a.id …` of the matching rows in `scope`, at most `limit` + 1.
pub fn push_matching<'a>(
    qb: &mut Sql<'a>,
    search: Option<&'a NameSearch>,
    limit: usize,
    scope: impl FnOnce(&mut Sql<'a>),
) {
    match search {
        Some(NameSearch::Contains { phrase, pattern }) => {
            match crate::platform::db::dialect() {
                // CROSS JOIN keeps this order: the FTS5 trigram index finds
                // the candidates, then each is checked in `assets` (never a
                // scan of `assets` probing the index per row).
                Dialect::Sqlite => {
                    qb.push(
                        "SELECT a.id FROM asset_names f CROSS JOIN assets a ON a.id = f.rowid \
                         WHERE asset_names MATCH ",
                    )
                    .push_bind(phrase);
                }
                // The trigram index on the lowered name serves `LIKE` itself.
                Dialect::Postgres => {
                    qb.push("SELECT a.id FROM assets a WHERE TRUE");
                }
            }
            push_like(qb, "a.name", pattern);
        }
        Some(NameSearch::StartsWith { from, to }) => {
            qb.push("SELECT a.id FROM assets a WHERE a.name >= ")
                .push_bind(from)
                .push(" AND a.name < ")
                .push_bind(to);
        }
        None => {
            qb.push("SELECT a.id FROM assets a WHERE TRUE");
        }
    }
    scope(qb);
    qb.push(" LIMIT ").push_bind(limit as i64 + 1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_of_three_characters_or_more_are_searched_inside_names() {
        let Some(NameSearch::Contains { phrase, pattern }) =
            NameSearch::parse("  50%_off \\ \"big\"  ").unwrap()
        else {
            panic!("expected a substring search");
        };
        assert_eq!(phrase, r#""50%_off \ ""big""""#);
        assert_eq!(pattern, r#"%50\%\_off \\ "big"%"#);
    }

    #[test]
    fn shorter_terms_match_the_start_of_names() {
        assert_eq!(
            NameSearch::parse(" ab ").unwrap(),
            Some(NameSearch::StartsWith {
                from: "ab".into(),
                to: "ab\u{10FFFF}".into()
            })
        );
        assert!(matches!(
            NameSearch::parse("é").unwrap(),
            Some(NameSearch::StartsWith { .. })
        ));
    }

    #[test]
    fn empty_and_over_long_terms() {
        assert_eq!(NameSearch::parse(" \t ").unwrap(), None);
        assert!(NameSearch::parse(&"x".repeat(MAX_SEARCH_CHARS + 1)).is_err());
        assert!(NameSearch::parse(&"é".repeat(MAX_SEARCH_CHARS)).is_ok());
    }
}
