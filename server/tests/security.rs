//! The server's HTTP layer under attack, over real HTTP on 127.0.0.1: throttling,
//! the actor read again where the rules are read, argon2 costs, sessions, methods,
//! undecodable bodies, and stalled clients.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{NOT_FOUND, OK, Server, UNAUTHENTICATED, auth, code, folder, token};
use enswitch_people_server::auth::{Cost, Hasher};

const PEOPLE_UPDATE: &str = "/api/json/people/update/";
const FORM: &str = "application/x-www-form-urlencoded";

/// A stored column of person `id`.
fn stored(server: &Server, column: &str, id: u64) -> String {
    server
        .database()
        .text(&format!("SELECT {column} FROM people WHERE id = {id}"))
}

fn sign_in(server: &Server, username: &str, password: &str) -> String {
    server.update(&format!(
        "auth_username={username}&auth_password={password}&id=11"
    ))
}

/// Every other test of this file, again with each server on PostgreSQL.
#[test]
fn the_same_tests_on_postgresql() {
    common::postgres::run_this_file_on_postgres("the_same_tests_on_postgresql");
}

#[test]
fn a_burst_of_guesses_is_counted_as_it_arrives_and_the_right_one_waits() {
    let server = Server::start(&folder("burst"));
    // 39 wrong passwords for carol at once.
    let port = server.port;
    let guesses: Vec<_> = (0..39)
        .map(|i| {
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
                let request = format!(
                    "GET {PEOPLE_UPDATE}?auth_username=carol&auth_password=guess{i}&id=21 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                );
                stream.write_all(request.as_bytes()).unwrap();
                let mut response = String::new();
                stream.read_to_string(&mut response).unwrap();
                let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
                code(&body)
            })
        })
        .collect();
    let mut codes: Vec<String> = guesses.into_iter().map(|g| g.join().unwrap()).collect();
    // Verified (401) at most five; the rest refused before argon2: the throttle's
    // delay (429) or a full queue (503).
    let verified = codes.iter().filter(|c| *c == "401").count();
    assert!(verified <= 5, "{codes:?}");
    assert!(
        codes
            .iter()
            .all(|c| ["401", "429", "503"].contains(&c.as_str())),
        "{codes:?}"
    );
    // Where the queue turned some away, the rest come one by one, until five were
    // verified.
    for i in 0..5 {
        if codes.iter().filter(|c| *c == "401").count() == 5 {
            break;
        }
        codes.push(code(&sign_in(&server, "carol", &format!("late{i}"))));
    }
    assert_eq!(codes.iter().filter(|c| *c == "401").count(), 5, "{codes:?}");
    // The right password, sent last, is not even checked.
    let reply = server.exchange(
        "GET",
        &format!("{PEOPLE_UPDATE}?{}&id=21&title=Dr", auth("carol")),
        &[],
        b"",
    );
    assert_eq!(code(&reply.body), "429", "{}", reply.body);
    assert_eq!(stored(&server, "title", 21), "");
}

#[test]
fn a_guesser_delays_carol_briefly_and_nobody_else_and_says_when() {
    let server = Server::start(&folder("delays"));
    for i in 0..5 {
        assert_eq!(
            sign_in(&server, "carol", &format!("wrong{i}")),
            UNAUTHENTICATED
        );
    }
    let reply = server.exchange(
        "GET",
        &format!("{PEOPLE_UPDATE}?{}&id=21", auth("carol")),
        &[],
        b"",
    );
    assert_eq!(
        reply.body,
        r#"{"responses":[{"code":"429","key":"","message":"Too many sign-in attempts; nothing was checked. Try again in 1 s."}]}"#
    );
    assert_eq!(reply.header("retry-after"), Some("1"));
    // The owner, from the same address, is not held back.
    assert_eq!(
        server.update(&format!("{}&id=11&title=Dr", auth("owner"))),
        OK
    );
    // Once the delay has passed, carol signs in.
    std::thread::sleep(Duration::from_millis(1100));
    assert_eq!(
        server.update(&format!("{}&id=21&title=Ms", auth("carol"))),
        OK
    );
}

/// bob.admin changes carol's title, with a stored hash that takes a while to verify;
/// `meanwhile` runs on the database while his request is in argon2. The answer.
fn bob_while_in_argon2(server: &Server, meanwhile: &str) -> String {
    server.slow_password("bob.admin");
    let request = server.send(&format!("{}&id=21&title=Dr", auth("bob.admin")));
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(300));
    server.database().execute(meanwhile, &[]);
    let answer = request.join().unwrap();
    // Whenever the change landed, the answer must reflect it; this only says the
    // request was still running when it did, so the test tried what it means to.
    assert!(started.elapsed() > Duration::from_millis(300));
    answer
}

#[test]
fn an_actor_demoted_while_in_argon2_is_decided_as_demoted() {
    let server = Server::start(&folder("demoted"));
    let demote = "UPDATE people SET role = (SELECT role FROM people WHERE id = 21)
                  WHERE username = 'bob.admin'";
    // Now a plain user: carol is out of their reach.
    assert_eq!(bob_while_in_argon2(&server, demote), NOT_FOUND);
    assert_eq!(stored(&server, "title", 21), "");
}

#[test]
fn a_password_changed_while_in_argon2_no_longer_proves_anything() {
    let server = Server::start(&folder("proof"));
    let change = "UPDATE people SET password_hash = 'changed' WHERE username = 'bob.admin'";
    assert_eq!(bob_while_in_argon2(&server, change), UNAUTHENTICATED);
    assert_eq!(stored(&server, "title", 21), "");
}

#[test]
fn a_hash_at_another_cost_is_made_again_at_the_configured_one_on_sign_in() {
    let server = Server::start(&folder("rehash"));
    let old = Cost {
        memory_kib: 128,
        iterations: 2,
        lanes: 1,
    };
    let configured = Cost {
        memory_kib: 64,
        iterations: 1,
        lanes: 1,
    };
    let hash = Hasher::new(old, []).hash("alice-password");
    server.database().execute(
        "UPDATE people SET password_hash = ?1 WHERE id = 11",
        &[&hash],
    );
    // A wrong password changes nothing; the right one moves the hash.
    assert_eq!(sign_in(&server, "alice", "wrong"), UNAUTHENTICATED);
    assert_eq!(Cost::of(&stored(&server, "password_hash", 11)), Some(old));
    assert_eq!(sign_in(&server, "alice", "alice-password"), OK);
    let rehashed = stored(&server, "password_hash", 11);
    assert_eq!(Cost::of(&rehashed), Some(configured));
    assert_eq!(
        sign_in(&server, "alice", "alice-password"),
        OK,
        "the new hash verifies"
    );
    assert_eq!(stored(&server, "password_hash", 11), rehashed, "made once");
}

#[test]
fn sessions_end_on_sign_out_and_when_idle() {
    let server = Server::start_with(&folder("sessions"), &["--session-idle", "2"]);
    let get = |token: &str| {
        let bearer = format!("Bearer {token}");
        let headers = [("Authorization", bearer.as_str())];
        code(
            &server
                .call("GET", "/api/json/people/get/?id=11", &headers, b"")
                .1,
        )
    };
    let end = |token: &str| {
        let bearer = format!("Bearer {token}");
        let headers = [("Authorization", bearer.as_str())];
        server.call("DELETE", "/api/session/", &headers, b"")
    };
    let (kept, ended) = (
        token(&server, "alice", "alice-password").unwrap(),
        token(&server, "alice", "alice-password").unwrap(),
    );
    assert_eq!(end(&ended), (200, OK.to_owned()));
    assert_eq!(get(&ended), "401");
    assert_eq!(
        end(&ended),
        (200, UNAUTHENTICATED.to_owned()),
        "ended already"
    );
    // Used within its idle time, a session lives on; left idle, it ends.
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(800));
        assert_eq!(get(&kept), "200");
    }
    std::thread::sleep(Duration::from_millis(3100));
    assert_eq!(get(&kept), "401");
}

#[test]
fn over_a_session_a_new_email_needs_the_current_password() {
    let server = Server::start(&folder("reauth"));
    let bearer = format!(
        "Bearer {}",
        token(&server, "alice", "alice-password").unwrap()
    );
    let change = |body: &str| {
        server.post(
            PEOPLE_UPDATE,
            FORM,
            &[("Authorization", bearer.as_str())],
            body,
        )
    };
    let new = "id=11&email=alice%40example.org";
    let before = stored(&server, "email", 11);
    assert_eq!(change(new), UNAUTHENTICATED);
    assert_eq!(
        change(&format!("{new}&auth_password=bob.admin-password")),
        UNAUTHENTICATED
    );
    assert_eq!(stored(&server, "email", 11), before);
    // Other fields need none; the right password lets the email through.
    assert_eq!(change("id=11&title=Dr"), OK);
    assert_eq!(change(&format!("{new}&auth_password=alice-password")), OK);
    assert_eq!(stored(&server, "email", 11), "alice@example.org");
    // A token of no session is refused before anything is hashed for it.
    let forged = [("Authorization", "Bearer 00")];
    let body = "id=11&password=a%20new%20password&auth_password=alice-password";
    assert_eq!(
        server.post(PEOPLE_UPDATE, FORM, &forged, body),
        UNAUTHENTICATED
    );
    // With the password in the request (no session), nothing more is asked.
    let again = format!("{}&id=11&email=alice%40example.net", auth("alice"));
    assert_eq!(server.update(&again), OK);
}

#[test]
fn people_update_takes_get_and_post_only() {
    let server = Server::start(&folder("methods"));
    let target = format!("{PEOPLE_UPDATE}?{}&id=11&title=Dr", auth("alice"));
    let before = stored(&server, "title", 11);
    for method in ["HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let reply = server.exchange(method, &target, &[], b"");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("allow"), Some("GET, POST"), "{method}");
    }
    assert_eq!(stored(&server, "title", 11), before, "HEAD changed nothing");
    let reply = server.exchange("PUT", "/api/session/", &[], b"");
    assert_eq!(
        (reply.status, reply.header("allow")),
        (405, Some("POST, DELETE"))
    );
    let reply = server.exchange("POST", "/api/context/?id=11", &[], b"");
    assert_eq!((reply.status, reply.header("allow")), (405, Some("GET")));
}

#[test]
fn a_json_body_that_is_not_utf8_is_refused_with_url_parameters_too() {
    let server = Server::start(&folder("utf8"));
    let path = format!("{PEOPLE_UPDATE}?{}", auth("alice"));
    let body = b"{\"id\": 11, \"title\": \"Caf\xe9\"}";
    let headers = [("Content-Type", "application/json")];
    let before = stored(&server, "title", 11);
    for target in [path.as_str(), PEOPLE_UPDATE] {
        let (status, envelope) = server.call("POST", target, &headers, body);
        assert_eq!(
            (status, code(&envelope)),
            (200, "400".to_owned()),
            "{envelope}"
        );
        assert!(envelope.contains(r#""key":"""#), "{envelope}");
    }
    assert_eq!(stored(&server, "title", 11), before);
}

/// Reads until the server closes the connection; how long that took, and what came.
fn until_closed(stream: &mut TcpStream) -> (Duration, String) {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received);
    (
        started.elapsed(),
        String::from_utf8_lossy(&received).into_owned(),
    )
}

#[test]
fn stalled_clients_are_dropped() {
    let flags = ["--header-timeout", "1", "--body-timeout", "1"];
    let server = Server::start_with(&folder("stalled"), &flags);
    let connect = || TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    // Nothing at all.
    let (took, received) = until_closed(&mut connect());
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert_eq!(received, "");
    // Part of the headers.
    let mut partial = connect();
    partial.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
    let (took, _) = until_closed(&mut partial);
    assert!(took < Duration::from_secs(10), "{took:?}");
    // Idle after an answer on a kept-alive connection.
    let mut idle = connect();
    idle.write_all(b"GET /api/json/people/get/?id=11 HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let (took, received) = until_closed(&mut idle);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(received.contains(r#""code":"401""#), "{received}");
    // Part of a body: a keyed refusal, then the connection is closed.
    let mut body = connect();
    let head = format!(
        "POST {PEOPLE_UPDATE} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\nContent-Length: 1000\r\n\r\nid=11"
    );
    body.write_all(head.as_bytes()).unwrap();
    let (took, received) = until_closed(&mut body);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        received.contains(r#"{"responses":[{"code":"408","key":"","message":"The request did not arrive in time; nothing was changed."}]}"#),
        "{received}"
    );
}

/// The resident memory of a process, in KiB.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn memory_stays_bounded_under_300_stalled_bodies() {
    let flags = ["--body-timeout", "3"];
    let server = Server::start_with(&folder("memory"), &flags);
    let before = resident_kib(server.pid());
    let head = format!(
        "POST {PEOPLE_UPDATE} HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\nContent-Length: {}\r\n\r\n",
        256 * 1024
    );
    let chunk = vec![b'a'; 200 * 1024];
    let mut stalled: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(&chunk).unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    let during = resident_kib(server.pid());
    // Each is refused as late and closed.
    for stream in &mut stalled {
        let (_, received) = until_closed(stream);
        assert!(received.contains(r#""code":"408""#), "{received}");
    }
    eprintln!("resident: {before} KiB before, {during} KiB with 300 stalled bodies");
    assert!(
        during < before + 24 * 1024,
        "{before} KiB before, {during} KiB during"
    );
}

#[test]
fn past_the_connection_cap_a_client_waits_for_a_place() {
    let flags = ["--max-connections", "2", "--header-timeout", "2"];
    let server = Server::start_with(&folder("cap"), &flags);
    let _held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(("127.0.0.1", server.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let (status, _) = server.call("GET", "/api/json/people/get/?id=11", &[], b"");
    assert_eq!(status, 200);
    // Answered only once the two idle connections were dropped by the header timeout.
    assert!(
        started.elapsed() > Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
}

/// `people/update` with `query`, through a proxy that says the client is `from`.
fn forwarded(server: &Server, header: &str, from: &str, query: &str) -> String {
    let target = format!("{PEOPLE_UPDATE}?{query}");
    server.call("GET", &target, &[(header, from)], b"").1
}

#[test]
fn forwarding_headers_are_believed_only_from_a_trusted_proxy() {
    const XFF: &str = "X-Forwarded-For";
    let admin_self = format!("{}&id=10&title=Dr", auth("admin"));
    let guess = "auth_username=carol&auth_password=guess&id=21";
    let carol = format!("{}&id=21&title=Dr", auth("carol"));

    // Without --trusted-proxy the headers are ignored: the peer is the client.
    let server = Server::start(&folder("proxy-none"));
    let refused = forwarded(&server, XFF, "192.0.2.5", &admin_self);
    assert_eq!(refused, UNAUTHENTICATED, "admin only from 192.0.2.0/24");
    let refused = forwarded(&server, "Forwarded", "for=192.0.2.5", &admin_self);
    assert_eq!(refused, UNAUTHENTICATED);
    for _ in 0..5 {
        assert_eq!(
            forwarded(&server, XFF, "198.51.100.1", guess),
            UNAUTHENTICATED
        );
    }
    let held = forwarded(&server, XFF, "198.51.100.2", &carol);
    assert_eq!(code(&held), "429", "one peer, whatever the header says");
    drop(server);

    // Behind a trusted proxy (the tests' own address): the nearest untrusted hop.
    let flags = ["--trusted-proxy", "127.0.0.1, ::1"];
    let server = Server::start_with(&folder("proxy"), &flags);
    assert_eq!(forwarded(&server, XFF, "192.0.2.5", &admin_self), OK);
    let spoofed = forwarded(&server, XFF, "192.0.2.5, 198.51.100.1", &admin_self);
    assert_eq!(
        spoofed, UNAUTHENTICATED,
        "what the client wrote before is not believed"
    );
    let rfc = forwarded(
        &server,
        "Forwarded",
        "for=192.0.2.5;proto=https",
        &admin_self,
    );
    assert_eq!(rfc, OK);
    // Rule 7 reads it: an administrator's own new source list must admit the client.
    let lock = format!("{}&id=20&source=192.0.2.0/24", auth("bob.admin"));
    let locked_out = forwarded(&server, XFF, "198.51.100.1", &lock);
    assert_eq!(
        locked_out,
        r#"{"responses":[{"code":"400","key":"source","message":"This source list does not include the address you are connecting from, so it would lock you out."}]}"#
    );
    assert_eq!(forwarded(&server, XFF, "192.0.2.9", &lock), OK);
    // Throttling reads it: a guesser at carol from one client does not hold her back
    // at another.
    for _ in 0..5 {
        assert_eq!(
            forwarded(&server, XFF, "198.51.100.1", guess),
            UNAUTHENTICATED
        );
    }
    assert_eq!(code(&forwarded(&server, XFF, "198.51.100.1", guess)), "429");
    assert_eq!(forwarded(&server, XFF, "198.51.100.2", &carol), OK);
}
