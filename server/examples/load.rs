//! A bounded load generator, against 127.0.0.1 only: the reference server runs in this
//! process on an ephemeral port with a fresh database, and client threads send
//! self-service and administrator updates, signed in by password or by a session's
//! token, and token updates while another client changes passwords. At most 12 s a
//! row, 8 rows.
//!
//! `cargo run --release -p enswitch-people-server --example load`
//!
//! Prints requests per second and p50/p99 latency for each kind of update, at argon2's
//! OWASP cost and at a cheap test cost, and the share of a request's time spent in the
//! crate (parse and decide, measured directly on the same requests).

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use enswitch_people::{
    Actor, Context, CustomerChain, FieldSet, Person, Policy, Privilege, Request, RequestAddress,
    Roles, Uniqueness, decide,
};
use enswitch_people_server::Config;
use enswitch_people_server::auth::Cost;

const CLIENTS: usize = 4;
/// Stop a run at this many requests or this long, whichever comes first.
const RUN_TIME: Duration = Duration::from_secs(12);

/// How a kind of request signs in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Auth {
    /// `auth_username` and `auth_password`: argon2 on every request.
    Password,
    /// A session's bearer token, as the page sends it: no argon2.
    Token,
}

struct Kind {
    name: &'static str,
    auth: Auth,
    /// While it runs, another client changes a password again and again.
    passwords_change: bool,
    query: fn(usize) -> String,
}

fn zone(i: usize) -> String {
    format!(
        "id=11&timezone={}",
        ["europe/paris", "europe/london"][i % 2]
    )
}

const KINDS: [Kind; 4] = [
    Kind {
        name: "self-service, password",
        auth: Auth::Password,
        passwords_change: false,
        query: |i| {
            format!(
                "auth_username=alice&auth_password=alice-password&{}",
                zone(i)
            )
        },
    },
    Kind {
        name: "admin, password",
        auth: Auth::Password,
        passwords_change: false,
        query: |i| {
            format!(
                "auth_username=bob.admin&auth_password=bob.admin-password&id=21&title=T{i}&company=C{i}&telephone=%2B44%2020%207946%20{:04}",
                i % 10_000
            )
        },
    },
    Kind {
        name: "self-service, token",
        auth: Auth::Token,
        passwords_change: false,
        query: zone,
    },
    Kind {
        name: "self-service, token, while passwords change",
        auth: Auth::Token,
        passwords_change: true,
        query: zone,
    },
];

fn start(cost: Cost) -> (SocketAddr, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "enswitch-people-load-{}-{}",
        std::process::id(),
        cost.memory_kib
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let config = Config {
        address: SocketAddr::from(([127, 0, 0, 1], 0)),
        database: dir.join("people.sqlite").display().to_string(),
        cost,
        ..Config::default()
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind(config.address)
                .await
                .expect("a port");
            sender
                .send(listener.local_addr().expect("an address"))
                .expect("the main thread waits");
            enswitch_people_server::serve_on(listener, config)
                .await
                .expect("the server runs");
        });
    });
    (receiver.recv().expect("the server starts"), dir)
}

/// One update by GET on a new connection; whether it was carried out.
fn request(address: SocketAddr, query: &str, token: Option<&str>) -> bool {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return false;
    };
    let bearer = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "GET /api/json/people/update/?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n{bearer}Connection: close\r\n\r\n"
    );
    let mut response = String::new();
    stream.write_all(head.as_bytes()).is_ok()
        && stream.read_to_string(&mut response).is_ok()
        && response.contains(r#""code":"204""#)
}

/// A session token for alice.
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

/// Sends up to `limit` requests from `CLIENTS` threads (one fewer while another
/// changes passwords); the latencies, in µs.
fn run(address: SocketAddr, kind: &Kind, limit: usize) -> (Vec<u64>, Duration) {
    let token = (kind.auth == Auth::Token).then(|| token(address));
    let started = Instant::now();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicBool::new(false);
    let clients = if kind.passwords_change {
        CLIENTS - 1
    } else {
        CLIENTS
    };
    let mut latencies: Vec<u64> = std::thread::scope(|scope| {
        if kind.passwords_change {
            scope.spawn(|| {
                // bob.admin sets carol's password: argon2 to sign in and to hash it.
                for i in 0.. {
                    if done.load(std::sync::atomic::Ordering::Relaxed) {
                        break;
                    }
                    let query = format!(
                        "auth_username=bob.admin&auth_password=bob.admin-password&id=21&password=Carol-Secret-{i}"
                    );
                    assert!(request(address, &query, None), "password change {i} failed");
                }
            });
        }
        let workers: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= limit || started.elapsed() > RUN_TIME {
                            break mine;
                        }
                        let sent = Instant::now();
                        assert!(
                            request(address, &(kind.query)(i), token.as_deref()),
                            "{} request {i} failed",
                            kind.name
                        );
                        mine.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                    }
                })
            })
            .collect();
        let latencies = workers
            .into_iter()
            .flat_map(|w| w.join().expect("a client"))
            .collect();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        latencies
    });
    latencies.sort_unstable();
    (latencies, started.elapsed())
}

/// The crate's own time for one of these requests: parse and decide, in µs.
fn crate_micros(kind: &Kind) -> f64 {
    let roles: Roles = [(3, Privilege::Administrator), (4, Privilege::User)]
        .into_iter()
        .collect();
    let person = Person {
        id: 21,
        customer: 4,
        role: 4,
        username: "carol".into(),
        ..Person::default()
    };
    let alice = Person {
        id: 11,
        customer: 3,
        role: 4,
        username: "alice".into(),
        timezone: "Europe/London".into(),
        ..Person::default()
    };
    let (target, actor, chain): (&Person, Actor, &[u64]) = if kind.name.starts_with("admin") {
        (
            &person,
            Actor::new(20, 4, Privilege::Administrator),
            &[4, 2, 1],
        )
    } else {
        (&alice, Actor::new(11, 3, Privilege::User), &[3, 2, 1])
    };
    let address = RequestAddress::Known(std::net::Ipv4Addr::LOCALHOST.into());
    let caller = actor.caller("", address).expect("a caller");
    let chain = CustomerChain::new(target, chain);
    let context = Context::new(&roles, chain, Uniqueness::Free, FieldSet::EMPTY);
    let rounds = 20_000;
    let started = Instant::now();
    for i in 0..rounds {
        let query = match kind.auth {
            Auth::Password => (kind.query)(i),
            // The same fields as a password request, for the same decision.
            Auth::Token => format!("auth_username=alice&auth_password=x&{}", (kind.query)(i)),
        };
        let request = Request::from_query(&query).expect("parses");
        assert!(decide(target, &caller, &request, &context, &Policy::default()).is_ok());
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(u32::try_from(rounds).unwrap_or(u32::MAX))
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
    let cheap = Cost {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };
    println!(
        "| argon2 | update | requests | req/s | p50 | p99 | crate (parse + decide) | share of p50 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for (label, cost, limit) in [
        ("OWASP (19 MiB, t=2)", Cost::OWASP, 2_000),
        ("cheap (64 KiB, t=1)", cheap, 8_000),
    ] {
        let (address, dir) = start(cost);
        for kind in &KINDS {
            let (latencies, took) = run(address, kind, limit);
            let count = latencies.len();
            let rate = count as f64 / took.as_secs_f64();
            let p50 = percentile(&latencies, 50);
            let crate_us = crate_micros(kind);
            let share = crate_us / p50 as f64 * 100.0;
            println!(
                "| {label} | {} | {count} | {rate:.0} | {:.2} ms | {:.2} ms | {crate_us:.2} µs | {share:.3} % |",
                kind.name,
                p50 as f64 / 1000.0,
                percentile(&latencies, 99) as f64 / 1000.0,
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
