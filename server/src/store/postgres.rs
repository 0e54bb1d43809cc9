//! PostgreSQL: the database several server processes share.
//!
//! A write runs `SERIALIZABLE`: PostgreSQL then guarantees that the transactions that
//! commit could have run one at a time, over every row and every absent row read (the
//! actor's role, the customer chain, the plan, whether a username is taken) without
//! this code naming which to lock, as `SELECT … FOR UPDATE` would have it do (and miss
//! a row not yet there). The price is that a transaction may be refused at any
//! statement or at its commit with a serialization failure; it is then run again, up to
//! [`ATTEMPTS`] times, with a short random wait. A unique violation (two processes
//! giving out one username at once) is retried too: the second run reads the name as
//! taken and answers `username_taken`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use enswitch_people::{FieldSet, Person, Roles, Update, Valid, Write};
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, IsolationLevel, NoTls, Statement, Transaction};

use super::{Reads, Row, Session, StoredCounter, Writes};
use super::{
    column, person_columns, person_from, person_texts, plan_from, roles_from, signed, unsigned,
};
use crate::errors::ServerError;

/// How many times a write runs before the server answers `database_busy`.
const ATTEMPTS: u32 = 12;

/// The most connections kept open; more are opened while needed and then closed.
const KEPT_CONNECTIONS: usize = 16;

/// The migrations, in order: the table `schema_migrations` holds those applied.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/postgres/0001_schema.sql")];

/// Held while migrating and seeding, so that processes starting together take turns
/// (`pg_advisory_xact_lock`'s key: any number of this server's own).
const MIGRATION_LOCK: i64 = 0x656e_7377_6974_6368;

/// A pool of connections to one database.
pub struct Store {
    url: String,
    connections: Mutex<Vec<Pooled>>,
}

/// A connection, with the statements prepared on it, each once: a statement not yet
/// prepared costs a round trip more. (The server's own statements, a fixed set: the
/// map is bounded by the code, not by what is sent.)
struct Pooled {
    client: Client,
    statements: HashMap<String, Statement>,
}

impl Pooled {
    fn connect(url: &str) -> Result<Pooled, postgres::Error> {
        Ok(Pooled {
            client: Client::connect(url, NoTls)?,
            statements: HashMap::new(),
        })
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold a password.
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Each client owns a small runtime, which may not be dropped on an async
        // thread (where the server ends): they are closed on a thread of their own.
        let clients = std::mem::take(
            self.connections
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let _ = std::thread::spawn(move || drop(clients)).join();
    }
}

impl From<postgres::Error> for ServerError {
    fn from(error: postgres::Error) -> ServerError {
        let retry = [
            SqlState::T_R_SERIALIZATION_FAILURE,
            SqlState::T_R_DEADLOCK_DETECTED,
            SqlState::UNIQUE_VIOLATION,
        ];
        if error.code().is_some_and(|code| retry.contains(code)) {
            ServerError::DatabaseBusy
        } else {
            tracing::error!(%error, "database error");
            ServerError::Internal
        }
    }
}

impl Store {
    /// Connects to `url` and brings the schema up to date.
    ///
    /// # Errors
    /// The database cannot be reached or migrated.
    pub fn open(url: &str) -> Result<Store, String> {
        let mut pooled = Pooled::connect(url).map_err(|e| e.to_string())?;
        migrate(&mut pooled.client).map_err(|e| e.to_string())?;
        Ok(Store {
            url: url.to_owned(),
            connections: Mutex::new(vec![pooled]),
        })
    }

    fn connection(&self) -> Result<Pooled, ServerError> {
        let kept = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match kept {
            Some(pooled) if !pooled.client.is_closed() => Ok(pooled),
            _ => Ok(Pooled::connect(&self.url)?),
        }
    }

    fn give_back(&self, pooled: Pooled) {
        let mut kept = self
            .connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if kept.len() < KEPT_CONNECTIONS && !pooled.client.is_closed() {
            kept.push(pooled);
        }
    }

    /// Runs `work` in a `REPEATABLE READ READ ONLY` transaction: one snapshot for all
    /// its reads.
    pub(super) fn read<T>(
        &self,
        work: impl FnOnce(&mut dyn Reads) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut pooled = self.connection()?;
        let Pooled { client, statements } = &mut pooled;
        let result = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(ServerError::from)
            .and_then(|tx| work(&mut Connection::new(tx, statements)));
        self.give_back(pooled);
        result
    }

    /// Runs `work` in a `SERIALIZABLE` transaction, again after a serialization failure,
    /// up to [`ATTEMPTS`] times.
    pub(super) fn write<T>(
        &self,
        mut work: impl FnMut(&mut dyn Writes) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut pooled = self.connection()?;
        let Pooled { client, statements } = &mut pooled;
        let mut attempt = 1;
        let result = loop {
            let result = client
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable)
                .start()
                .map_err(ServerError::from)
                .and_then(|tx| work(&mut Connection::new(tx, statements)));
            match result {
                Err(ServerError::DatabaseBusy) if attempt < ATTEMPTS => {
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
                result => break result,
            }
        };
        self.give_back(pooled);
        result
    }
}

/// The wait before attempt `attempt + 1`: up to 2 ms times the attempts so far,
/// random, so that the transactions that collided do not collide again.
fn backoff(attempt: u32) -> Duration {
    let mut byte = [0u8; 1];
    let random = getrandom::getrandom(&mut byte).map_or(128, |()| u32::from(byte[0]));
    Duration::from_micros(u64::from(2_000 * attempt * random / 255))
}

/// Applies the migrations not yet applied, and nothing else, under the lock.
fn migrate(client: &mut Client) -> Result<(), postgres::Error> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")?;
    let applied: i32 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    for (version, sql) in MIGRATIONS.iter().enumerate() {
        let version = i32::try_from(version + 1).unwrap_or(i32::MAX);
        if version > applied {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )?;
        }
    }
    tx.commit()
}

/// A transaction, until committed, and the statements prepared on its connection.
struct Connection<'c> {
    tx: Option<Transaction<'c>>,
    statements: &'c mut HashMap<String, Statement>,
}

impl<'c> Connection<'c> {
    fn new(tx: Transaction<'c>, statements: &'c mut HashMap<String, Statement>) -> Self {
        Connection {
            tx: Some(tx),
            statements,
        }
    }

    /// The transaction, and `sql` prepared on its connection.
    fn prepared(&mut self, sql: &str) -> Result<(&mut Transaction<'c>, Statement), ServerError> {
        // Committed: the work went on after its commit, which is the server's fault.
        let tx = self.tx.as_mut().ok_or(ServerError::Internal)?;
        let statement = if let Some(statement) = self.statements.get(sql) {
            statement.clone()
        } else {
            let statement = tx.prepare(sql)?;
            self.statements.insert(sql.to_owned(), statement.clone());
            statement
        };
        Ok((tx, statement))
    }

    fn execute(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, ServerError> {
        let (tx, statement) = self.prepared(sql)?;
        Ok(tx.execute(&statement, params)?)
    }

    fn query_opt(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<postgres::Row>, ServerError> {
        let (tx, statement) = self.prepared(sql)?;
        Ok(tx.query_opt(&statement, params)?)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, ServerError> {
        let (tx, statement) = self.prepared(sql)?;
        Ok(tx.query(&statement, params)?)
    }

    fn exists(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<bool, ServerError> {
        let row = self.query_opt(sql, params)?.ok_or(ServerError::Internal)?;
        Ok(row.try_get(0)?)
    }
}

fn person_row(row: &postgres::Row) -> Result<Row, ServerError> {
    let (id, customer, role): (i64, i64, i64) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
    person_from(unsigned(id), unsigned(customer), unsigned(role), |i| {
        Ok(row.try_get(i)?)
    })
}

impl Reads for Connection<'_> {
    fn person(&mut self, id: u64) -> Result<Option<Row>, ServerError> {
        let sql = format!("SELECT {} FROM people WHERE id = $1", person_columns());
        self.query_opt(&sql, &[&signed(id)])?
            .as_ref()
            .map(person_row)
            .transpose()
    }

    fn person_by_username(&mut self, username: &str) -> Result<Option<Row>, ServerError> {
        let sql = format!(
            "SELECT {} FROM people WHERE lower(username) = lower($1)",
            person_columns()
        );
        self.query_opt(&sql, &[&username])?
            .as_ref()
            .map(person_row)
            .transpose()
    }

    fn username_taken(&mut self, username: &str, except: u64) -> Result<bool, ServerError> {
        // The predicate of the unique index, so that the read covers what it guards.
        self.exists(
            "SELECT EXISTS (SELECT 1 FROM people WHERE lower(username) = lower($1) AND id <> $2)",
            &[&username, &signed(except)],
        )
    }

    fn roles(&mut self) -> Result<Roles, ServerError> {
        let rows = self.query("SELECT id, name, privileges FROM roles", &[])?;
        let rows = rows
            .iter()
            .map(|r| Ok((unsigned(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<_>, ServerError>>()?;
        Ok(roles_from(rows))
    }

    fn customer_chain(&mut self, customer: u64) -> Result<Vec<u64>, ServerError> {
        let count: i64 = self
            .query_opt("SELECT COUNT(*) FROM customers", &[])?
            .ok_or(ServerError::Internal)?
            .try_get(0)?;
        let mut chain = vec![customer];
        let mut current = customer;
        // Bounded by the number of customers: a cycle ends it.
        while i64::try_from(chain.len()).unwrap_or(i64::MAX) <= count {
            let parent: Option<i64> = match self.query_opt(
                "SELECT parent FROM customers WHERE id = $1",
                &[&signed(current)],
            )? {
                Some(row) => row.try_get(0)?,
                None => None,
            };
            let Some(parent) = parent else { break };
            current = unsigned(parent);
            chain.push(current);
        }
        Ok(chain)
    }

    fn plan_forbids(&mut self, customer: u64) -> Result<FieldSet, ServerError> {
        let text = match self.query_opt(
            "SELECT plan_forbids FROM customers WHERE id = $1",
            &[&signed(customer)],
        )? {
            Some(row) => Some(row.try_get(0)?),
            None => None,
        };
        Ok(plan_from(text))
    }

    fn session(
        &mut self,
        token_hash: &str,
        now: i64,
        idle: i64,
    ) -> Result<Option<Session>, ServerError> {
        let row = self.query_opt(
            "SELECT person, last_used FROM sessions
             WHERE token_hash = $1 AND expires_at > $2 AND last_used > $2 - $3",
            &[&token_hash, &now, &idle],
        )?;
        row.map(|row| {
            Ok(Session {
                person: unsigned(row.try_get(0)?),
                last_used: row.try_get(1)?,
            })
        })
        .transpose()
    }

    fn is_empty(&mut self) -> Result<bool, ServerError> {
        Ok(!self.exists("SELECT EXISTS (SELECT 1 FROM people)", &[])?)
    }

    fn password_hashes(&mut self) -> Result<Vec<String>, ServerError> {
        self.query("SELECT password_hash FROM people", &[])?
            .iter()
            .map(|row| Ok(row.try_get(0)?))
            .collect()
    }
}

/// A count that a column of type `INTEGER` holds.
fn stored_attempts(attempts: u32) -> i32 {
    i32::try_from(attempts).unwrap_or(i32::MAX)
}

impl Writes for Connection<'_> {
    fn write_changes(&mut self, update: &Valid<Update<'_>>) -> Result<bool, ServerError> {
        let person = signed(update.person().id);
        for write in update.writes() {
            let sql = format!(
                "UPDATE people SET {0} = $1 WHERE id = $2 AND {0} = $3",
                column(write.field())
            );
            let changed = match write {
                Write::Text {
                    expected, value, ..
                } => self.execute(&sql, &[&value, &person, &expected])?,
                Write::Role { expected, value } => {
                    self.execute(&sql, &[&signed(value), &person, &signed(expected)])?
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
            "UPDATE people SET password_hash = $1 WHERE id = $2",
            &[&hash, &signed(person)],
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
            "UPDATE people SET password_hash = $1 WHERE id = $2 AND password_hash = $3",
            &[&new, &signed(person), &old],
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
            "INSERT INTO outbox (person, kind, address, created_at) VALUES ($1, $2, $3, $4)",
            &[&signed(person), &kind, &address, &now],
        )?;
        Ok(())
    }

    fn audit(&mut self, actor: u64, person: u64, diff: &str, now: i64) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO audit (actor, person, diff, at) VALUES ($1, $2, $3, $4)",
            &[&signed(actor), &signed(person), &diff, &now],
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
            "INSERT INTO sessions (token_hash, person, expires_at, last_used) VALUES ($1, $2, $3, $4)",
            &[&token_hash, &signed(person), &expires_at, &now],
        )?;
        Ok(())
    }

    fn touch_session(&mut self, token_hash: &str, now: i64) -> Result<(), ServerError> {
        self.execute(
            "UPDATE sessions SET last_used = $2 WHERE token_hash = $1",
            &[&token_hash, &now],
        )?;
        Ok(())
    }

    fn end_session(&mut self, token_hash: &str) -> Result<bool, ServerError> {
        let ended = self.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])?;
        Ok(ended == 1)
    }

    fn end_sessions(&mut self, person: u64, keep: Option<&str>) -> Result<(), ServerError> {
        self.execute(
            "DELETE FROM sessions WHERE person = $1 AND token_hash IS DISTINCT FROM $2",
            &[&signed(person), &keep],
        )?;
        Ok(())
    }

    fn counter(&mut self, key: &str) -> Result<Option<StoredCounter>, ServerError> {
        let row = self.query_opt(
            "SELECT attempts, last_ms FROM throttle_counters WHERE key = $1",
            &[&key],
        )?;
        row.map(|row| {
            let attempts: i32 = row.try_get(0)?;
            Ok(StoredCounter {
                attempts: u32::try_from(attempts).unwrap_or(0),
                last_ms: row.try_get(1)?,
            })
        })
        .transpose()
    }

    fn set_counter(&mut self, key: &str, counter: StoredCounter) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO throttle_counters (key, attempts, last_ms) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, last_ms = excluded.last_ms",
            &[&key, &stored_attempts(counter.attempts), &counter.last_ms],
        )?;
        Ok(())
    }

    fn forget_counters(&mut self, before_ms: i64) -> Result<(), ServerError> {
        self.execute(
            "DELETE FROM throttle_counters WHERE last_ms < $1",
            &[&before_ms],
        )?;
        Ok(())
    }

    fn knows(&mut self, username: &str, origin: &str) -> Result<bool, ServerError> {
        self.exists(
            "SELECT EXISTS (SELECT 1 FROM throttle_known WHERE username = $1 AND origin = $2)",
            &[&username, &origin],
        )
    }

    fn remember(
        &mut self,
        username: &str,
        origin: &str,
        now_ms: i64,
        keep: usize,
    ) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO throttle_known (username, origin, at_ms) VALUES ($1, $2, $3)
             ON CONFLICT (username, origin) DO UPDATE SET at_ms = excluded.at_ms",
            &[&username, &origin, &now_ms],
        )?;
        self.execute(
            "DELETE FROM throttle_known WHERE username = $1 AND origin NOT IN
             (SELECT origin FROM throttle_known WHERE username = $1 ORDER BY at_ms DESC LIMIT $2)",
            &[&username, &i64::try_from(keep).unwrap_or(i64::MAX)],
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
            "INSERT INTO customers (id, parent, plan_forbids) VALUES ($1, $2, $3)",
            &[&signed(id), &parent.map(signed), &plan_forbids],
        )?;
        Ok(())
    }

    fn insert_role(&mut self, id: u64, name: &str, privileges: &str) -> Result<(), ServerError> {
        self.execute(
            "INSERT INTO roles (id, name, privileges) VALUES ($1, $2, $3)",
            &[&signed(id), &name, &privileges],
        )?;
        Ok(())
    }

    fn insert_person(&mut self, person: &Person, password_hash: &str) -> Result<(), ServerError> {
        let ids = [person.id, person.customer, person.role].map(signed);
        let texts: Vec<&str> = person_texts(person, password_hash).collect();
        let mut values: Vec<&(dyn ToSql + Sync)> = ids.iter().map(|id| id as _).collect();
        values.extend(texts.iter().map(|text| text as &(dyn ToSql + Sync)));
        let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO people ({}) VALUES ({})",
            person_columns(),
            placeholders.join(", ")
        );
        self.execute(&sql, &values)?;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), ServerError> {
        let tx = self.tx.take().ok_or(ServerError::Internal)?;
        Ok(tx.commit()?)
    }
}
