//! Listings in two parts, folders first and then assets, keyset-paged as
//! one: a page may end in the folders, start in the assets or hold some of
//! each, and its cursors say which part they stand in. A listing gives its
//! two parts ([`Part`]: its filtered `SELECT`, its order and a row's
//! cursor); [`read_page`] reads a page of them, with its links.

use sqlx::any::AnyRow;
use sqlx::AnyConnection;

use super::{push_seek, Cursor, KeyKind, Position};
use crate::domain::error::AppError;
use crate::domain::paging::PageAt;
use crate::platform::db::Sql;

/// Which part of a listing in two parts (folders first, then assets) a
/// page or a cursor stands in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Folders,
    Assets,
}

impl Position {
    /// Where a page of a two-part listing starts: the first page in its
    /// folders (when it shows any: `folders` names their cursors), else in
    /// the part the cursor belongs to (400 if it is neither's).
    pub fn decode_two_part(
        at: &PageAt,
        assets: (&str, KeyKind),
        folders: Option<(&str, KeyKind)>,
    ) -> Result<(Phase, Self), AppError> {
        match (Self::decode(at, assets.0, assets.1), folders) {
            (Ok(Self::First), Some(_)) => Ok((Phase::Folders, Self::First)),
            (Ok(position), _) => Ok((Phase::Assets, position)),
            (Err(error), None) => Err(error),
            (Err(_), Some((sort, kind))) => Ok((Phase::Folders, Self::decode(at, sort, kind)?)),
        }
    }

    /// The reads of one page from here, in `phase`: forward, the folders
    /// run out into the assets; backward, the assets into the folders. The
    /// second read starts at that part's end, with no cursor.
    fn reads(&self, phase: Phase) -> [(Option<Phase>, Option<&Cursor>); 2] {
        let (cursor, forward) = self.seek();
        let then = match (phase, forward) {
            (Phase::Folders, true) => Some(Phase::Assets),
            (Phase::Assets, false) => Some(Phase::Folders),
            _ => None,
        };
        [(Some(phase), cursor), (then, None)]
    }
}

/// The order of a part: by `alias.column`, then `alias.id` (an index on
/// the two serves it), ascending or not when the listing reads forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    pub alias: &'static str,
    pub column: &'static str,
    pub ascending: bool,
}

/// One part of a two-part listing: which rows, in which order, and how a
/// row is held and found again.
pub trait Part {
    /// A row as the part's statement reads it.
    type Row: for<'r> sqlx::FromRow<'r, AnyRow> + Send + Unpin;
    /// A row as the page holds it.
    type Item: From<Self::Row>;

    /// `SELECT … WHERE …`: the part's rows as the listing's filters keep
    /// them, to which a read appends its seek (" AND (key, id) > (…)
    /// ORDER BY … LIMIT …"); `None` when the part is known to have no rows
    /// here, and is not read.
    fn select(&self) -> Option<Sql<'_>>;

    /// The part's order, whose key its cursors carry.
    fn order(&self) -> Order;

    /// The cursor (encoded) of a page that ends at `item`.
    fn cursor(&self, item: &Self::Item) -> String;
}

/// One page of a two-part listing: its rows of each part, in listing
/// order, and the cursors of the pages before and after it.
#[derive(Debug)]
pub struct Page<F, A> {
    pub folders: Vec<F>,
    pub assets: Vec<A>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// A row of a page, of either part.
enum Row<F, A> {
    Folder(F),
    Asset(A),
}

/// Reads the page of `folders` then `assets` that starts `at` (in
/// `phase`): up to `limit` rows and one more, which says whether a page
/// follows; each read is one range of its part's index, never an OFFSET.
///
/// It runs on the connection of the listing's other statements (search,
/// counts, labels). No transaction: a row that changes between them shows
/// up (or not) on the next refresh, and BEGIN/COMMIT would cost two more
/// round trips on every page.
pub async fn read_page<F: Part, A: Part>(
    conn: &mut AnyConnection,
    phase: Phase,
    at: &Position,
    limit: u32,
    folders: &F,
    assets: &A,
) -> Result<Page<F::Item, A::Item>, AppError> {
    let forward = at.seek().1;
    let mut rows = Vec::new();
    for (phase, cursor) in at.reads(phase) {
        let take = limit as usize + 1 - rows.len();
        match phase {
            _ if take == 0 => break,
            None => break,
            Some(Phase::Folders) => rows.extend(
                read(conn, folders, cursor, forward, take)
                    .await?
                    .map(Row::Folder),
            ),
            Some(Phase::Assets) => rows.extend(
                read(conn, assets, cursor, forward, take)
                    .await?
                    .map(Row::Asset),
            ),
        }
    }
    let cursor = |row: &Row<F::Item, A::Item>| match row {
        Row::Folder(item) => folders.cursor(item),
        Row::Asset(item) => assets.cursor(item),
    };
    let (rows, prev, next) = at.page(rows, limit, cursor);
    let mut page = Page {
        folders: Vec::new(),
        assets: Vec::new(),
        prev,
        next,
    };
    for row in rows {
        match row {
            Row::Folder(item) => page.folders.push(item),
            Row::Asset(item) => page.assets.push(item),
        }
    }
    Ok(page)
}

/// Up to `take` rows of `part` from `cursor` (from its start without one):
/// in the part's order when reading `forward`, else the other way.
async fn read<P: Part>(
    conn: &mut AnyConnection,
    part: &P,
    cursor: Option<&Cursor>,
    forward: bool,
    take: usize,
) -> Result<impl Iterator<Item = P::Item>, AppError> {
    let rows: Vec<P::Row> = match part.select() {
        None => Vec::new(),
        Some(mut qb) => {
            let Order {
                alias,
                column,
                ascending,
            } = part.order();
            push_seek(&mut qb, alias, column, cursor, ascending == forward, take);
            qb.build_query_as().fetch_all(&mut *conn).await?
        }
    };
    Ok(rows.into_iter().map(P::Item::from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::keyset::CursorKey;

    #[test]
    fn a_page_runs_from_one_part_into_the_other_in_its_direction() {
        let at = Cursor {
            sort: "n".into(),
            key: CursorKey::Int(1),
            id: 1,
        };
        let (folders, assets) = (Some(Phase::Folders), Some(Phase::Assets));
        // Forward, the folders run out into the assets, read from their start.
        assert_eq!(
            Position::First.reads(Phase::Folders),
            [(folders, None), (assets, None)]
        );
        assert_eq!(
            Position::After(at.clone()).reads(Phase::Folders),
            [(folders, Some(&at)), (assets, None)]
        );
        assert_eq!(
            Position::After(at.clone()).reads(Phase::Assets),
            [(assets, Some(&at)), (None, None)]
        );
        // Backward, the assets run out into the folders, read from their end.
        assert_eq!(
            Position::Before(at.clone()).reads(Phase::Assets),
            [(assets, Some(&at)), (folders, None)]
        );
        assert_eq!(
            Position::Before(at.clone()).reads(Phase::Folders),
            [(folders, Some(&at)), (None, None)]
        );
    }
}
