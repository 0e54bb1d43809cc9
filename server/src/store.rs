//! The database's connections: one writer, behind a lock, so that writers queue in
//! order instead of meeting SQLite's busy handler (which sleeps in steps of up to
//! 100 ms: the tail the server had), and a pool of readers, which WAL lets read while
//! the writer writes. Connections are opened once and kept.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::db;
use crate::errors::ServerError;

/// The most readers kept open; more are opened while needed and then closed.
const KEPT_READERS: usize = 8;

/// The database file's connections.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

impl Store {
    /// Opens the database at `path`, creating and migrating it.
    ///
    /// # Errors
    /// The database cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Store, rusqlite::Error> {
        let mut writer = db::open(path)?;
        db::migrate(&mut writer)?;
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// Runs `work` on a reader (blocking: call it from a blocking task).
    ///
    /// # Errors
    /// The reader cannot be opened, or as `work`.
    pub fn read<T>(
        &self,
        work: impl FnOnce(&Connection) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let kept = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let reader = match kept {
            Some(reader) => reader,
            None => db::open(&self.path)?,
        };
        let result = work(&reader);
        let mut readers = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if readers.len() < KEPT_READERS {
            readers.push(reader);
        }
        result
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction on the writer, which `work`
    /// commits, or drops to roll back (blocking: call it from a blocking task).
    ///
    /// # Errors
    /// The transaction cannot begin, or as `work`.
    pub fn write<T>(
        &self,
        work: impl FnOnce(Transaction<'_>) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        work(tx)
    }
}
