//! A reference server for Enswitch's `people/get` and `people/update` on an embedded
//! SQLite database, built on the `enswitch-people` crate: the README's "Running it in a
//! server", running. The rules are the crate's; the server translates HTTP and SQL to
//! the crate's types and back, and carries out what the crate asks.

pub mod auth;
pub mod db;
pub mod errors;
pub mod http;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use enswitch_people::Policy;
use tokio::sync::Semaphore;

use crate::auth::{Cost, Hasher, Throttle};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen (port 0: any free port; the address is printed).
    pub address: SocketAddr,
    /// The database file, created and seeded on first start.
    pub database: PathBuf,
    /// The argon2id cost.
    pub cost: Cost,
    /// The most argon2 verifications at once.
    pub max_verifications: usize,
    /// The page's folder.
    pub web: PathBuf,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            address: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: PathBuf::from("enswitch-people.sqlite"),
            cost: Cost::OWASP,
            max_verifications: 2,
            web: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../web/dist")),
        }
    }
}

/// Binds the configured address, then serves (see [`serve_on`]). Prints `listening on
/// ADDRESS` once it accepts connections.
///
/// # Errors
/// The address cannot be bound, or as [`serve_on`].
pub async fn serve(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind(config.address).await?;
    println!("listening on {}", listener.local_addr()?);
    serve_on(listener, config).await
}

/// Opens (creating, migrating and seeding) the database, then serves on `listener`
/// until the process ends.
///
/// # Errors
/// The database cannot be opened or migrated.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    config: Config,
) -> Result<(), Box<dyn std::error::Error>> {
    let hasher = Hasher::new(config.cost);
    {
        let mut connection = db::open(&config.database)?;
        db::migrate(&mut connection)?;
        if db::seed_if_empty(&mut connection, |password| hasher.hash(password))? {
            tracing::info!(database = %config.database.display(), "created and seeded the demo directory");
        }
    }
    let state = Arc::new(http::AppState {
        database: config.database,
        hasher,
        throttle: Throttle::default(),
        verifications: Semaphore::new(config.max_verifications),
        policy: Policy::default(),
        web: config.web,
    });
    let app = http::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).await?;
    Ok(())
}
