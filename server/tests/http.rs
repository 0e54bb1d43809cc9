//! The reference server as a client meets it: the real binary, real HTTP on 127.0.0.1
//! (an ephemeral port), a real database file, a cheap argon2 cost.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use common::{Db, NOT_FOUND, NOT_PERMITTED, OK, Server, UNAUTHENTICATED, auth, folder, token};

/// Every other test of this file, again with each server on PostgreSQL.
#[test]
fn the_same_tests_on_postgresql() {
    common::postgres::run_this_file_on_postgres("the_same_tests_on_postgresql");
}

#[test]
fn answers_in_the_order_of_spec_section_6() {
    let server = Server::start(&folder("order"));
    // 400 "": too large, before anything else.
    let big = format!("{}&id=11&title={}", auth("alice"), "x".repeat(300 * 1024));
    let body = server.post(
        "/api/json/people/update/",
        "application/x-www-form-urlencoded",
        &[],
        &big,
    );
    assert!(
        body.starts_with(
            r#"{"responses":[{"code":"400","key":"","message":"The request is too large"#
        ),
        "{body}"
    );
    // 401: unknown user, wrong password, outside the actor's own source list.
    assert_eq!(
        server.update("auth_username=nobody&auth_password=x&id=11"),
        UNAUTHENTICATED
    );
    assert_eq!(
        server.update("auth_username=alice&auth_password=wrong&id=11"),
        UNAUTHENTICATED
    );
    assert_eq!(
        server.update(&format!("{}&id=10", auth("admin"))),
        UNAUTHENTICATED,
        "admin only from 192.0.2.0/24"
    );
    // 402 "": the same for an existing and a missing id.
    assert_eq!(
        server.update(&format!("{}&id=11", auth("billing"))),
        NOT_PERMITTED
    );
    assert_eq!(
        server.update(&format!("{}&id=999", auth("billing"))),
        NOT_PERMITTED
    );
    // 404: out of reach, or missing.
    assert_eq!(
        server.update(&format!("{}&id=21&title=Dr", auth("alice"))),
        NOT_FOUND
    );
    assert_eq!(
        server.update(&format!("{}&id=999", auth("bob.admin"))),
        NOT_FOUND
    );
    // Then the crate's own answers.
    assert_eq!(
        server.update(&format!("{}&id=11&timezone=Mars/Base", auth("alice"))),
        r#"{"responses":[{"code":"400","key":"timezone","message":"The time zone must be an IANA name such as Europe/London, or empty for the default."}]}"#
    );
}

#[test]
fn http_level_refusals_are_keyed_envelopes() {
    let server = Server::start(&folder("http"));
    let (status, _) = server.call(
        "GET",
        &format!(
            "/api/json/people/update/?id=11&title={}",
            "x".repeat(70 * 1024)
        ),
        &[],
        b"",
    );
    assert_eq!(status, 414, "a URI over the HTTP stack's limit");
    let body = server.post("/api/json/people/update/", "text/plain", &[], "id=11");
    assert!(
        body.contains(r#""code":"400","key":"""#) && body.contains("application/json"),
        "{body}"
    );
    let (status, body) = server.call("GET", "/api/json/people/delete/", &[], b"");
    assert_eq!(status, 200);
    assert!(body.contains(r#""code":"404","key":"""#), "{body}");
    let body = server.post(
        "/api/json/people/update/",
        "application/json",
        &[],
        r#"{"auth_username":"alice","auth_password":"alice-password","id":11,"#,
    );
    assert!(
        body.contains(r#""key":"","message":"The request is not a well-formed JSON object"#),
        "{body}"
    );
    // Without a built page, / says how to build it.
    let (status, body) = server.call("GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(body.contains("bash web/build.sh"), "{body}");
}

#[test]
fn url_parameters_and_a_body_are_read_by_the_crate_as_one_request() {
    let server = Server::start(&folder("parts"));
    let path = format!("/api/json/people/update/?{}", auth("alice"));
    // Credentials in the URL, fields in a JSON body.
    let body = server.post(
        &path,
        "application/json",
        &[],
        r#"{"id": 11, "title": "Prof"}"#,
    );
    assert_eq!(body, OK);
    // A name in both is a duplicate, not "last one wins".
    let both = format!("{path}&title=Dr");
    let body = server.post(
        &both,
        "application/json",
        &[],
        r#"{"id": 11, "title": "Prof"}"#,
    );
    assert!(
        body.contains(r#""key":"title""#) && body.contains("more than once"),
        "{body}"
    );
    // A URL value that is not UTF-8 is refused, never stored as U+FFFD.
    let bad = format!("{path}&company=Caf%E9");
    let body = server.post(&bad, "application/json", &[], r#"{"id": 11}"#);
    assert!(body.contains(r#""code":"400","key":"company""#), "{body}");
    let stored = server
        .database()
        .text("SELECT company FROM people WHERE id = 11");
    assert!(!stored.contains('\u{FFFD}'), "{stored:?}");
}

#[test]
fn self_service_admin_changes_and_an_escalation() {
    let server = Server::start(&folder("changes"));
    assert_eq!(
        server.update(&format!(
            "{}&id=11&timezone=europe/paris&language=FR_fr",
            auth("alice")
        )),
        OK
    );
    // URL and body are one request: JSON body, URL parameters.
    let body = server.post(
        &format!("/api/json/people/update/?{}", auth("bob.admin")),
        "application/json",
        &[],
        r#"{"id": 21, "title": "Dr", "extension": 2001}"#,
    );
    assert_eq!(body, OK);
    // A name in both is a duplicate.
    let body = server.post(
        &format!("/api/json/people/update/?{}&title=Prof", auth("bob.admin")),
        "application/x-www-form-urlencoded",
        &[],
        "id=21&title=Dr",
    );
    assert!(
        body.contains(r#""key":"title","message":"This parameter was given more than once"#),
        "{body}"
    );
    // A plain user may not make herself the system owner.
    assert_eq!(
        server.update(&format!("{}&id=11&role=1", auth("alice"))),
        r#"{"responses":[{"code":"402","key":"role","message":"Your role does not allow this."}]}"#
    );
    let (_, person) = server.call(
        "GET",
        &format!("/api/json/people/get/?{}&id=11", auth("alice")),
        &[],
        b"",
    );
    assert!(
        person.starts_with(r#"{"responses":[{"code":"200","key":"","message":"OK"}],"data":{"#),
        "{person}"
    );
    assert!(
        person.contains(r#""timezone":"Europe/Paris""#) && person.contains(r#""language":"fr-FR""#),
        "{person}"
    );
    assert!(
        !person.contains("password") && !person.contains("argon2"),
        "{person}"
    );
    let (_, carol) = server.call(
        "GET",
        &format!("/api/json/people/get/?{}&id=21", auth("bob.admin")),
        &[],
        b"",
    );
    assert!(
        carol.contains(r#""title":"Dr""#) && carol.contains(r#""extension":"2001""#),
        "{carol}"
    );
}

#[test]
fn validation_only_with_a_taken_username_is_refused_and_writes_nothing() {
    let server = Server::start(&folder("taken"));
    let body = server.update(&format!(
        "{}&id=21&username=ALICE&validation=1",
        auth("bob.admin")
    ));
    assert_eq!(
        body,
        r#"{"responses":[{"code":"400","key":"username","message":"This username is already taken; choose another."}]}"#
    );
    let body = server.update(&format!(
        "{}&id=21&username=carol.white&validation=1",
        auth("bob.admin")
    ));
    assert_eq!(
        body,
        r#"{"responses":[{"code":"201","key":"","message":"Input passed validation."}]}"#
    );
    let audit = server.database().count("SELECT COUNT(*) FROM audit");
    assert_eq!(audit, 0);
}

#[test]
fn a_password_change_ends_the_other_sessions_and_the_old_password() {
    let server = Server::start(&folder("password"));
    let laptop = token(&server, "alice", "alice-password").expect("signed in");
    let phone = token(&server, "alice", "alice-password").expect("signed in");
    let bearer = format!("Bearer {laptop}");
    let change = |body: &str| {
        server.post(
            "/api/json/people/update/",
            "application/x-www-form-urlencoded",
            &[("Authorization", &bearer)],
            body,
        )
    };
    // Over a session, the current password too.
    let new = "id=11&password=correct%20horse%20battery";
    assert_eq!(change(new), UNAUTHENTICATED);
    assert_eq!(
        change(&format!("{new}&auth_password=wrong")),
        UNAUTHENTICATED
    );
    assert_eq!(change(&format!("{new}&auth_password=alice-password")), OK);
    assert_eq!(
        server.update(&format!("{}&id=11", auth("alice"))),
        UNAUTHENTICATED,
        "the old password"
    );
    assert_eq!(
        server.update("auth_username=alice&auth_password=correct%20horse%20battery&id=11&title=Dr"),
        OK
    );
    let get = |token: &str| {
        let bearer = format!("Bearer {token}");
        server
            .call(
                "GET",
                "/api/json/people/get/?id=11",
                &[("Authorization", &bearer)],
                b"",
            )
            .1
    };
    assert!(
        get(&laptop).contains(r#""code":"200""#),
        "the session that changed it stays"
    );
    assert_eq!(get(&phone), UNAUTHENTICATED, "the other session ended");
    let diffs = server
        .database()
        .texts("SELECT diff FROM audit ORDER BY id");
    assert_eq!(
        diffs[0],
        r#"[{"field":"password","old":"********","new":"********"}]"#
    );
    assert!(diffs.iter().all(|d| !d.contains("correct horse")));
    let outbox = server
        .database()
        .count("SELECT COUNT(*) FROM outbox WHERE kind = 'notify_person'");
    assert_eq!(outbox, 1, "alice is told at her address");
}

#[test]
fn no_update_is_lost_to_a_concurrent_one() {
    let server = Server::start(&folder("concurrent"));
    for i in 0..200 {
        std::thread::scope(|scope| {
            let title =
                scope.spawn(|| server.update(&format!("{}&id=21&title=T{i}", auth("bob.admin"))));
            let company =
                scope.spawn(|| server.update(&format!("{}&id=21&company=C{i}", auth("bob.admin"))));
            assert_eq!(title.join().unwrap(), OK);
            assert_eq!(company.join().unwrap(), OK);
        });
        let stored = server
            .database()
            .rows("SELECT title, company FROM people WHERE id = 21");
        assert_eq!(stored, [[format!("T{i}"), format!("C{i}")]], "pair {i}");
    }
}

#[test]
fn a_killed_server_leaves_every_change_with_its_audit_row() {
    let dir = folder("crash");
    let server = Server::start(&dir);
    let port = server.port;
    let writer = std::thread::spawn(move || {
        let mut done = 0;
        for i in 0..2000 {
            let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
                break;
            };
            let request = format!(
                "GET /api/json/people/update/?{}&id=21&title=T{i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                auth("bob.admin")
            );
            if stream.write_all(request.as_bytes()).is_err() {
                break;
            }
            let mut response = String::new();
            if stream.read_to_string(&mut response).is_err() || !response.contains(OK) {
                break;
            }
            done += 1;
        }
        done
    });
    std::thread::sleep(Duration::from_millis(700));
    server.kill(); // SIGKILL, in the middle of the load
    let acknowledged = writer.join().unwrap();
    assert!(acknowledged > 0, "the load ran");
    let server = Server::start(&dir);
    let mut db = server.database();
    assert!(db.sound());
    let diffs: Vec<serde_json::Value> = db
        .texts("SELECT diff FROM audit ORDER BY id")
        .iter()
        .map(|d| serde_json::from_str(d).unwrap())
        .collect();
    assert!(
        diffs.len() >= acknowledged,
        "every acknowledged change has its audit row"
    );
    // The audit rows chain: each starts where the last ended, and the last is stored.
    let mut title = String::new(); // carol has no title in the demo directory
    for diff in &diffs {
        assert_eq!(diff[0]["field"], "title");
        assert_eq!(
            diff[0]["old"],
            title.as_str(),
            "a change without its audit row"
        );
        title = diff[0]["new"].as_str().unwrap().to_owned();
    }
    let stored = db.text("SELECT title FROM people WHERE id = 21");
    assert_eq!(stored, title, "an audit row without its change");
}

#[test]
fn a_change_survives_a_restart() {
    let dir = folder("restart");
    let server = Server::start(&dir);
    assert_eq!(
        server.update(&format!("{}&id=11&title=Dr", auth("alice"))),
        OK
    );
    server.kill();
    let server = Server::start(&dir);
    let (_, body) = server.call(
        "GET",
        &format!("/api/json/people/get/?{}&id=11", auth("alice")),
        &[],
        b"",
    );
    assert!(body.contains(r#""title":"Dr""#), "{body}");
}

#[test]
fn on_sigterm_the_request_in_flight_finishes_and_the_database_closes() {
    let dir = folder("sigterm");
    // Every commit on the disk, too: the flag an operator sets for power losses.
    // Time enough for the request in flight to finish however loaded the machine is.
    let flags = ["--synchronous", "full", "--shutdown-timeout", "120"];
    let server = Server::start_with(&dir, &flags);
    let (port, database) = (server.port, server.database.clone());
    server.slow_password("bob.admin");
    let in_flight = server.send(&format!("{}&id=21&title=Dr", auth("bob.admin")));
    std::thread::sleep(Duration::from_millis(300));
    // A second request answered: the first, accepted before it, is in flight by now
    // (on a loaded machine 300 ms alone may not be enough for it to be read).
    let (status, _) = server.call("GET", "/api/json/people/get/?id=11", &[], b"");
    assert_eq!(status, 200);
    let status = server.terminate();
    assert_eq!(in_flight.join().unwrap(), OK, "answered, not cut off");
    assert!(status.success(), "{status}");
    // Closed cleanly: SQLite folds the write-ahead log back and removes it.
    if !database.starts_with("postgres://") {
        assert!(!dir.join("people.sqlite-wal").exists());
    }
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "no longer listening"
    );
    let title = Db::open(&database).text("SELECT title FROM people WHERE id = 21");
    assert_eq!(title, "Dr");
}

#[test]
fn answers_in_the_language_asked_and_refuses_a_change_made_since_read() {
    let server = Server::start(&folder("language"));
    let query = format!(
        "/api/json/people/update/?{}&id=11&timezone=Mars/Base",
        auth("alice")
    );
    let german = [("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")];
    let (_, body) = server.call("GET", &query, &german, b"");
    assert_eq!(
        body,
        r#"{"responses":[{"code":"400","key":"timezone","message":"Die Zeitzone muss ein IANA-Name wie Europe/Berlin sein, oder leer für die Voreinstellung."}]}"#
    );
    // An API client that names no language keeps Enswitch's English.
    let (_, body) = server.call("GET", &query, &[], b"");
    assert!(
        body.contains("The time zone must be an IANA name"),
        "{body}"
    );
    // The page says what it read; a value changed since is not written over.
    let stale = format!("{}&id=11&title=Prof&was.title=Mx", auth("alice"));
    assert_eq!(
        server.update(&stale),
        r#"{"responses":[{"code":"400","key":"title","message":"This field was changed since you read it; read it again and make your change to what is stored now."}]}"#
    );
    let title = server
        .database()
        .text("SELECT title FROM people WHERE id = 11");
    assert_ne!(title, "Prof");
}
