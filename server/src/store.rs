//! The database's connections: one writer, behind a lock, so that writers queue in
//! order instead of meeting SQLite's busy handler (which sleeps in steps of up to
//! 100 ms: the tail the server had), and a pool of readers, which WAL lets read while
//! the writer writes. Connections are opened once and kept.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::db;
use crate::errors::ServerError;

/// The most readers kept open; more are opened while needed and then closed.
const KEPT_READERS: usize = 8;

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

/// How often the write-ahead log is folded back into the database.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

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

/// Folds the write-ahead log back every [`CHECKPOINT_EVERY`] on a connection of its
/// own, without waiting for readers or the writer (`PASSIVE`), so that no commit pays
/// for a checkpoint (SQLite's automatic one runs inside the commit that crosses 1,000
/// pages). Ends when the sender is dropped.
fn checkpoints(path: &Path) -> Result<(mpsc::Sender<()>, JoinHandle<()>), rusqlite::Error> {
    let connection = db::open(path)?;
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
        let mut writer = db::open(path)?;
        db::migrate(&mut writer)?;
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
