//! The database: versioned migrations, the demo seed, and the reads and writes the
//! handlers need. Every function takes an open connection; the handlers decide where
//! the transactions begin and end.

use std::time::Duration;

use enswitch_people::{Field, FieldSet, Person, Privilege, Roles, Update, Valid, Write};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Deserialize;

/// How long a statement waits for a busy database before it gives up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The migrations, in order: `PRAGMA user_version` counts how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the schema.
    "CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        parent INTEGER REFERENCES customers(id),
        plan_forbids TEXT NOT NULL DEFAULT '[]'
     );
     CREATE TABLE roles (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        privileges TEXT NOT NULL
     );
     CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        customer INTEGER NOT NULL REFERENCES customers(id),
        role INTEGER NOT NULL,
        password_hash TEXT NOT NULL,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        forename TEXT NOT NULL DEFAULT '', surname TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '', company TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
        telephone TEXT NOT NULL DEFAULT '', mobile TEXT NOT NULL DEFAULT '',
        fax TEXT NOT NULL DEFAULT '', extension TEXT NOT NULL DEFAULT '',
        country TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',
        timezone TEXT NOT NULL DEFAULT '', date_format TEXT NOT NULL DEFAULT '',
        time_format TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',
        public_key TEXT NOT NULL DEFAULT ''
     );
     CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        person INTEGER NOT NULL REFERENCES people(id),
        expires_at INTEGER NOT NULL
     );
     CREATE INDEX sessions_person ON sessions(person);
     CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        person INTEGER NOT NULL,
        kind TEXT NOT NULL,
        address TEXT NOT NULL,
        created_at INTEGER NOT NULL
     );
     CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        actor INTEGER NOT NULL,
        person INTEGER NOT NULL,
        diff TEXT NOT NULL,
        at INTEGER NOT NULL
     );",
    // 2: sessions end after an idle time too.
    "ALTER TABLE sessions ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;",
];

/// Opens the database file with the settings every connection needs.
///
/// # Errors
/// The database cannot be opened.
pub fn open(path: &std::path::Path) -> rusqlite::Result<Connection> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    // Every statement the server runs stays prepared (one per column write among them).
    connection.set_prepared_statement_cache_capacity(64);
    connection.pragma_update(None, "foreign_keys", "ON")?;
    Ok(connection)
}

/// Applies the migrations not yet applied, each in its own transaction, and turns on
/// write-ahead logging (so that readers do not wait for the writer).
///
/// # Errors
/// A migration fails.
pub fn migrate(connection: &mut Connection) -> rusqlite::Result<()> {
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

/// The demo directory the example runs on, shared with it.
const DEMO: &str = include_str!("../../cli/demo-directory.json");

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

/// Seeds an empty database with the demo directory, each person with their demo
/// password hashed by `hash`, in `tx` (which the caller commits).
///
/// # Errors
/// A write fails.
///
/// # Panics
/// Never: the demo directory is checked by the example's tests.
pub fn seed_if_empty(
    tx: &Transaction<'_>,
    hash: impl Fn(&str) -> String,
) -> rusqlite::Result<bool> {
    let people: i64 = tx.query_row("SELECT COUNT(*) FROM people", [], |r| r.get(0))?;
    if people > 0 {
        return Ok(false);
    }
    let directory: Directory = serde_json::from_str(DEMO).expect("the demo directory is valid");
    for c in &directory.customers {
        let forbids = serde_json::to_string(&c.plan_forbids).expect("a field set serializes");
        tx.execute(
            "INSERT INTO customers (id, parent, plan_forbids) VALUES (?1, ?2, ?3)",
            params![id(c.id), c.parent.map(id), forbids],
        )?;
    }
    for r in &directory.roles {
        let privileges = serde_json::to_string(&r.privileges).expect("strings serialize");
        tx.execute(
            "INSERT INTO roles (id, name, privileges) VALUES (?1, ?2, ?3)",
            params![id(r.id), r.name, privileges],
        )?;
    }
    for p in &directory.people {
        tx.execute(
            "INSERT INTO people (id, customer, role, password_hash, username) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id(p.id), id(p.customer), id(p.role), hash(&demo_password(&p.username)), p.username],
        )?;
        for field in Field::ALL {
            if let (Some(value), false) = (p.text(field), field == Field::Username) {
                let sql = format!("UPDATE people SET {} = ?1 WHERE id = ?2", column(field));
                tx.execute(&sql, params![value, id(p.id)])?;
            }
        }
    }
    Ok(true)
}

/// SQLite keeps integers signed; ids are 1 … 2^63−1, so they fit.
#[expect(
    clippy::cast_possible_wrap,
    reason = "ids are at most i64::MAX (the crate checks)"
)]
fn id(value: u64) -> i64 {
    value as i64
}

#[expect(
    clippy::cast_sign_loss,
    reason = "ids are stored from u64 at most i64::MAX"
)]
fn unsigned(value: i64) -> u64 {
    value as u64
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

fn select(filter: &str) -> String {
    let columns: Vec<&str> = text_columns().map(column).collect();
    format!(
        "SELECT id, customer, role, password_hash, {} FROM people WHERE {filter}",
        columns.join(", ")
    )
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let mut person = Person {
        id: unsigned(r.get(0)?),
        customer: unsigned(r.get(1)?),
        role: unsigned(r.get(2)?),
        ..Person::default()
    };
    for (i, field) in text_columns().enumerate() {
        if let Some(slot) = person.text_mut(field) {
            *slot = r.get(4 + i)?;
        }
    }
    Ok(Row {
        person,
        password_hash: r.get(3)?,
    })
}

/// The person with id `person_id`.
///
/// # Errors
/// The read fails.
pub fn person(connection: &Connection, person_id: u64) -> rusqlite::Result<Option<Row>> {
    connection
        .prepare_cached(&select("id = ?1"))?
        .query_row([id(person_id)], row)
        .optional()
}

/// The person whose username is `username` (case-insensitively).
///
/// # Errors
/// The read fails.
pub fn person_by_username(
    connection: &Connection,
    username: &str,
) -> rusqlite::Result<Option<Row>> {
    connection
        .prepare_cached(&select("username = ?1"))?
        .query_row([username], row)
        .optional()
}

/// Whether anyone but `except` has `username`, ignoring case.
///
/// # Errors
/// The read fails.
pub fn username_taken(
    connection: &Connection,
    username: &str,
    except: u64,
) -> rusqlite::Result<bool> {
    connection
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM people WHERE username = ?1 AND id != ?2)")?
        .query_row(params![username, id(except)], |r| r.get(0))
}

/// The role catalogue: each role's level from its privileges.
///
/// # Errors
/// The read fails.
pub fn roles(connection: &Connection) -> rusqlite::Result<Roles> {
    let mut statement = connection.prepare_cached("SELECT id, name, privileges FROM roles")?;
    let rows = statement.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    let mut roles = Roles::new();
    for role in rows {
        let (role_id, name, privileges) = role?;
        let privileges: Vec<String> = serde_json::from_str(&privileges).unwrap_or_default();
        let level = Privilege::from_privileges(privileges.iter().map(String::as_str));
        roles.insert(unsigned(role_id), level);
        roles.set_name(unsigned(role_id), name);
    }
    Ok(roles)
}

/// The chain of customer ids from `customer` up to the root; a cycle ends it (bounded
/// by the number of customers).
///
/// # Errors
/// The read fails.
pub fn customer_chain(connection: &Connection, customer: u64) -> rusqlite::Result<Vec<u64>> {
    let count: i64 = connection
        .prepare_cached("SELECT COUNT(*) FROM customers")?
        .query_row([], |r| r.get(0))?;
    let mut chain = vec![customer];
    let mut current = customer;
    while i64::try_from(chain.len()).unwrap_or(i64::MAX) <= count {
        let parent: Option<i64> = connection
            .prepare_cached("SELECT parent FROM customers WHERE id = ?1")?
            .query_row([id(current)], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(parent) = parent else { break };
        current = unsigned(parent);
        chain.push(current);
    }
    Ok(chain)
}

/// The fields the customer's rate plan forbids changing.
///
/// # Errors
/// The read fails.
pub fn plan_forbids(connection: &Connection, customer: u64) -> rusqlite::Result<FieldSet> {
    let text: Option<String> = connection
        .prepare_cached("SELECT plan_forbids FROM customers WHERE id = ?1")?
        .query_row([id(customer)], |r| r.get(0))
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or(FieldSet::EMPTY))
}

/// Sets a customer's rate plan (for the tests and the operator).
///
/// # Errors
/// The write fails.
///
/// # Panics
/// Never: a field set always serializes.
pub fn set_plan_forbids(
    connection: &Connection,
    customer: u64,
    forbids: FieldSet,
) -> rusqlite::Result<()> {
    let text = serde_json::to_string(&forbids).expect("a field set serializes");
    connection
        .prepare_cached("UPDATE customers SET plan_forbids = ?1 WHERE id = ?2")?
        .execute(params![text, id(customer)])?;
    Ok(())
}

/// Writes the changed columns, each only if it still holds the value the update was
/// decided against. `false` when a precondition failed: nothing was written, and the
/// caller rolls back and decides again.
///
/// # Errors
/// A write fails.
pub fn write_changes(tx: &Transaction<'_>, update: &Valid<Update<'_>>) -> rusqlite::Result<bool> {
    let person = id(update.person().id);
    for write in update.writes() {
        let sql = format!(
            "UPDATE people SET {0} = ?1 WHERE id = ?2 AND {0} = ?3",
            column(write.field())
        );
        let changed = match write {
            Write::Text {
                expected, value, ..
            } => tx
                .prepare_cached(&sql)?
                .execute(params![value, person, expected])?,
            Write::Role { expected, value } => {
                tx.prepare_cached(&sql)?
                    .execute(params![id(value), person, id(expected)])?
            }
        };
        if changed != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Stores a new password hash.
///
/// # Errors
/// The write fails.
pub fn set_password_hash(tx: &Transaction<'_>, person: u64, hash: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE people SET password_hash = ?1 WHERE id = ?2")?
        .execute(params![hash, id(person)])?;
    Ok(())
}

/// Queues a message to `address`.
///
/// # Errors
/// The write fails.
pub fn queue(
    tx: &Transaction<'_>,
    person: u64,
    kind: &str,
    address: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (person, kind, address, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id(person), kind, address, now])?;
    Ok(())
}

/// Stores the redacted diff of an update.
///
/// # Errors
/// The write fails.
pub fn audit(
    tx: &Transaction<'_>,
    actor: u64,
    person: u64,
    diff: &str,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached("INSERT INTO audit (actor, person, diff, at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![id(actor), id(person), diff, now])?;
    Ok(())
}

/// Every stored password hash, to learn the costs they were made at.
///
/// # Errors
/// The read fails.
pub fn password_hashes(connection: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement = connection.prepare("SELECT password_hash FROM people")?;
    let hashes = statement.query_map([], |r| r.get(0))?;
    hashes.collect()
}

/// Replaces a person's password hash if it is still `old`; whether it was.
///
/// # Errors
/// The write fails.
pub fn replace_password_hash(
    connection: &Connection,
    person: u64,
    old: &str,
    new: &str,
) -> rusqlite::Result<bool> {
    let changed = connection
        .prepare_cached(
            "UPDATE people SET password_hash = ?1 WHERE id = ?2 AND password_hash = ?3",
        )?
        .execute(params![new, id(person), old])?;
    Ok(changed == 1)
}

/// Stores a session token's hash, used now.
///
/// # Errors
/// The write fails.
pub fn create_session(
    connection: &Connection,
    token_hash: &str,
    person: u64,
    now: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    connection.prepare_cached("INSERT INTO sessions (token_hash, person, expires_at, last_used) VALUES (?1, ?2, ?3, ?4)")?.execute(params![token_hash, id(person), expires_at, now])?;
    Ok(())
}

/// A live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// Whose it is.
    pub person: u64,
    /// When it was last noted as used.
    pub last_used: i64,
}

/// A session, while it lives: before its end, and used within the last `idle` seconds.
///
/// # Errors
/// The read fails.
pub fn session(
    connection: &Connection,
    token_hash: &str,
    now: i64,
    idle: i64,
) -> rusqlite::Result<Option<Session>> {
    connection
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
        .optional()
}

/// Notes that a session was used now.
///
/// # Errors
/// The write fails.
pub fn touch_session(connection: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<()> {
    connection
        .prepare_cached("UPDATE sessions SET last_used = ?2 WHERE token_hash = ?1")?
        .execute(params![token_hash, now])?;
    Ok(())
}

/// Ends one session; whether it was there.
///
/// # Errors
/// The write fails.
pub fn end_session(connection: &Connection, token_hash: &str) -> rusqlite::Result<bool> {
    let ended = connection
        .prepare_cached("DELETE FROM sessions WHERE token_hash = ?1")?
        .execute([token_hash])?;
    Ok(ended == 1)
}

/// Ends every session of `person` but `keep`.
///
/// # Errors
/// The write fails.
pub fn end_sessions(tx: &Transaction<'_>, person: u64, keep: Option<&str>) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM sessions WHERE person = ?1 AND token_hash IS NOT ?2")?
        .execute(params![id(person), keep])?;
    Ok(())
}
