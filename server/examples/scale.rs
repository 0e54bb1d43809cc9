//! The load over one, two and three server processes on one PostgreSQL database, as
//! behind a load balancer: client threads send updates round the processes, signed in
//! by a session's token (shared by every process) or by password (argon2 on every
//! request), at argon2's OWASP cost and at a cheap test cost. One process on SQLite is
//! measured beside them for reference. At most 8 s a row.
//!
//! ```text
//! cargo build --release -p enswitch-people-server
//! cargo run --release -p enswitch-people-server --example scale -- postgres://USER@HOST/DB
//! ```
//!
//! The server binary is run from beside this example's own folder (the build above
//! makes it). Every process is on 127.0.0.1; the database's people are updated, so give
//! it a database of its own (the server seeds an empty one).

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Client threads: as many as one address may have waiting for argon2 on one process
/// (more would be `sign_in_busy` by design).
const CLIENTS: usize = 4;
/// Stop a row at this many requests or this long, whichever comes first.
const RUN_TIME: Duration = Duration::from_secs(8);

/// An argon2 cost, as the server's flags take it.
struct Cost {
    label: &'static str,
    memory_kib: u32,
    iterations: u32,
}

const COSTS: [Cost; 2] = [
    Cost {
        label: "OWASP (19 MiB, t=2)",
        memory_kib: 19 * 1024,
        iterations: 2,
    },
    Cost {
        label: "cheap (64 KiB, t=1)",
        memory_kib: 64,
        iterations: 1,
    },
];

/// How a kind of update signs in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A session's bearer token, begun on one process and used on all: no argon2.
    Token,
    /// `auth_username` and `auth_password`: argon2 on every request.
    Password,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Token => "self-service, token",
            Kind::Password => "admin, password",
        }
    }

    fn query(self, i: usize) -> String {
        match self {
            Kind::Token => format!(
                "id=11&timezone={}",
                ["europe/paris", "europe/london"][i % 2]
            ),
            Kind::Password => format!(
                "auth_username=bob.admin&auth_password=bob.admin-password&id=21&title=T{i}&company=C{i}"
            ),
        }
    }
}

/// A server process; killed when dropped.
struct Process {
    child: Child,
    address: SocketAddr,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server binary, built beside this example.
fn binary() -> PathBuf {
    let me = std::env::current_exe().expect("the example's path");
    let binary = me
        .parent()
        .and_then(|examples| examples.parent())
        .map(|profile| profile.join("enswitch-people-server"))
        .expect("the example runs from target/PROFILE/examples");
    assert!(
        binary.exists(),
        "no {}: run `cargo build --release -p enswitch-people-server` first",
        binary.display()
    );
    binary
}

fn start(database: &str, cost: &Cost) -> Process {
    let mut child = Command::new(binary())
        .args(["--address", "127.0.0.1:0", "--database", database])
        .args(["--argon2-memory", &cost.memory_kib.to_string()])
        .args(["--argon2-iterations", &cost.iterations.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("its output"))
        .read_line(&mut line)
        .expect("it says where it listens");
    let address = line
        .trim()
        .strip_prefix("listening on ")
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Process { child, address }
}

/// One update by GET on a new connection: `Ok` when carried out, else the answer.
fn request(address: SocketAddr, query: &str, token: Option<&str>) -> Result<(), String> {
    let mut stream = TcpStream::connect(address).map_err(|e| e.to_string())?;
    let bearer = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "GET /api/json/people/update/?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n{bearer}Connection: close\r\n\r\n"
    );
    let mut response = String::new();
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.read_to_string(&mut response))
        .map_err(|e| e.to_string())?;
    if response.contains(r#""code":"204""#) {
        Ok(())
    } else {
        Err(response)
    }
}

/// A session token for alice, begun at `address`.
fn token(address: SocketAddr) -> String {
    let mut stream = TcpStream::connect(address).expect("the server listens");
    let body = "username=alice&password=alice-password";
    let head = format!(
        "POST /api/session/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut response = String::new();
    stream.write_all(head.as_bytes()).expect("sent");
    stream.read_to_string(&mut response).expect("answered");
    let start = response.find(r#""token":""#).expect("a token") + 9;
    response[start..start + 64].to_owned()
}

/// Sends up to `limit` updates of `kind` from [`CLIENTS`] threads, round the
/// processes; the latencies in µs, sorted, and the time taken.
fn run(addresses: &[SocketAddr], kind: Kind, limit: usize) -> (Vec<u64>, Duration) {
    // Signed in once first, unmeasured: a stored hash at another cost than the
    // processes' is made again at theirs on its first sign-in, and requests verified
    // against the old hash meanwhile would be refused (as a password changed while
    // they were in argon2).
    let token = match kind {
        Kind::Token => Some(token(addresses[0])),
        Kind::Password => {
            request(addresses[0], &kind.query(0), None).expect("a first sign-in");
            None
        }
    };
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    let mut latencies: Vec<u64> = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= limit || started.elapsed() > RUN_TIME {
                            break mine;
                        }
                        let address = addresses[i % addresses.len()];
                        let sent = Instant::now();
                        if let Err(answer) = request(address, &kind.query(i), token.as_deref()) {
                            panic!("{} update {i} failed: {answer}", kind.name());
                        }
                        mine.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                    }
                })
            })
            .collect();
        clients
            .into_iter()
            .flat_map(|c| c.join().expect("a client"))
            .collect()
    });
    latencies.sort_unstable();
    (latencies, started.elapsed())
}

fn percentile(sorted: &[u64], p: usize) -> u64 {
    sorted
        .get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(0)
}

#[expect(
    clippy::cast_precision_loss,
    reason = "counts and microseconds far below 2^52, printed as rates"
)]
fn main() {
    let Some(postgres) = std::env::args().nth(1) else {
        eprintln!("usage: scale postgres://USER@HOST/DATABASE");
        std::process::exit(2);
    };
    let sqlite = std::env::temp_dir().join(format!("enswitch-people-scale-{}", std::process::id()));
    let _ = std::fs::remove_file(&sqlite);
    let sqlite = sqlite.display().to_string();
    println!("| argon2 | database | processes | update | requests | req/s | p50 | p99 |");
    println!("|---|---|---|---|---|---|---|---|");
    for cost in &COSTS {
        let rows = [
            ("SQLite", &sqlite, 1),
            ("PostgreSQL", &postgres, 1),
            ("PostgreSQL", &postgres, 2),
            ("PostgreSQL", &postgres, 3),
        ];
        for (database_name, database, count) in rows {
            let processes: Vec<Process> = (0..count).map(|_| start(database, cost)).collect();
            let addresses: Vec<SocketAddr> = processes.iter().map(|p| p.address).collect();
            for kind in [Kind::Token, Kind::Password] {
                let (latencies, took) = run(&addresses, kind, 20_000);
                println!(
                    "| {} | {database_name} | {count} | {} | {} | {:.0} | {:.2} ms | {:.2} ms |",
                    cost.label,
                    kind.name(),
                    latencies.len(),
                    latencies.len() as f64 / took.as_secs_f64(),
                    percentile(&latencies, 50) as f64 / 1000.0,
                    percentile(&latencies, 99) as f64 / 1000.0,
                );
            }
        }
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{sqlite}{suffix}"));
    }
}
