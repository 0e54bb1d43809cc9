//! SQLite: one writer, behind a lock, so that writers queue in order instead of meeting
//! SQLite's busy handler (which sleeps in steps of up to 100 ms: the tail the server
//! had), and a pool of readers, which WAL lets read while the writer writes.
//! Connections are opened once and kept, their statements prepared once.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use enswitch_people::{FieldSet, Person, Roles, Update, Valid, Write};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::{Reads, Row, Session, StoredCounter, Writes};
use super::{
    column, person_columns, person_from, person_texts, plan_from, roles_from, signed, unsigned,
};
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

/// A connection to read through.
trait Connected {
    fn connection(&self) -> Result<&Connection, ServerError>;
}

impl Connected for Reader<'_> {
    fn connection(&self) -> Result<&Connection, ServerError> {
        Ok(self.0)
    }
}

impl Connected for Writer<'_> {
    fn connection(&self) -> Result<&Connection, ServerError> {
        // Committed: the work went on after its commit, which is the server's fault.
        self.0.as_deref().ok_or(ServerError::Internal)
    }
}

fn person_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let (id, customer, role): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
    person_from(unsigned(id), unsigned(customer), unsigned(role), |i| {
        Ok(r.get(i)?)
    })
    .map_err(|_| rusqlite::Error::InvalidColumnIndex(0))
}

impl<C: Connected> Reads for C {
    fn person(&mut self, id: u64) -> Result<Option<Row>, ServerError> {
        let sql = format!("SELECT {} FROM people WHERE id = ?1", person_columns());
        Ok(self
            .connection()?
            .prepare_cached(&sql)?
            .query_row([signed(id)], person_row)
            .optional()?)
    }

    fn person_by_username(&mut self, username: &str) -> Result<Option<Row>, ServerError> {
        // The column's NOCASE collation compares ignoring (ASCII) case.
        let sql = format!(
            "SELECT {} FROM people WHERE username = ?1",
            person_columns()
        );
        Ok(self
            .connection()?
            .prepare_cached(&sql)?
            .query_row([username], person_row)
            .optional()?)
    }

    fn username_taken(&mut self, username: &str, except: u64) -> Result<bool, ServerError> {
        Ok(self
            .connection()?
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM people WHERE username = ?1 AND id != ?2)",
            )?
            .query_row(params![username, signed(except)], |r| r.get(0))?)
    }

    fn roles(&mut self) -> Result<Roles, ServerError> {
        let connection = self.connection()?;
        let mut statement = connection.prepare_cached("SELECT id, name, privileges FROM roles")?;
        let rows = statement
            .query_map([], |r| Ok((unsigned(r.get(0)?), r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(roles_from(rows))
    }

    fn customer_chain(&mut self, customer: u64) -> Result<Vec<u64>, ServerError> {
        let connection = self.connection()?;
        let count: i64 = connection
            .prepare_cached("SELECT COUNT(*) FROM customers")?
            .query_row([], |r| r.get(0))?;
        let mut chain = vec![customer];
        let mut current = customer;
        // Bounded by the number of customers: a cycle ends it.
        while i64::try_from(chain.len()).unwrap_or(i64::MAX) <= count {
            let parent: Option<i64> = connection
                .prepare_cached("SELECT parent FROM customers WHERE id = ?1")?
                .query_row([signed(current)], |r| r.get(0))
                .optional()?
                .flatten();
            let Some(parent) = parent else { break };
            current = unsigned(parent);
            chain.push(current);
        }
        Ok(chain)
    }

    fn plan_forbids(&mut self, customer: u64) -> Result<FieldSet, ServerError> {
        let text: Option<String> = self
            .connection()?
            .prepare_cached("SELECT plan_forbids FROM customers WHERE id = ?1")?
            .query_row([signed(customer)], |r| r.get(0))
            .optional()?;
        Ok(plan_from(text))
    }

    fn session(
        &mut self,
        token_hash: &str,
        now: i64,
        idle: i64,
    ) -> Result<Option<Session>, ServerError> {
        Ok(self
            .connection()?
            .prepare_cached(
                "SELECT person, last_used FROM sessions
                 WHERE token_hash = ?1 AND expires_at > ?2 AND last_used > ?2 - ?3",
            )?
            .query_row(params![token_hash, now, idle], |r| {
                Ok(Session {
                    person: unsigned(r.get(0)?),
                    last_used: r.get(1)?,
                })
            })
            .optional()?)
    }

    fn is_empty(&mut self) -> Result<bool, ServerError> {
        let people: i64 = self
            .connection()?
            .prepare_cached("SELECT COUNT(*) FROM people")?
            .query_row([], |r| r.get(0))?;
        Ok(people == 0)
    }

    fn password_hashes(&mut self) -> Result<Vec<String>, ServerError> {
        let connection = self.connection()?;
        let mut statement = connection.prepare_cached("SELECT password_hash FROM people")?;
        let hashes = statement.query_map([], |r| r.get(0))?;
        Ok(hashes.collect::<rusqlite::Result<_>>()?)
    }
}

impl Writer<'_> {
    fn execute(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize, ServerError> {
        Ok(self.connection()?.prepare_cached(sql)?.execute(params)?)
    }
}

impl Writes for Writer<'_> {
    fn write_changes(&mut self, update: &Valid<Update<'_>>) -> Result<bool, ServerError> {
        let person = signed(update.person().id);
        for write in update.writes() {
            let sql = format!(
                "UPDATE people SET {0} = ?1 WHERE id = ?2 AND {0} = ?3",
                column(write.field())
            );
            let changed = match write {
                Write::Text {
                    expected, value, ..
                } => self.execute(&sql, params![value, person, expected])?,
                Write::Role { expected, value } => {
                    self.execute(&sql, params![signed(value), person, signed(expected)])?
                }
            };
            if changed != 1 {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn set_password_hash(&mut self, person: u64, hash: &str) -> Result<(), ServerError> {
        self.execute(
            "UPDATE people SET password_hash = ?1 WHERE id = ?2",
            params![hash, signed(person)],
        )?;
        Ok(())
    }

    fn replace_password_hash(
        &mut self,
        person: u64,
        old: &str,
        new: &str,
    ) -> Result<bool, ServerError> {
        let changed = self.execute(
            "UPDATE people SET password_hash = ?1 WHERE id = ?2 AND password_hash = ?3",
            params![new, signed(person), old],
        )?;
        Ok(changed == 1)
    }

    fn queue(
        &mut self,
        person: u64,
        kind: &str,
        address: &str,
        now: i64,
    ) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO outbox (person, kind, address, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![signed(person), kind, address, now],
        )?;
        Ok(())
    }

    fn audit(&mut self, actor: u64, person: u64, diff: &str, now: i64) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO audit (actor, person, diff, at) VALUES (?1, ?2, ?3, ?4)",
            params![signed(actor), signed(person), diff, now],
        )?;
        Ok(())
    }

    fn create_session(
        &mut self,
        token_hash: &str,
        person: u64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO sessions (token_hash, person, expires_at, last_used) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, signed(person), expires_at, now],
        )?;
        Ok(())
    }

    fn touch_session(&mut self, token_hash: &str, now: i64) -> Result<(), ServerError> {
        self.execute(
            "UPDATE sessions SET last_used = ?2 WHERE token_hash = ?1",
            params![token_hash, now],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_hash: &str) -> Result<bool, ServerError> {
        let ended = self.execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(ended == 1)
    }

    fn end_sessions(&mut self, person: u64, keep: Option<&str>) -> Result<(), ServerError> {
        self.execute(
            "DELETE FROM sessions WHERE person = ?1 AND token_hash IS NOT ?2",
            params![signed(person), keep],
        )?;
        Ok(())
    }

    fn counter(&mut self, key: &str) -> Result<Option<StoredCounter>, ServerError> {
        Ok(self
            .connection()?
            .prepare_cached("SELECT attempts, last_ms FROM throttle_counters WHERE key = ?1")?
            .query_row([key], |r| {
                Ok(StoredCounter {
                    attempts: r.get(0)?,
                    last_ms: r.get(1)?,
                })
            })
            .optional()?)
    }

    fn set_counter(&mut self, key: &str, counter: StoredCounter) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO throttle_counters (key, attempts, last_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, last_ms = excluded.last_ms",
            params![key, counter.attempts, counter.last_ms],
        )?;
        Ok(())
    }

    fn forget_counters(&mut self, before_ms: i64) -> Result<(), ServerError> {
        self.execute(
            "DELETE FROM throttle_counters WHERE last_ms < ?1",
            [before_ms],
        )?;
        Ok(())
    }

    fn knows(&mut self, username: &str, origin: &str) -> Result<bool, ServerError> {
        Ok(self
            .connection()?
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM throttle_known WHERE username = ?1 AND origin = ?2)",
            )?
            .query_row([username, origin], |r| r.get(0))?)
    }

    fn remember(
        &mut self,
        username: &str,
        origin: &str,
        now_ms: i64,
        keep: usize,
    ) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO throttle_known (username, origin, at_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (username, origin) DO UPDATE SET at_ms = excluded.at_ms",
            params![username, origin, now_ms],
        )?;
        self.execute(
            "DELETE FROM throttle_known WHERE username = ?1 AND origin NOT IN
             (SELECT origin FROM throttle_known WHERE username = ?1 ORDER BY at_ms DESC LIMIT ?2)",
            params![username, i64::try_from(keep).unwrap_or(i64::MAX)],
        )?;
        Ok(())
    }

    fn insert_customer(
        &mut self,
        id: u64,
        parent: Option<u64>,
        plan_forbids: &str,
    ) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO customers (id, parent, plan_forbids) VALUES (?1, ?2, ?3)",
            params![signed(id), parent.map(signed), plan_forbids],
        )?;
        Ok(())
    }

    fn insert_role(&mut self, id: u64, name: &str, privileges: &str) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO roles (id, name, privileges) VALUES (?1, ?2, ?3)",
            params![signed(id), name, privileges],
        )?;
        Ok(())
    }

    fn insert_person(&mut self, person: &Person, password_hash: &str) -> Result<(), ServerError> {
        use rusqlite::types::Value;
        let ids = [person.id, person.customer, person.role].map(|id| Value::Integer(signed(id)));
        let texts = person_texts(person, password_hash).map(|text| Value::Text(text.to_owned()));
        let values: Vec<Value> = ids.into_iter().chain(texts).collect();
        let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO people ({}) VALUES ({})",
            person_columns(),
            placeholders.join(", ")
        );
        self.execute(&sql, rusqlite::params_from_iter(values))?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), ServerError> {
        let tx = self.0.take().ok_or(ServerError::Internal)?;
        tx.commit()?;
        Ok(())
    }
}
