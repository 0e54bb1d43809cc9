//! A reference server for Enswitch's `people/get` and `people/update` on an embedded
//! SQLite database, built on the `enswitch-people` crate: the README's "Running it in a
//! server", running. The rules are the crate's; the server translates HTTP and SQL to
//! the crate's types and back, and carries out what the crate asks.

pub mod auth;
pub mod errors;
pub mod http;
mod listen;
pub mod service;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use enswitch_people::{Policy, PolicySettings, SourceList};
use tokio::sync::Semaphore;

use crate::auth::Throttle;
use crate::auth::{Cost, Hasher, Queue, Slots};
use crate::errors::ServerError;
use crate::http::Limits;
use crate::store::{Store, Synchronous};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (port 0: any free port; the address is printed).
    pub address: SocketAddr,
    /// The database: a SQLite file's path, created and seeded on first start, or a
    /// PostgreSQL URL (`postgres://…`), migrated and seeded when empty.
    pub database: String,
    /// The argon2id cost of new hashes.
    pub cost: Cost,
    /// The argon2 slots and the queue before them.
    pub queue: Queue,
    /// Timeouts and bounds.
    pub limits: Limits,
    /// When a commit reaches the disk.
    pub synchronous: Synchronous,
    /// The page's folder.
    pub web: PathBuf,
    /// The proxies whose `Forwarded` / `X-Forwarded-For` name the client.
    pub trusted_proxies: Option<SourceList>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: "enswitch-people.sqlite".to_owned(),
            cost: Cost::OWASP,
            queue: Queue::DEFAULT,
            limits: Limits::DEFAULT,
            synchronous: Synchronous::Normal,
            web: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")),
            trusted_proxies: None,
        }
    }
}

/// Opens (creating, migrating and seeding) the database, binds the configured address,
/// prints `listening on ADDRESS`, then serves (see [`serve_on`]).
///
/// # Errors
/// The database cannot be opened or migrated, or the address cannot be bound.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = prepare(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.address).await?;
    println!("listening on {}", listener.local_addr()?);
    listen::run(listener, state, config.limits).await
}

/// Opens (creating, migrating and seeding) the database, then serves on `listener`
/// until the process ends: HTTP/1.1, at most [`Limits::connections`] connections at
/// once, each closed when a request's headers take longer than
/// [`Limits::header_seconds`] (an idle connection included).
///
/// # Errors
/// The database cannot be opened or migrated.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = prepare(&config).await?;
    listen::run(listener, state, config.limits).await
}

/// The rules: the specification's, with the `was.<field>` preconditions turned on, so
/// that a client (the page) can say what it read and an update made against a value
/// changed since is refused rather than written over it.
fn server_policy() -> Policy {
    let settings = PolicySettings {
        preconditions: true,
        ..PolicySettings::default()
    };
    Policy::try_from(settings).expect("the default settings with preconditions are valid")
}

/// The database ready, and what the handlers share, on a blocking task (the database
/// clients and argon2 block).
async fn prepare(config: &Config) -> Result<Arc<http::AppState>, String> {
    let config = config.clone();
    tokio::task::spawn_blocking(move || prepare_blocking(&config))
        .await
        .map_err(|error| error.to_string())?
}

fn prepare_blocking(config: &Config) -> Result<Arc<http::AppState>, String> {
    let store = Store::open(&config.database, config.synchronous)
        .map_err(|error| format!("opening the database: {error}"))?;
    let seeding = Hasher::new(config.cost, []);
    let failed = |error: ServerError| format!("seeding the database: {}", error.message());
    if store
        .seed_if_empty(|password| seeding.hash(password))
        .map_err(failed)?
    {
        tracing::info!("created and seeded the demo directory");
    }
    let stored = store.read(|db| db.password_hashes()).map_err(failed)?;
    Ok(Arc::new(http::AppState {
        store,
        hasher: Hasher::new(config.cost, stored.iter().map(String::as_str)),
        throttle: Throttle::default(),
        slots: Slots::new(config.queue),
        bodies: Semaphore::new(config.limits.bodies),
        limits: config.limits,
        policy: server_policy(),
        web: config.web.clone(),
        trusted_proxies: config.trusted_proxies.clone(),
    }))
}
