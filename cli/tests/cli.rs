//! The demo program, run as a user would: arguments, output lines, exit status.

mod common;

use std::process::Command;

use common::{PROGRAM, run, run_with_input};

const OK: &str = r#"{"responses":[{"code":"204","key":"","message":"OK"}]}"#;

#[test]
fn a_user_updates_their_own_time_zone() {
    let (code, lines, _) = run(&[
        "--print-person",
        "auth_username=alice;auth_password=secret;id=11;timezone=america/new_york;language=EN_us",
    ]);
    assert_eq!(code, 0);
    assert_eq!(lines[0], OK);
    let person: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(person["timezone"], "America/New_York");
    assert_eq!(person["language"], "en-US");
    assert_eq!(person["username"], "alice");
    assert_eq!(lines.len(), 2);
}

#[test]
fn json_requests_and_validation_only() {
    let (code, lines, _) = run(&[
        "--print-person",
        r#"{"auth_username":"admin","id":11,"title":"Dr","validation":true}"#,
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        lines[0],
        r#"{"responses":[{"code":"201","key":"","message":"Input passed validation."}]}"#
    );
    let person: serde_json::Value = serde_json::from_str(&lines[1]).unwrap();
    assert_eq!(person["title"], "Ms", "201 prints the person unchanged");
}

#[test]
fn refusals() {
    for (args, expected) in [
        (
            &["auth_username=alice;id=11;username=root"][..],
            r#"{"responses":[{"code":"402","key":"username","message":"Your role does not allow this."}]}"#,
        ),
        (
            &["auth_username=reseller;id=21;public_key=x"],
            r#"{"responses":[{"code":"403","key":"public_key","message":"Your rate plan does not allow this."}]}"#,
        ),
        (
            &["auth_username=admin;id=21;title=Dr"],
            r#"{"responses":[{"code":"404","key":"id","message":"The person does not exist, or you do not have permission to update them."}]}"#,
        ),
        (
            &["auth_username=admin;id=999;title=Dr"],
            r#"{"responses":[{"code":"404","key":"id","message":"The person does not exist, or you do not have permission to update them."}]}"#,
        ),
        (
            &["auth_username=nobody;id=11"],
            r#"{"responses":[{"code":"401","key":"","message":"The authentication details provided are invalid."}]}"#,
        ),
        (
            &["id=11"],
            r#"{"responses":[{"code":"401","key":"","message":"The authentication details provided are invalid."}]}"#,
        ),
        (
            &["--from", "10.0.0.1", "auth_username=admin;id=11"],
            r#"{"responses":[{"code":"401","key":"","message":"The authentication details provided are invalid."}]}"#,
        ),
        (
            &[
                "--from",
                "192.0.2.9",
                "auth_username=admin;id=10;source=10.0.0.0/8",
            ],
            r#"{"responses":[{"code":"400","key":"source","message":"This source list does not include the address you are connecting from, so it would lock you out."}]}"#,
        ),
        (
            &["auth_username=admin"],
            r#"{"responses":[{"code":"400","key":"id","message":"This parameter is required."}]}"#,
        ),
        // A username another person of the directory holds, in any case, is taken.
        (
            &[
                "--from",
                "127.0.0.1",
                "auth_username=owner;id=21;username=ALICE",
            ],
            r#"{"responses":[{"code":"400","key":"username","message":"This username is already taken; choose another."}]}"#,
        ),
        (
            &["{\"auth_username\":"],
            r#"{"responses":[{"code":"400","key":"","message":"The request is not a well-formed JSON object; send {\"name\": value, …}."}]}"#,
        ),
    ] {
        let (code, lines, _) = run(args);
        assert_eq!((code, lines.len()), (1, 1), "{args:?}");
        assert_eq!(lines[0], expected, "{args:?}");
    }
}

#[test]
fn a_request_too_large_is_refused_before_authentication() {
    let query = format!("id=1;{}", "x=1;".repeat(200));
    let (code, lines, _) = run(&[&query]);
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            r#"{"responses":[{"code":"400","key":"","message":"The request is too large: at most 100 parameters and 256 KiB are accepted."}]}"#
        ]
    );
}

#[test]
fn a_directory_of_our_own() {
    let dir = std::env::temp_dir().join(format!("people-update-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("directory.json");
    std::fs::write(
        &file,
        r#"{"customers":[{"id":1},{"id":2,"parent":1,"plan_forbids":["title"]}],
            "roles":[{"id":1,"name":"System owner","privileges":["system","wholesale","administrator","user"]},
                     {"id":4,"name":"User","privileges":["user"]}],
            "people":[{"id":"1","customer":1,"role":1,"username":"root"},
                      {"id":10,"customer":"2","role":4,"username":"alice","country":"GB","email":"a@x.org"}],
            "policy":{"require_email":true}}"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (code, lines, _) = run(&[
        "--directory",
        path,
        "--print-person",
        "auth_username=root;id=10;country=fr",
    ]);
    assert_eq!((code, lines[0].as_str()), (0, OK));
    assert!(lines[1].contains(r#""country":"FR""#), "{}", lines[1]);
    assert!(
        lines[1].contains(r#""title":"""#),
        "a missing field is empty: {}",
        lines[1]
    );
    let (code, lines, _) = run(&[
        "--directory",
        path,
        "auth_username=root;id=10;title=Dr;email=",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        lines[0],
        r#"{"responses":[{"code":"403","key":"title","message":"Your rate plan does not allow this."},{"code":"400","key":"email","message":"An email address is required."}]}"#
    );
    std::fs::write(
        &file,
        r#"{"customers":[{"id":1,"parent":2},{"id":2,"parent":1}],"roles":[],"people":[]}"#,
    )
    .unwrap();
    let (code, lines, stderr) = run(&["--directory", path, "id=1"]);
    assert_eq!((code, lines.len()), (2, 0));
    assert!(stderr.contains("cycle"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors() {
    for args in [
        &[][..],
        &["--bogus", "id=1"],
        &["--from", "not-an-ip", "id=1"],
        &["--directory", "/nonexistent/dir.json", "id=1"],
        &["a", "b"],
    ] {
        let (code, lines, stderr) = run(args);
        assert_eq!((code, lines.len()), (2, 0), "{args:?}");
        assert!(stderr.contains("usage: enswitch-people-cli"), "{stderr}");
    }
}

const NOT_PERMITTED: &str =
    r#"{"responses":[{"code":"402","key":"","message":"Your role does not allow this."}]}"#;

#[test]
fn an_account_below_user_learns_nothing_about_which_ids_exist() {
    // Person 11 exists, 999 does not: the same answer, decided before the look-up.
    for id in ["11", "999", "abc"] {
        let (code, lines, _) = run(&[&format!("auth_username=billing;id={id};title=Dr")]);
        assert_eq!((code, lines[0].as_str()), (1, NOT_PERMITTED), "id={id}");
    }
    // Authentication comes first: 401, not 402, for an unknown username.
    let (code, lines, _) = run(&["auth_username=nobody;id=11"]);
    assert_eq!(code, 1);
    assert!(lines[0].contains(r#""code":"401""#), "{}", lines[0]);
}

#[test]
fn a_request_too_long_for_an_argument_is_read_from_standard_input() {
    let head = "auth_username=admin;id=11;title=";
    let at_bound = format!("{head}{}", "x".repeat(256 * 1024 - head.len()));
    assert_eq!(at_bound.len(), 256 * 1024);
    let (code, lines, _) = run_with_input(&["--from", "192.0.2.9", "-"], &at_bound);
    assert_eq!(code, 1);
    assert_eq!(
        lines[0],
        r#"{"responses":[{"code":"400","key":"title","message":"This value is too long: at most 64 characters are accepted."}]}"#
    );
    let over = format!("{at_bound}x");
    let (code, lines, _) = run_with_input(&["--from", "192.0.2.9", "-"], &over);
    assert_eq!(code, 1);
    assert_eq!(
        lines[0],
        r#"{"responses":[{"code":"400","key":"","message":"The request is too large: at most 100 parameters and 256 KiB are accepted."}]}"#
    );
}

#[test]
fn the_actor_is_found_ignoring_case_as_a_server_finds_them() {
    let (code, lines, _) = run(&["auth_username=ALICE;id=11;title=Dr"]);
    assert_eq!((code, lines[0].as_str()), (0, OK));
    // Her own username back in another case is hers, not taken.
    let (code, lines, _) = run(&["--from", "::1", "auth_username=owner;id=11;username=Alice"]);
    assert_eq!((code, lines[0].as_str()), (0, OK), "{lines:?}");
}

#[test]
fn without_from_the_address_is_unknown_and_left_to_the_server() {
    // No --from: the actor's own source list is not checked (admin's is 192.0.2.0/24),
    // and a change of their own source cannot be refused for lock-out here.
    let (code, lines, _) = run(&["auth_username=admin;id=10;source=10.0.0.0/8"]);
    assert_eq!((code, lines[0].as_str()), (0, OK));
}

#[test]
fn a_mapped_address_is_its_ipv4_address() {
    for from in ["192.0.2.9", "::ffff:192.0.2.9"] {
        let (code, lines, _) = run(&[
            "--from",
            from,
            "auth_username=admin;id=10;source=192.0.2.0/24, 10.0.0.0/8",
        ]);
        assert_eq!((code, lines[0].as_str()), (0, OK), "--from {from}");
        let (code, lines, _) = run(&[
            "--from",
            from,
            "auth_username=admin;id=10;source=10.0.0.0/8",
        ]);
        assert_eq!(code, 1, "--from {from}");
        assert!(
            lines[0].contains("would_lock_out") || lines[0].contains("lock you out"),
            "{}",
            lines[0]
        );
    }
    // The actor's own source list admits a mapped address too; outside it is a 401.
    let (code, lines, _) = run(&[
        "--from",
        "::ffff:198.51.100.1",
        "auth_username=admin;id=10;title=Dr",
    ]);
    assert_eq!(code, 1);
    assert!(lines[0].contains(r#""code":"401""#), "{}", lines[0]);
}

#[test]
fn a_reader_that_stops_early_is_no_panic() {
    let mut child = Command::new(PROGRAM)
        .args(["--print-person", "auth_username=alice;id=11;title=Dr"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // as `| head -0` would
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}
