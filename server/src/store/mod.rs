//! Storage: what the service reads and writes, as two traits ([`Reads`], [`Writes`]),
//! and the two databases that carry them. SQLite, embedded, is the default: one file
//! and one server process. PostgreSQL (`--database postgres://…`) is shared by several
//! server processes, which is where every fact they must agree on lives: people,
//! sessions, the throttle's counters, the outbox and the audit log.
//!
//! A write is one transaction that no other writer can slip into: SQLite's
//! `BEGIN IMMEDIATE` behind one writer, PostgreSQL's `SERIALIZABLE` with a bounded
//! retry (its module says why). The work handed to [`Store::write`] may therefore run more
//! than once, and does nothing outside the transaction.

mod postgres;
mod queries;
mod sql;
mod sqlite;

use enswitch_people::{Field, FieldSet, Person, Roles, Update, Valid};
use serde::Deserialize;

use crate::errors::ServerError;

pub use sqlite::Synchronous;

/// A person with their password hash.
pub struct Row {
    /// The person, as the crate reads them.
    pub person: Person,
    /// The argon2 hash of their password.
    pub password_hash: String,
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the hash.
        f.debug_struct("Row")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// A live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// Whose it is.
    pub person: u64,
    /// When it was last noted as used.
    pub last_used: i64,
}

/// One of the throttle's counters as stored: its attempts, and when the last began
/// (milliseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredCounter {
    /// The attempts counted.
    pub attempts: u32,
    /// When the last began.
    pub last_ms: i64,
}

/// What a transaction reads. Every method is one statement or a few, in the
/// transaction it is called in.
pub trait Reads {
    /// The person with id `id`.
    ///
    /// # Errors
    /// The database fails.
    fn person(&mut self, id: u64) -> Result<Option<Row>, ServerError>;

    /// The person whose username is `username`, ignoring case.
    ///
    /// # Errors
    /// The database fails.
    fn person_by_username(&mut self, username: &str) -> Result<Option<Row>, ServerError>;

    /// Whether anyone but `except` has `username`, ignoring case.
    ///
    /// # Errors
    /// The database fails.
    fn username_taken(&mut self, username: &str, except: u64) -> Result<bool, ServerError>;

    /// The role catalogue: each role's level from its privileges.
    ///
    /// # Errors
    /// The database fails.
    fn roles(&mut self) -> Result<Roles, ServerError>;

    /// The chain of customer ids from `customer` up to the root; a cycle ends it.
    ///
    /// # Errors
    /// The database fails.
    fn customer_chain(&mut self, customer: u64) -> Result<Vec<u64>, ServerError>;

    /// The fields the customer's rate plan forbids changing.
    ///
    /// # Errors
    /// The database fails.
    fn plan_forbids(&mut self, customer: u64) -> Result<FieldSet, ServerError>;

    /// A session, while it lives: before its end, and used within the last `idle`
    /// seconds.
    ///
    /// # Errors
    /// The database fails.
    fn session(
        &mut self,
        token_hash: &str,
        now: i64,
        idle: i64,
    ) -> Result<Option<Session>, ServerError>;

    /// Whether the database holds nobody yet.
    ///
    /// # Errors
    /// The database fails.
    fn is_empty(&mut self) -> Result<bool, ServerError>;

    /// Every stored password hash, to learn the costs they were made at.
    ///
    /// # Errors
    /// The database fails.
    fn password_hashes(&mut self) -> Result<Vec<String>, ServerError>;
}

/// What a write transaction does besides reading. Dropped without [`Writes::commit`],
/// it rolls back.
pub trait Writes: Reads {
    /// Writes the changed columns, each only if it still holds the value the update was
    /// decided against; `false` when one did not (the caller writes nothing).
    ///
    /// # Errors
    /// The database fails.
    fn write_changes(&mut self, update: &Valid<Update<'_>>) -> Result<bool, ServerError>;

    /// Stores a new password hash.
    ///
    /// # Errors
    /// The database fails.
    fn set_password_hash(&mut self, person: u64, hash: &str) -> Result<(), ServerError>;

    /// Replaces a person's password hash if it is still `old`; whether it was.
    ///
    /// # Errors
    /// The database fails.
    fn replace_password_hash(
        &mut self,
        person: u64,
        old: &str,
        new: &str,
    ) -> Result<bool, ServerError>;

    /// Queues a message of `kind` to `address`.
    ///
    /// # Errors
    /// The database fails.
    fn queue(
        &mut self,
        person: u64,
        kind: &str,
        address: &str,
        now: i64,
    ) -> Result<(), ServerError>;

    /// Stores the redacted diff of an update.
    ///
    /// # Errors
    /// The database fails.
    fn audit(&mut self, actor: u64, person: u64, diff: &str, now: i64) -> Result<(), ServerError>;

    /// Stores a session token's hash, used now.
    ///
    /// # Errors
    /// The database fails.
    fn create_session(
        &mut self,
        token_hash: &str,
        person: u64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), ServerError>;

    /// Notes that a session was used now.
    ///
    /// # Errors
    /// The database fails.
    fn touch_session(&mut self, token_hash: &str, now: i64) -> Result<(), ServerError>;

    /// Ends one session; whether it was there.
    ///
    /// # Errors
    /// The database fails.
    fn end_session(&mut self, token_hash: &str) -> Result<bool, ServerError>;

    /// Ends every session of `person` but `keep`.
    ///
    /// # Errors
    /// The database fails.
    fn end_sessions(&mut self, person: u64, keep: Option<&str>) -> Result<(), ServerError>;

    /// The throttle's counter under `key`.
    ///
    /// # Errors
    /// The database fails.
    fn counter(&mut self, key: &str) -> Result<Option<StoredCounter>, ServerError>;

    /// Stores the throttle's counter under `key`.
    ///
    /// # Errors
    /// The database fails.
    fn set_counter(&mut self, key: &str, counter: StoredCounter) -> Result<(), ServerError>;

    /// Forgets the counters whose last attempt began before `before_ms`.
    ///
    /// # Errors
    /// The database fails.
    fn forget_counters(&mut self, before_ms: i64) -> Result<(), ServerError>;

    /// Whether `username` signed in from `origin` lately.
    ///
    /// # Errors
    /// The database fails.
    fn knows(&mut self, username: &str, origin: &str) -> Result<bool, ServerError>;

    /// Notes that `username` signed in from `origin`, keeping the `keep` latest.
    ///
    /// # Errors
    /// The database fails.
    fn remember(
        &mut self,
        username: &str,
        origin: &str,
        now_ms: i64,
        keep: usize,
    ) -> Result<(), ServerError>;

    /// Adds a customer.
    ///
    /// # Errors
    /// The database fails.
    fn insert_customer(
        &mut self,
        id: u64,
        parent: Option<u64>,
        plan_forbids: &str,
    ) -> Result<(), ServerError>;

    /// Adds a role.
    ///
    /// # Errors
    /// The database fails.
    fn insert_role(&mut self, id: u64, name: &str, privileges: &str) -> Result<(), ServerError>;

    /// Adds a person, every stored field of theirs, with a password hash.
    ///
    /// # Errors
    /// The database fails.
    fn insert_person(&mut self, person: &Person, password_hash: &str) -> Result<(), ServerError>;

    /// Commits; nothing may follow.
    ///
    /// # Errors
    /// The commit fails (for PostgreSQL, perhaps as a serialization failure: the
    /// store runs the work again).
    fn commit(&mut self) -> Result<(), ServerError>;
}

/// Where the server keeps its truth.
#[derive(Debug)]
pub enum Store {
    /// One SQLite file.
    Sqlite(sqlite::Store),
    /// A PostgreSQL database, shared by several server processes.
    Postgres(postgres::Store),
}

impl Store {
    /// Opens `database`, a PostgreSQL URL (`postgres://…` or `postgresql://…`) or a
    /// SQLite file's path, and brings its schema up to date.
    ///
    /// # Errors
    /// The database cannot be opened or migrated.
    pub fn open(database: &str, synchronous: Synchronous) -> Result<Store, String> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            postgres::Store::open(database).map(Store::Postgres)
        } else {
            sqlite::Store::open(database.as_ref(), synchronous)
                .map(Store::Sqlite)
                .map_err(|error| error.to_string())
        }
    }

    /// Runs `work` in a read-only transaction (blocking: call it from a blocking
    /// task).
    ///
    /// # Errors
    /// The database fails, or as `work`.
    pub fn read<T>(
        &self,
        work: impl FnOnce(&mut dyn Reads) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        match self {
            Store::Sqlite(store) => store.read(work),
            Store::Postgres(store) => store.read(work),
        }
    }

    /// Runs `work` in a write transaction, which `work` commits, or leaves to roll back
    /// (blocking: call it from a blocking task). `work` may run more than once.
    ///
    /// # Errors
    /// The database fails or stays busy, or as `work`.
    pub fn write<T>(
        &self,
        work: impl FnMut(&mut dyn Writes) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        match self {
            Store::Sqlite(store) => store.write(work),
            Store::Postgres(store) => store.write(work),
        }
    }

    /// Seeds an empty database with the demo directory, each person with their demo
    /// password hashed by `hash`; whether it was empty.
    ///
    /// # Errors
    /// The database fails.
    ///
    /// # Panics
    /// Never: the demo directory is checked by the example's tests.
    pub fn seed_if_empty(&self, hash: impl Fn(&str) -> String) -> Result<bool, ServerError> {
        if !self.read(|tx| tx.is_empty())? {
            return Ok(false);
        }
        let directory: Directory = serde_json::from_str(DEMO).expect("the demo directory is valid");
        // Hashed before the transaction, which checks again (another process may have
        // seeded meanwhile).
        let hashes: Vec<String> = directory
            .people
            .iter()
            .map(|p| hash(&demo_password(&p.username)))
            .collect();
        self.write(|tx| {
            if !tx.is_empty()? {
                return Ok(false);
            }
            for c in &directory.customers {
                let forbids =
                    serde_json::to_string(&c.plan_forbids).expect("a field set serializes");
                tx.insert_customer(c.id, c.parent, &forbids)?;
            }
            for r in &directory.roles {
                let privileges = serde_json::to_string(&r.privileges).expect("strings serialize");
                tx.insert_role(r.id, &r.name, &privileges)?;
            }
            for (person, hash) in directory.people.iter().zip(&hashes) {
                tx.insert_person(person, hash)?;
            }
            tx.commit()?;
            Ok(true)
        })
    }
}

/// The demo directory the example runs on, shared with it.
const DEMO: &str = include_str!("../../../cli/demo-directory.json");

#[derive(Deserialize)]
struct Directory {
    customers: Vec<Customer>,
    roles: Vec<Role>,
    people: Vec<Person>,
}

#[derive(Deserialize)]
struct Customer {
    id: u64,
    parent: Option<u64>,
    #[serde(default)]
    plan_forbids: FieldSet,
}

#[derive(Deserialize)]
struct Role {
    id: u64,
    name: String,
    privileges: Vec<String>,
}

/// The demo password of a seeded person: the README lists them.
#[must_use]
pub fn demo_password(username: &str) -> String {
    format!("{username}-password")
}

/// The column of a stored field: its name, from the crate's field table (never from
/// input), so it is safe to write into SQL.
fn column(field: Field) -> &'static str {
    field.as_str()
}

/// The text columns, in the field table's order.
fn text_columns() -> impl Iterator<Item = Field> {
    Field::ALL.into_iter().filter(|f| f.is_text())
}

/// The columns a person is read from and written to: id, customer, role, password
/// hash, then the text columns in the field table's order.
fn person_columns() -> String {
    let columns: Vec<&str> = text_columns().map(column).collect();
    format!("id, customer, role, password_hash, {}", columns.join(", "))
}
