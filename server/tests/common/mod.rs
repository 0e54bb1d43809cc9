//! What the server's tests share: the real binary on an ephemeral port of 127.0.0.1, a
//! fresh database (a SQLite file, or a PostgreSQL database when the file's tests run
//! again there: see [`postgres`]), a cheap argon2 cost, and plain HTTP/1.1 exchanges.
#![allow(dead_code, reason = "each test file uses its own part of the harness")]

pub mod postgres;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use enswitch_people_server::auth::{Cost, Hasher};

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
    /// The database it runs on: a file's path or a PostgreSQL URL.
    pub database: String,
}

/// The database of a test's folder: a SQLite file in it, or, when this test process
/// runs on PostgreSQL, a database named for the folder (so that a server started again
/// on the folder finds the same).
pub fn database_of(dir: &Path) -> String {
    match std::env::var(postgres::CLUSTER_URL) {
        Ok(cluster) => {
            let name = dir.file_name().unwrap().to_string_lossy();
            postgres::database(&cluster, &format!("t{name}"))
        }
        Err(_) => dir.join("people.sqlite").display().to_string(),
    }
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh folder for one test's database.
pub fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "enswitch-people-server-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, &[])
    }

    /// A server with more flags. `SERVER_BINARY` names another build to run the tests
    /// against (an older commit's, to see what a test showed before a fix).
    pub fn start_with(dir: &Path, flags: &[&str]) -> Server {
        Server::start_on(dir, &database_of(dir), flags)
    }

    /// A server on `database` (several servers may share a PostgreSQL one).
    pub fn start_on(dir: &Path, database: &str, flags: &[&str]) -> Server {
        let binary = std::env::var_os("SERVER_BINARY")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_enswitch-people-server").into());
        let mut child = Command::new(binary)
            .args(["--address", "127.0.0.1:0", "--database", database])
            .args(["--argon2-memory", "64", "--argon2-iterations", "1", "--web"])
            .arg(dir.join("web"))
            .args(flags)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server binary is built for its tests");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server {
            child,
            port,
            dir: dir.to_owned(),
            database: database.to_owned(),
        }
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server process's id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One HTTP/1.1 exchange: the status and the body.
    pub fn call(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> (u16, String) {
        let reply = self.exchange(method, target, headers, body);
        (reply.status, reply.body)
    }

    /// One HTTP/1.1 exchange on a new connection, closed after it.
    pub fn exchange(
        &self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            use std::fmt::Write as _;
            let _ = write!(head, "{name}: {value}\r\n");
        }
        head.push_str("\r\n");
        // A server may answer (and close) before reading a body it refuses.
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let response = String::from_utf8_lossy(&response).into_owned();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        Reply {
            status,
            head: head.to_owned(),
            body: body.to_owned(),
        }
    }

    /// `people/update` by GET; the envelope (HTTP status 200 asserted).
    pub fn update(&self, query: &str) -> String {
        let (status, body) = self.call(
            "GET",
            &format!("/api/json/people/update/?{query}"),
            &[],
            b"",
        );
        assert_eq!(status, 200, "{body}");
        body
    }

    pub fn post(
        &self,
        path: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> String {
        let mut all = vec![("Content-Type", content_type)];
        all.extend_from_slice(headers);
        let (status, body) = self.call("POST", path, &all, body.as_bytes());
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Gives `username` (password `USERNAME-password`) a stored hash that takes a while
    /// to verify, so that a test can act while a request is in argon2.
    pub fn slow_password(&self, username: &str) {
        let slow = Cost {
            memory_kib: 64 * 1024,
            iterations: 12,
            lanes: 1,
        };
        let hash = Hasher::new(slow, []).hash(&format!("{username}-password"));
        self.database().execute(
            "UPDATE people SET password_hash = ?1 WHERE username = ?2",
            &[&hash, username],
        );
    }

    /// Sends `query` to `people/update` by GET from another thread; the envelope.
    pub fn send(&self, query: &str) -> std::thread::JoinHandle<String> {
        let port = self.port;
        let head = format!(
            "GET /api/json/people/update/?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
        std::thread::spawn(move || {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).unwrap();
            response.split_once("\r\n\r\n").unwrap().1.to_owned()
        })
    }

    /// Sends SIGTERM and waits for the process to end; its exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        self.child.wait().unwrap()
    }

    /// The server's database, opened beside it.
    pub fn database(&self) -> Db {
        Db::open(&self.database)
    }
}

/// An answer as it came: the status, the head and the body.
pub struct Reply {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Reply {
    /// The value of a header, its name matched ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (found, value) = line.split_once(':')?;
            found.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const OK: &str = r#"{"responses":[{"code":"204","key":"","message":"OK"}]}"#;
pub const UNAUTHENTICATED: &str = r#"{"responses":[{"code":"401","key":"","message":"The authentication details provided are invalid."}]}"#;
pub const NOT_PERMITTED: &str =
    r#"{"responses":[{"code":"402","key":"","message":"Your role does not allow this."}]}"#;
pub const NOT_FOUND: &str = r#"{"responses":[{"code":"404","key":"id","message":"The person does not exist, or you do not have permission to update them."}]}"#;

/// The Enswitch code of an envelope's first response.
#[track_caller]
pub fn code(envelope: &str) -> String {
    let json: serde_json::Value = serde_json::from_str(envelope).expect(envelope);
    json["responses"][0]["code"].as_str().unwrap().to_owned()
}

pub fn auth(username: &str) -> String {
    format!("auth_username={username}&auth_password={username}-password")
}

pub fn token(server: &Server, username: &str, password: &str) -> Option<String> {
    let body = server.post(
        "/api/session/",
        "application/x-www-form-urlencoded",
        &[],
        &format!("username={username}&password={password}"),
    );
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    json["data"]["token"].as_str().map(str::to_owned)
}

/// A test's own connection to a server's database, whichever it is. SQL is written
/// once with `?1`-style parameters, all text.
pub enum Db {
    Sqlite(rusqlite::Connection),
    Postgres(::postgres::Client),
}

impl Db {
    pub fn open(database: &str) -> Db {
        if database.starts_with("postgres://") {
            Db::Postgres(::postgres::Client::connect(database, ::postgres::NoTls).unwrap())
        } else {
            Db::Sqlite(rusqlite::Connection::open(database).unwrap())
        }
    }

    /// `?N` as PostgreSQL writes it: `$N`.
    fn numbered(sql: &str) -> String {
        sql.replace('?', "$")
    }

    /// Runs a statement; the rows it changed.
    pub fn execute(&mut self, sql: &str, params: &[&str]) -> u64 {
        match self {
            Db::Sqlite(db) => db.execute(sql, rusqlite::params_from_iter(params)).unwrap() as u64,
            Db::Postgres(db) => {
                let params: Vec<&(dyn ::postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as _).collect();
                db.execute(&Db::numbered(sql), &params).unwrap()
            }
        }
    }

    /// The text columns of every row.
    pub fn rows(&mut self, sql: &str) -> Vec<Vec<String>> {
        match self {
            Db::Sqlite(db) => {
                let mut statement = db.prepare(sql).unwrap();
                let columns = statement.column_count();
                statement
                    .query_map([], |r| (0..columns).map(|i| r.get(i)).collect())
                    .unwrap()
                    .map(Result::unwrap)
                    .collect()
            }
            Db::Postgres(db) => db
                .query(sql, &[])
                .unwrap()
                .iter()
                .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
                .collect(),
        }
    }

    /// The first column of every row.
    pub fn texts(&mut self, sql: &str) -> Vec<String> {
        self.rows(sql)
            .into_iter()
            .map(|mut r| r.swap_remove(0))
            .collect()
    }

    /// The one text of a one-row, one-column query.
    pub fn text(&mut self, sql: &str) -> String {
        let mut texts = self.texts(sql);
        assert_eq!(texts.len(), 1, "{sql}");
        texts.swap_remove(0)
    }

    /// The count of a `SELECT COUNT(*)`.
    pub fn count(&mut self, sql: &str) -> i64 {
        match self {
            Db::Sqlite(db) => db.query_row(sql, [], |r| r.get(0)).unwrap(),
            Db::Postgres(db) => db.query_one(sql, &[]).unwrap().get(0),
        }
    }

    /// Whether the database's own check finds it sound: SQLite's integrity check, or
    /// PostgreSQL's `amcheck` over the people table's indexes.
    pub fn sound(&mut self) -> bool {
        match self {
            Db::Sqlite(db) => {
                let check: String = db
                    .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                    .unwrap();
                check == "ok"
            }
            Db::Postgres(db) => {
                db.batch_execute("CREATE EXTENSION IF NOT EXISTS amcheck")
                    .unwrap();
                db.batch_execute(
                    "SELECT bt_index_check('people_pkey', true), bt_index_check('people_username', true)",
                )
                .is_ok()
            }
        }
    }
}
