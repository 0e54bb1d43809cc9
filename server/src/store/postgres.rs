//! PostgreSQL: the database several server processes share. The statements are
//! [`super::queries`]'.
//!
//! A write runs `SERIALIZABLE`: PostgreSQL then guarantees that the transactions that
//! commit could have run one at a time, over every row and every absent row read (the
//! actor's role, the customer chain, the plan, whether a username is taken) without
//! this code naming which to lock, as `SELECT … FOR UPDATE` would have it do (and miss
//! a row not yet there). The price is that a transaction may be refused at any
//! statement or at its commit with a serialization failure; it is then run again, up to
//! [`ATTEMPTS`] times, after a random wait that grows with the attempts. A unique
//! violation (two processes giving out one username at once) is retried too: the
//! second run reads the name as taken and answers `username_taken`.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::{ToSql, Type};
use postgres::{Client, IsolationLevel, NoTls, Statement, Transaction};

use super::sql::{Cell, Param, Sql, SqlWrite};
use super::{Reads, Writes};
use crate::errors::ServerError;

/// How many times a write runs before the server answers `database_busy`.
const ATTEMPTS: u32 = 16;

/// The longest wait between two runs of a write.
const LONGEST_WAIT: Duration = Duration::from_millis(32);

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

/// The wait before attempt `attempt + 1`: random, up to 1 ms doubled for each attempt
/// so far and at most [`LONGEST_WAIT`], so that the transactions that collided do not
/// collide again, and a row many want is waited for longer.
fn backoff(attempt: u32) -> Duration {
    let mut bytes = [0u8; 2];
    let random =
        getrandom::getrandom(&mut bytes).map_or(u16::MAX / 2, |()| u16::from_le_bytes(bytes));
    let most = Duration::from_millis(1u64 << attempt.min(16)).min(LONGEST_WAIT);
    most.mul_f64(f64::from(random) / f64::from(u16::MAX))
}

/// Applies the migrations not yet applied, under the lock, so that processes starting
/// together take turns and each migration runs once.
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
}

/// `param` as the statement's parameter of type `ty` takes it.
fn bound<'p>(param: Param<'p>, ty: &Type) -> Box<dyn ToSql + Sync + 'p> {
    match param {
        Param::Int(value) if *ty == Type::INT4 => {
            Box::new(i32::try_from(value).unwrap_or(i32::MAX))
        }
        Param::Int(value) => Box::new(value),
        Param::Text(text) => Box::new(text),
        Param::Null if *ty == Type::INT8 => Box::new(None::<i64>),
        Param::Null if *ty == Type::INT4 => Box::new(None::<i32>),
        Param::Null => Box::new(None::<&str>),
    }
}

/// Column `i` of `row`, by its type: the schema's integers, booleans and texts.
fn cell(row: &postgres::Row, i: usize) -> Result<Cell, ServerError> {
    let ty = row.columns()[i].type_();
    let cell = if *ty == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?.map(Cell::Int)
    } else if *ty == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map(|v| Cell::Int(v.into()))
    } else if *ty == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map(|v| Cell::Int(v.into()))
    } else {
        row.try_get::<_, Option<String>>(i)?.map(Cell::Text)
    };
    Ok(cell.unwrap_or(Cell::Null))
}

impl Connection<'_> {
    /// The transaction, `sql` prepared and `params` bound to its parameters' types.
    fn run<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        run: impl FnOnce(
            &mut Transaction<'_>,
            &Statement,
            &[&(dyn ToSql + Sync)],
        ) -> Result<T, postgres::Error>,
    ) -> Result<T, ServerError> {
        let (tx, statement) = self.prepared(sql)?;
        let bound: Vec<Box<dyn ToSql + Sync>> = params
            .iter()
            .zip(statement.params())
            .map(|(param, ty)| bound(*param, ty))
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| &**b as _).collect();
        Ok(run(tx, &statement, &refs)?)
    }
}

impl Sql for Connection<'_> {
    fn rows(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Vec<Cell>>, ServerError> {
        let rows = self.run(sql, params, |tx, statement, params| {
            tx.query(statement, params)
        })?;
        rows.iter()
            .map(|row| (0..row.len()).map(|i| cell(row, i)).collect())
            .collect()
    }
}

impl SqlWrite for Connection<'_> {
    fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64, ServerError> {
        self.run(sql, params, |tx, statement, params| {
            tx.execute(statement, params)
        })
    }

    fn commit(&mut self) -> Result<(), ServerError> {
        let tx = self.tx.take().ok_or(ServerError::Internal)?;
        Ok(tx.commit()?)
    }
}
