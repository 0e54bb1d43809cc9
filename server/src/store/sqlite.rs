//! SQLite: one writer, behind a lock, so that writers queue in order instead of meeting
//! SQLite's busy handler (which sleeps in steps of up to 100 ms: the tail the server
//! had), and a pool of readers, which WAL lets read while the writer writes.
//! Connections are opened once and kept, their statements prepared once. The
//! statements are [`super::queries`]'.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::sql::{Cell, Param, Sql, SqlWrite};
use super::{Reads, Writes};
use crate::errors::ServerError;

/// How long a statement waits for a busy database before it gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The most readers kept open; more are opened while needed and then closed.
const KEPT_READERS: usize = 8;

/// How often the write-ahead log is folded back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// The migrations, in order: `PRAGMA user_version` counts how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/sqlite/0001_schema.sql"),
    include_str!("../../migrations/sqlite/0002_session_idle.sql"),
    include_str!("../../migrations/sqlite/0003_throttle.sql"),
    include_str!("../../migrations/sqlite/0004_username_index.sql"),
];

/// When a commit reaches the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synchronous {
    /// At the next checkpoint (within a second): a commit survives the
    /// process being killed; a power loss may take the last second's commits back,
    /// never the database's consistency. About three times the commits a second.
    Normal,
    /// At every commit (SQLite's `FULL`): a commit survives a power loss too.
    Full,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Normal => "NORMAL",
            Synchronous::Full => "FULL",
        }
    }
}

/// The database file's connections.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    checkpoints: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.checkpoints.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}

/// Opens the database file with the settings every connection needs.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // Every statement the server runs stays prepared (one per column write among them).
    connection.set_prepared_statement_cache_capacity(64);
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(connection)
}

/// Applies the migrations not yet applied, each in its own transaction, and turns on
/// write-ahead logging (so that readers do not wait for the writer).
fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "journal_mode", "WAL")?;
    let applied: usize = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = connection.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Folds the write-ahead log back every [`CHECKPOINT_EVERY`] on a connection of its
/// own, without waiting for readers or the writer (`PASSIVE`), so that no commit pays
/// for a checkpoint (SQLite's automatic one runs inside the commit that crosses 1,000
/// pages). Ends when the sender is dropped.
fn checkpoints(path: &Path) -> Result<(mpsc::Sender<()>, JoinHandle<()>), rusqlite::Error> {
    let connection = open(path)?;
    connection.pragma_update(None, "synchronous", Synchronous::Normal.pragma())?;
    let (stop, stopped) = mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
            if let Err(error) =
                connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            {
                tracing::warn!(%error, "checkpoint failed");
            }
        }
    });
    Ok((stop, thread))
}

impl Store {
    /// Opens the database at `path`, creating and migrating it.
    ///
    /// # Errors
    /// The database cannot be opened or migrated.
    pub fn open(path: &Path, synchronous: Synchronous) -> Result<Store, rusqlite::Error> {
        let mut writer = open(path)?;
        migrate(&mut writer)?;
        writer.pragma_update(None, "synchronous", synchronous.pragma())?;
        // Checkpoints beside the writer pay off where commits do not sync; where each
        // does (`Full`), SQLite's own in the commit measured faster.
        let checkpoints = match synchronous {
            Synchronous::Normal => {
                writer.pragma_update(None, "wal_autocheckpoint", 0)?;
                Some(checkpoints(path)?)
            }
            Synchronous::Full => None,
        };
        Ok(Store {
            path: path.to_owned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            checkpoints,
        })
    }

    /// Runs `work` on a pooled reader.
    pub(super) fn read<T>(
        &self,
        work: impl FnOnce(&mut dyn Reads) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let kept = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let reader = match kept {
            Some(reader) => reader,
            None => open(&self.path)?,
        };
        let result = work(&mut Reader(&reader));
        let mut readers = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if readers.len() < KEPT_READERS {
            readers.push(reader);
        }
        result
    }

    /// Runs `work` once, in a `BEGIN IMMEDIATE` transaction on the writer: no other
    /// writer comes between its reads and its writes.
    pub(super) fn write<T>(
        &self,
        mut work: impl FnMut(&mut dyn Writes) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = writer.transaction_with_behavior(TransactionBehavior::Immediate)?;
        work(&mut Writer(Some(tx)))
    }
}

/// A pooled reader's connection.
struct Reader<'c>(&'c Connection);

/// The writer's transaction, until committed.
struct Writer<'c>(Option<Transaction<'c>>);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match *self {
            Param::Int(value) => ToSqlOutput::Borrowed(ValueRef::Integer(value)),
            Param::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Param::Null => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}

fn rows(
    connection: &Connection,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<Vec<Cell>>, ServerError> {
    let mut statement = connection.prepare_cached(sql)?;
    let columns = statement.column_count();
    let rows = statement.query_map(rusqlite::params_from_iter(params), |row| {
        (0..columns)
            .map(|i| {
                Ok(match row.get_ref(i)? {
                    ValueRef::Integer(value) => Cell::Int(value),
                    ValueRef::Text(text) => Cell::Text(String::from_utf8_lossy(text).into_owned()),
                    // No column of the schema holds another type.
                    ValueRef::Null | ValueRef::Real(_) | ValueRef::Blob(_) => Cell::Null,
                })
            })
            .collect()
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Sql for Reader<'_> {
    fn rows(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, ServerError> {
        rows(self.0, sql, params)
    }
}

impl Writer<'_> {
    fn connection(&self) -> Result<&Connection, ServerError> {
        // Committed: the work went on after its commit, which is the server's fault.
        self.0.as_deref().ok_or(ServerError::Internal)
    }
}

impl Sql for Writer<'_> {
    fn rows(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, ServerError> {
        rows(self.connection()?, sql, params)
    }
}

impl SqlWrite for Writer<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, ServerError> {
        let changed = self
            .connection()?
            .prepare_cached(sql)?
            .execute(rusqlite::params_from_iter(params))?;
        Ok(u64::try_from(changed).unwrap_or(u64::MAX))
    }

    fn commit(&mut self) -> Result<(), ServerError> {
        let tx = self.0.take().ok_or(ServerError::Internal)?;
        tx.commit()?;
        Ok(())
    }
}
