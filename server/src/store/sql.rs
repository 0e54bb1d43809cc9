//! What both databases are asked, at its smallest: read rows, and in a write run a
//! statement and commit. The
//! statements themselves are written once ([`super::queries`]), in the SQL both
//! databases speak, with `$1`-style parameters (to SQLite, named parameters numbered in
//! the order they first appear, which every statement keeps).

use crate::errors::ServerError;

/// A value handed to a statement.
#[derive(Debug, Clone, Copy)]
pub(super) enum Param<'a> {
    /// An integer.
    Int(i64),
    /// A text.
    Text(&'a str),
    /// No value.
    Null,
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(text: &'a str) -> Param<'a> {
        Param::Text(text)
    }
}

impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}

impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Param<'a> {
        value.map_or(Param::Null, Into::into)
    }
}

/// A value read from a row: integers and booleans as integers, texts as texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cell {
    /// An integer (a boolean is 0 or 1).
    Int(i64),
    /// A text.
    Text(String),
    /// No value.
    Null,
}

impl Cell {
    /// The integer, or the server's own failure (the schema says it is one).
    pub(super) fn int(&self) -> Result<i64, ServerError> {
        match self {
            Cell::Int(value) => Ok(*value),
            _ => Err(ServerError::Internal),
        }
    }

    /// The integer, if there is a value.
    pub(super) fn optional_int(&self) -> Result<Option<i64>, ServerError> {
        match self {
            Cell::Null => Ok(None),
            cell => cell.int().map(Some),
        }
    }

    /// The text, or the server's own failure (the schema says it is one).
    pub(super) fn text(self) -> Result<String, ServerError> {
        match self {
            Cell::Text(text) => Ok(text),
            _ => Err(ServerError::Internal),
        }
    }
}

/// A transaction of either database, as [`super::queries`] reads through it.
pub(super) trait Sql {
    /// Runs a query; its rows.
    ///
    /// # Errors
    /// The database fails.
    fn rows(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, ServerError>;
}

/// A transaction that may write: the store hands out only these as [`super::Writes`].
pub(super) trait SqlWrite: Sql {
    /// Runs a statement; the rows it changed.
    ///
    /// # Errors
    /// The database fails.
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, ServerError>;

    /// Commits; nothing may follow.
    ///
    /// # Errors
    /// The commit fails.
    fn commit(&mut self) -> Result<(), ServerError>;
}
