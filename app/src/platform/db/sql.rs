//! [`Sql`]: a statement built piece by piece, with `$N` placeholders.
//!
//! sqlx's `QueryBuilder<Any>` writes `?` for every bound value, which
//! PostgreSQL rejects; `$N` is what PostgreSQL takes and SQLite reads too.
//! The same small surface as `QueryBuilder` (`push`, `push_bind`,
//! `push_values`, `build*`), so statements read the same.

use std::fmt::{Display, Write as _};

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs, QueryScalar};
use sqlx::{Any, Arguments as _, Encode, Type};

pub struct Sql<'args> {
    text: String,
    arguments: AnyArguments<'args>,
    bound: usize,
}

impl<'args> Sql<'args> {
    pub fn new(init: impl Into<String>) -> Self {
        Self {
            text: init.into(),
            arguments: AnyArguments::default(),
            bound: 0,
        }
    }

    /// Appends SQL text (never a value a person typed: bind those).
    pub fn push(&mut self, text: impl Display) -> &mut Self {
        let _ = write!(self.text, "{text}");
        self
    }

    /// Appends a placeholder and binds `value` to it.
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'args + Encode<'args, Any> + Type<Any>,
    {
        self.bound += 1;
        let _ = write!(self.text, "${}", self.bound);
        // `Any` encodes by pushing the value on a list: it cannot fail. If
        // it ever did, the statement would have a placeholder without its
        // value, and the database would refuse it.
        let _ = self.arguments.add(value);
        self
    }

    /// ` {column} = $n`, or ` {column} IS NULL` for `None`: each can use
    /// an index on both databases (PostgreSQL cannot for `IS NOT DISTINCT
    /// FROM`, and does not take SQLite's `IS $n`).
    pub fn push_matches<T>(&mut self, column: &str, value: Option<T>) -> &mut Self
    where
        T: 'args + Encode<'args, Any> + Type<Any>,
    {
        match value {
            Some(value) => self.push(format_args!(" {column} = ")).push_bind(value),
            None => self.push(format_args!(" {column} IS NULL")),
        }
    }

    /// `VALUES (…), (…)`: one parenthesised row per item, its values bound
    /// by `row`.
    pub fn push_values<I>(
        &mut self,
        items: I,
        mut row: impl FnMut(SqlRow<'_, 'args>, I::Item),
    ) -> &mut Self
    where
        I: IntoIterator,
    {
        self.push("VALUES ");
        for (n, item) in items.into_iter().enumerate() {
            if n > 0 {
                self.push(", ");
            }
            self.push("(");
            row(
                SqlRow {
                    sql: self,
                    first: true,
                },
                item,
            );
            self.push(")");
        }
        self
    }

    /// The statement so far, with its placeholders.
    pub fn sql(&self) -> &str {
        &self.text
    }

    fn take_arguments(&mut self) -> AnyArguments<'args> {
        std::mem::take(&mut self.arguments)
    }

    pub fn build<'q>(&'q mut self) -> Query<'q, Any, AnyArguments<'q>>
    where
        'args: 'q,
    {
        let arguments: AnyArguments<'q> = self.take_arguments();
        sqlx::query_with(&self.text, arguments)
    }

    pub fn build_query_as<'q, T>(&'q mut self) -> QueryAs<'q, Any, T, AnyArguments<'q>>
    where
        'args: 'q,
        T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let arguments: AnyArguments<'q> = self.take_arguments();
        sqlx::query_as_with(&self.text, arguments)
    }

    pub fn build_query_scalar<'q, T>(&'q mut self) -> QueryScalar<'q, Any, T, AnyArguments<'q>>
    where
        'args: 'q,
        (T,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        let arguments: AnyArguments<'q> = self.take_arguments();
        sqlx::query_scalar_with(&self.text, arguments)
    }
}

/// One row of [`Sql::push_values`]: its values, comma-separated.
pub struct SqlRow<'s, 'args> {
    sql: &'s mut Sql<'args>,
    first: bool,
}

impl<'args> SqlRow<'_, 'args> {
    pub fn push_bind<T>(&mut self, value: T) -> &mut Self
    where
        T: 'args + Encode<'args, Any> + Type<Any>,
    {
        if !self.first {
            self.sql.push(", ");
        }
        self.first = false;
        self.sql.push_bind(value);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let mut sql = Sql::new("SELECT id FROM assets WHERE space_id = ");
        sql.push_bind(7_i64).push(" AND name > ").push_bind("b");
        sql.push(" LIMIT ").push_bind(51_i64);
        assert_eq!(
            sql.sql(),
            "SELECT id FROM assets WHERE space_id = $1 AND name > $2 LIMIT $3"
        );
        let mut insert = Sql::new("INSERT INTO t (a, b) ");
        insert.push_values([(1_i64, "x"), (2, "y")], |mut row, (a, b)| {
            row.push_bind(a).push_bind(b);
        });
        assert_eq!(
            insert.sql(),
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)"
        );
    }
}
