//! Three server processes on one PostgreSQL database, as behind a load balancer: no
//! update lost between them, sessions and throttling shared, and one process killed
//! under load while the others answer. Each test starts a throw-away cluster of its own
//! (`common::postgres`); where none can start they say so and pass, unless
//! `ENSWITCH_REQUIRE_POSTGRES=1`.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::postgres::{Cluster, database};
use common::{Db, OK, Server, UNAUTHENTICATED, auth, code, folder, token};

/// Three servers on one new database of `cluster`.
fn three(cluster: &Cluster, name: &str) -> (Vec<Server>, String) {
    let url = database(&cluster.url(), name);
    let servers = (0..3)
        .map(|i| Server::start_on(&folder(&format!("{name}-{i}")), &url, &[]))
        .collect();
    (servers, url)
}

/// The audit rows of person `id`, oldest first, as JSON.
fn audit(db: &mut Db, id: u64) -> Vec<serde_json::Value> {
    db.texts(&format!(
        "SELECT diff FROM audit WHERE person = {id} ORDER BY id"
    ))
    .iter()
    .map(|d| serde_json::from_str(d).unwrap())
    .collect()
}

/// Each field's changes in the audit follow one another: every row's old value is the
/// new value of the row before it for that field, starting from `start`; the last
/// values.
#[track_caller]
fn chain(rows: &[serde_json::Value], start: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut current: Vec<(String, String)> = start
        .iter()
        .map(|(f, v)| ((*f).to_owned(), (*v).to_owned()))
        .collect();
    for (i, row) in rows.iter().enumerate() {
        for change in row.as_array().unwrap() {
            let field = change["field"].as_str().unwrap();
            let slot = current.iter_mut().find(|(f, _)| f == field).unwrap();
            assert_eq!(change["old"], slot.1.as_str(), "row {i}: {field}");
            change["new"].as_str().unwrap().clone_into(&mut slot.1);
        }
    }
    current
}

#[test]
fn no_update_is_lost_between_three_processes() {
    let Some(cluster) = Cluster::start_or_skip("no_update_is_lost_between_three_processes") else {
        return;
    };
    let (servers, url) = three(&cluster, "pairs");
    let mut db = Db::open(&url);
    let before = db
        .rows("SELECT title, company FROM people WHERE id = 21")
        .remove(0);
    let started = Instant::now();
    for i in 0..200 {
        let (a, b) = (&servers[i % 3], &servers[(i + 1) % 3]);
        std::thread::scope(|scope| {
            let title =
                scope.spawn(|| a.update(&format!("{}&id=21&title=T{i}", auth("bob.admin"))));
            let company =
                scope.spawn(|| b.update(&format!("{}&id=21&company=C{i}", auth("bob.admin"))));
            assert_eq!(title.join().unwrap(), OK, "pair {i}");
            assert_eq!(company.join().unwrap(), OK, "pair {i}");
        });
    }
    let elapsed = started.elapsed();
    let stored = db.rows("SELECT title, company FROM people WHERE id = 21");
    assert_eq!(stored, [["T199", "C199"]]);
    let rows = audit(&mut db, 21);
    assert_eq!(rows.len(), 400, "one audit row for each update");
    let last = chain(&rows, &[("title", &before[0]), ("company", &before[1])]);
    assert_eq!(
        last,
        [
            ("title".into(), "T199".into()),
            ("company".into(), "C199".into())
        ]
    );
    eprintln!("200 conflicting pairs over three processes in {elapsed:.1?}");
}

#[test]
fn a_session_begun_on_one_process_is_used_and_ended_on_the_others() {
    let Some(cluster) = Cluster::start_or_skip("sessions across processes") else {
        return;
    };
    let (servers, _) = three(&cluster, "sessions");
    let laptop = token(&servers[0], "alice", "alice-password").expect("signed in");
    let bearer = format!("Bearer {laptop}");
    let read = |server: &Server| {
        server
            .call(
                "GET",
                "/api/json/people/get/?id=11",
                &[("Authorization", &bearer)],
                b"",
            )
            .1
    };
    assert_eq!(code(&read(&servers[1])), "200");
    let (status, body) = servers[2].call(
        "DELETE",
        "/api/session/",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!((status, code(&body)), (200, "204".to_owned()));
    for server in &servers {
        assert_eq!(read(server), UNAUTHENTICATED, "ended everywhere");
    }
    // A password changed on one process ends the sessions the others would honour.
    let phone = token(&servers[1], "alice", "alice-password").unwrap();
    let change = format!("{}&id=11&password=a%20new%20long%20password", auth("alice"));
    assert_eq!(servers[2].update(&change), OK);
    let bearer = format!("Bearer {phone}");
    let (_, body) = servers[0].call(
        "GET",
        "/api/json/people/get/?id=11",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(body, UNAUTHENTICATED);
}

#[test]
fn guesses_spread_over_three_processes_are_counted_as_one() {
    let Some(cluster) = Cluster::start_or_skip("throttling across processes") else {
        return;
    };
    let (servers, _) = three(&cluster, "throttle");
    let guess =
        |server: &Server| server.update("auth_username=carol&auth_password=guess&id=21&title=X");
    // Five free attempts in all, whichever process each reaches.
    for i in 0..5 {
        assert_eq!(guess(&servers[i % 3]), UNAUTHENTICATED, "attempt {}", i + 1);
    }
    for server in &servers {
        let body = guess(server);
        assert_eq!(code(&body), "429", "{body}");
    }
}

/// Sends `people/update` to `port`; whether it was acknowledged with `204` (`None`
/// when the process was not there to answer).
fn acknowledged(port: u16, query: &str) -> Option<bool> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let request = format!(
        "GET /api/json/people/update/?{query} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    if response.is_empty() {
        return None;
    }
    Some(response.contains(OK))
}

#[test]
fn a_process_killed_under_load_loses_no_acknowledged_update() {
    let Some(cluster) = Cluster::start_or_skip("a process killed under load") else {
        return;
    };
    let (mut servers, url) = three(&cluster, "kill");
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    let writer = std::thread::spawn(move || {
        // One writer, round the three processes: the acknowledged titles in order.
        let (mut titles, mut after_kill) = (Vec::new(), 0);
        let started = Instant::now();
        for i in 0.. {
            let port = ports[i % 3];
            let title = format!("T{i}");
            match acknowledged(port, &format!("{}&id=21&title={title}", auth("bob.admin"))) {
                Some(true) => titles.push(title),
                Some(false) => panic!("update {i} refused"),
                None => assert_eq!(port, ports[0], "only the killed process is gone"),
            }
            if started.elapsed() > Duration::from_millis(700) && port != ports[0] {
                after_kill += 1;
            }
            if after_kill == 60 {
                break;
            }
        }
        titles
    });
    std::thread::sleep(Duration::from_millis(700));
    servers.remove(0).kill(); // SIGKILL, in the middle of the load
    let titles = writer.join().unwrap();
    let mut db = Db::open(&url);
    assert!(db.sound());
    let rows = audit(&mut db, 21);
    let last = chain(&rows, &[("title", "")]);
    assert_eq!(
        last[0].1,
        *titles.last().unwrap(),
        "the last acknowledged title stands"
    );
    let audited: Vec<&str> = rows.iter().map(|r| r[0]["new"].as_str().unwrap()).collect();
    let missing: Vec<&String> = titles
        .iter()
        .filter(|t| !audited.contains(&t.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
    eprintln!("{} acknowledged; {} audit rows", titles.len(), rows.len());
}

#[test]
fn two_processes_racing_for_one_username_give_one_204_and_one_username_taken() {
    let Some(cluster) = Cluster::start_or_skip("a username raced for") else {
        return;
    };
    let (servers, _) = three(&cluster, "usernames");
    let taken = r#"{"responses":[{"code":"400","key":"username","message":"This username is already taken; choose another."}]}"#;
    for round in 0..20 {
        // Two names that differ only in case, for two people, on two processes.
        let (alice, carol) = (&servers[round % 3], &servers[(round + 1) % 3]);
        let mut answers = std::thread::scope(|scope| {
            let a = scope
                .spawn(|| alice.update(&format!("{}&id=11&username=race{round}", auth("owner"))));
            let c = scope
                .spawn(|| carol.update(&format!("{}&id=21&username=RACE{round}", auth("owner"))));
            [a.join().unwrap(), c.join().unwrap()]
        });
        answers.sort();
        assert_eq!(answers, [OK, taken], "round {round}");
    }
}
