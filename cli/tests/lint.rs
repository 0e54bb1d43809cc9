//! `enswitch-people-cli lint` as an operator runs it: legacy values of every kind, in a
//! directory, in JSON lines, and against a new policy; exact lines and exit statuses.

mod common;

use std::path::PathBuf;

use common::run_with_input;

/// Runs `lint` with `args` and `input` on standard input: exit code and stdout lines.
fn lint(args: &[&str], input: &str) -> (i32, Vec<String>) {
    let all: Vec<&str> = std::iter::once("lint")
        .chain(args.iter().copied())
        .collect();
    let (code, lines, _) = run_with_input(&all, input);
    (code, lines)
}

/// A file of the test's own, written once.
fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("enswitch-people-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// People with legacy values of every kind, one a line.
fn legacy_people() -> String {
    let old_key = include_str!("../../tests/data/crafted/secret-appended.asc");
    let people = [
        serde_json::json!({"id": 1, "customer": 1, "role": 1, "username": "canonical",
            "country": "GB", "date_format": "DD/MM/YYYY", "time_format": "24",
            "language": "en-GB", "email": "a@example.com"}),
        serde_json::json!({"id": 2, "customer": 1, "role": 1, "username": "legacy",
            "country": "UK", "date_format": "DD/MM/YYYY", "time_format": "24",
            "source": "192.0.2.1/24", "timezone": "europe/paris", "title": " Dr ",
            "forename": "Ali\u{202E}ce", "public_key": old_key, "language": "fr",
            "email": "b@example.com"}),
    ];
    people.iter().map(|p| p.to_string() + "\n").collect()
}

#[test]
fn legacy_values_are_listed_with_their_verdicts_and_counted() {
    let path = file("legacy.jsonl", &legacy_people());
    let (code, lines) = lint(&["--jsonl", &path], "");
    assert_eq!(code, 1, "a value would be refused");
    let listed: Vec<&str> = lines.iter().take(6).map(String::as_str).collect();
    assert_eq!(
        listed,
        [
            "       2  legacy                country       refused: unknown_country: The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US.",
            "       2  legacy                forename      refused: invisible_character: This value contains an invisible, direction-changing, private-use or unassigned character at position 4; send plain text.",
            "       2  legacy                public_key    refused: private_key_block: This is a private key. Never send it: export and send the public key (-----BEGIN PGP PUBLIC KEY BLOCK-----) instead.",
            "       2  legacy                source        refused: host_bits_set: 192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?",
            "       2  legacy                timezone      rewritten to \"Europe/Paris\"",
            "       2  legacy                title         rewritten to \"Dr\"",
        ]
    );
    assert_eq!(lines[6], "2 people; 4 values would be refused");
    assert!(
        lines.contains(&"  country       unknown_country                    1".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"  country       canonical                          1".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"  timezone      rewritten                          1".to_owned()),
        "{lines:#?}"
    );
}

#[test]
fn json_lines_for_a_script_from_standard_input() {
    let (code, lines) = lint(&["--jsonl", "-", "--json"], &legacy_people());
    assert_eq!(code, 1);
    let first: serde_json::Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"person": 2, "username": "legacy", "field": "country",
            "verdict": "refused", "code": "unknown_country",
            "message": "The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US."})
    );
    let rewritten: serde_json::Value = serde_json::from_str(&lines[4]).unwrap();
    assert_eq!(rewritten["canonical"], "Europe/Paris");
    let summary: serde_json::Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    assert_eq!(summary["summary"]["people"], 2);
    assert_eq!(summary["summary"]["refused"], 4);
}

#[test]
fn diff_shows_only_what_a_new_policy_changes() {
    let people = file("diff.jsonl", &legacy_people());
    let old = file("old-policy.json", "{}");
    let new = file(
        "new-policy.json",
        r#"{"languages": ["en-GB", "de"], "max_email_addresses": 1}"#,
    );
    let (code, lines) = lint(&["--jsonl", &people, "--policy", &new, "--diff", &old], "");
    assert_eq!(code, 1);
    assert_eq!(
        lines,
        [
            "       2  legacy                language      refused: language_not_allowed: This language is not offered here. (was canonical)",
            "2 people; 1 values would be refused",
            "  language      language_not_allowed               1",
        ]
    );
    // The same policy on both sides changes nothing.
    let (code, lines) = lint(&["--jsonl", &people, "--policy", &old, "--diff", &old], "");
    assert_eq!(
        (code, lines),
        (0, vec!["2 people; 0 values would be refused".to_owned()])
    );
}

#[test]
fn the_demo_directory_is_clean_and_a_bad_input_is_a_usage_error() {
    let (code, lines) = lint(&[], "");
    assert_eq!(code, 0);
    assert_eq!(lines[0], "7 people; 0 values would be refused");
    let (code, _) = lint(&["--jsonl", "-"], "{\"id\": \"x\"}\n");
    assert_eq!(code, 2);
    let (code, _) = lint(&["--frobnicate"], "");
    assert_eq!(code, 2);
}
