//! A throw-away PostgreSQL cluster for the tests: Debian's `postgresql` programs, a
//! data folder in the temporary folder, listening on 127.0.0.1 and a socket in that
//! folder only, stopped and removed when dropped. `initdb` refuses to run as root, so
//! as root the cluster runs as the `postgres` user the package creates.
//!
//! Where no cluster can start, the tests that need one say so and pass, unless
//! `ENSWITCH_REQUIRE_POSTGRES=1` (which CI sets): then they fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable that turns a cluster that cannot start into a failure.
pub const REQUIRE: &str = "ENSWITCH_REQUIRE_POSTGRES";

/// Set in a test process whose servers run on PostgreSQL: the cluster's URL, without a
/// database.
pub const CLUSTER_URL: &str = "ENSWITCH_TEST_POSTGRES";

/// A running cluster.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
}

/// The folder of PostgreSQL's programs: `PG_BIN`, or the newest of Debian's.
fn bin() -> Result<PathBuf, String> {
    if let Some(bin) = std::env::var_os("PG_BIN") {
        return Ok(bin.into());
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("no /usr/lib/postgresql ({e}): is Debian's postgresql installed?"))?
        .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
    });
    versions
        .pop()
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.trim_ascii() == b"0")
}

/// Runs a PostgreSQL program, as `postgres` when this process is root.
fn run(program: &Path, args: &[&str]) -> Result<Output, String> {
    let mut command = if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    };
    let output = command
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{} failed: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

impl Cluster {
    /// Initializes and starts a cluster.
    ///
    /// # Errors
    /// Why it could not start.
    pub fn start() -> Result<Cluster, String> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let bin = bin()?;
        let dir = std::env::temp_dir().join(format!(
            "enswitch-people-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        if is_root() {
            let chown = Command::new("chown")
                .args(["postgres:"])
                .arg(&dir)
                .status()
                .map_err(|e| e.to_string())?;
            if !chown.success() {
                return Err("chown to the postgres user failed: is there one?".to_owned());
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let cluster = Cluster { dir, bin, port };
        let data = cluster.data();
        run(
            &cluster.bin.join("initdb"),
            &[
                "-D",
                &data,
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        // Durability is not what these tests are about, and fsync makes them slow.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c fsync=off -c max_connections=300",
            cluster.dir.display()
        );
        let log = cluster.dir.join("log").display().to_string();
        run(
            &cluster.bin.join("pg_ctl"),
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        Ok(cluster)
    }

    /// Starts a cluster, or says plainly why none can start: the tests that need one
    /// pass without it, unless [`REQUIRE`] is `1`.
    ///
    /// # Panics
    /// When none can start and [`REQUIRE`] is `1`.
    #[must_use]
    pub fn start_or_skip(what: &str) -> Option<Cluster> {
        match Cluster::start() {
            Ok(cluster) => Some(cluster),
            Err(why) if std::env::var(REQUIRE).as_deref() == Ok("1") => {
                panic!("PostgreSQL is required ({REQUIRE}=1) but could not start: {why}")
            }
            Err(why) => {
                eprintln!("SKIPPED {what}: PostgreSQL could not start: {why}");
                None
            }
        }
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// The cluster's URL, without a database.
    #[must_use]
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = run(
            &self.bin.join("pg_ctl"),
            &["-D", &data, "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A database of its own on the cluster at `cluster_url`, named for `name` and created
/// when missing; its URL.
///
/// # Panics
/// When the cluster refuses.
#[must_use]
pub fn database(cluster_url: &str, name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let mut client = postgres::Client::connect(&format!("{cluster_url}/postgres"), postgres::NoTls)
        .expect("the test cluster takes connections");
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .unwrap()
        .is_some();
    if !exists {
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
    }
    format!("{cluster_url}/{name}")
}

/// Runs every other test of this test binary again, each server on a database of its
/// own in one throw-away cluster: the whole file's tests on PostgreSQL. `me` is the
/// calling test's name, left out.
///
/// # Panics
/// When a test fails on PostgreSQL, or when none can start and [`REQUIRE`] is `1`.
pub fn run_this_file_on_postgres(me: &str) {
    if std::env::var_os(CLUSTER_URL).is_some() {
        return;
    }
    let Some(cluster) = Cluster::start_or_skip("the PostgreSQL run of this file's tests") else {
        return;
    };
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--skip", me])
        .env(CLUSTER_URL, cluster.url())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let summary: Vec<&str> = report
        .lines()
        .filter(|line| line.starts_with("test ") || line.starts_with("test result"))
        .collect();
    eprintln!("on PostgreSQL:\n{}", summary.join("\n"));
    assert!(
        output.status.success(),
        "on PostgreSQL:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
