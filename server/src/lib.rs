//! A reference server for Enswitch's `people/get` and `people/update` on an embedded
//! SQLite database, built on the `enswitch-people` crate: the README's "Running it in a
//! server", running. The rules are the crate's; the server translates HTTP and SQL to
//! the crate's types and back, and carries out what the crate asks.

pub mod auth;
pub mod db;
pub mod errors;
pub mod http;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use enswitch_people::Policy;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;
use tower::ServiceExt as _;

use crate::auth::{Cost, Hasher, Queue, Slots};
use crate::http::Limits;
use crate::throttle::Throttle;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (port 0: any free port; the address is printed).
    pub address: SocketAddr,
    /// The database file, created and seeded on first start.
    pub database: PathBuf,
    /// The argon2id cost of new hashes.
    pub cost: Cost,
    /// The argon2 slots and the queue before them.
    pub queue: Queue,
    /// Timeouts and bounds.
    pub limits: Limits,
    /// The page's folder.
    pub web: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("enswitch-people.sqlite"),
            cost: Cost::OWASP,
            queue: Queue::DEFAULT,
            limits: Limits::DEFAULT,
            web: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")),
        }
    }
}

/// Opens (creating, migrating and seeding) the database, binds the configured address,
/// prints `listening on ADDRESS`, then serves (see [`serve_on`]).
///
/// # Errors
/// The database cannot be opened or migrated, or the address cannot be bound.
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let state = prepare(&config)?;
    let listener = tokio::net::TcpListener::bind(config.address).await?;
    println!("listening on {}", listener.local_addr()?);
    run(listener, state, config.limits).await
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
    let state = prepare(&config)?;
    run(listener, state, config.limits).await
}

/// The database ready, and what the handlers share.
fn prepare(config: &Config) -> Result<Arc<http::AppState>, Box<dyn std::error::Error>> {
    let mut connection = db::open(&config.database)?;
    db::migrate(&mut connection)?;
    let seeding = Hasher::new(config.cost, []);
    if db::seed_if_empty(&mut connection, |password| seeding.hash(password))? {
        tracing::info!(database = %config.database.display(), "created and seeded the demo directory");
    }
    let stored = db::password_hashes(&connection)?;
    Ok(Arc::new(http::AppState {
        database: config.database.clone(),
        hasher: Hasher::new(config.cost, stored.iter().map(String::as_str)),
        throttle: Throttle::default(),
        slots: Slots::new(config.queue),
        bodies: Semaphore::new(config.limits.bodies),
        limits: config.limits,
        policy: Policy::default(),
        web: config.web.clone(),
    }))
}

async fn run(
    listener: tokio::net::TcpListener,
    state: Arc<http::AppState>,
    limits: Limits,
) -> Result<(), Box<dyn std::error::Error>> {
    let router = http::router(state);
    let connections = Arc::new(Semaphore::new(limits.connections));
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(limits.header_seconds));
    loop {
        // A place first, then the connection: past the cap, connections wait in the
        // listener's backlog rather than in memory.
        let place = Arc::clone(&connections).acquire_owned().await?;
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait a little rather than spin.
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(request.map(axum::body::Body::new))
        });
        let connection = http1.serve_connection(TokioIo::new(stream), service);
        tokio::spawn(async move {
            let _place = place;
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
}
