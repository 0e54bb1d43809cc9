//! Every field's rule and canonical form, through the whole decision: an administrator
//! updates a person of their own customer, one field at a time.

mod common;

use common::{Call, admin, alice, assert_changes, assert_refused, stored_key};
use enswitch_people::{Accepted, Field, Person};

/// The stored value after `field=value` is accepted.
#[track_caller]
fn canonical(field: &str, value: &str, expected: &str) {
    let (actor, target) = (admin(), alice());
    let query = format!("id={};{field}={}", target.id, common::encode(value));
    let outcome = Call::new(&actor, &target).run(&query);
    let after = common::assert_accepted(&outcome);
    let field: Field = field.parse().unwrap();
    assert_eq!(after.text(field), Some(expected), "{field}={value:?}");
}

/// `field=value` is refused with exactly this code.
#[track_caller]
fn refused(field: &str, value: &str, code: &str) {
    let (actor, target) = (admin(), alice());
    let query = format!("id={};{field}={}", target.id, common::encode(value));
    assert_refused(
        &Call::new(&actor, &target).run(&query),
        &[("400", field, code)],
    );
}

#[test]
fn username() {
    canonical("username", " user@example.com ", "user@example.com");
    canonical("username", "a.b_c-d+e@f", "a.b_c-d+e@f");
    refused("username", "", "empty_value");
    refused("username", "-alice", "invalid_username");
    refused("username", "alice smith", "invalid_username");
    refused("username", &"a".repeat(129), "too_long");
}

#[test]
fn names() {
    for field in ["forename", "surname"] {
        canonical(field, "  Zoë ", "Zoë");
        canonical(field, "Zoe\u{308}", "Zoë");
        canonical(field, "O’Neill-Smith, Jr.", "O’Neill-Smith, Jr.");
        canonical(field, "", "");
        refused(field, "B0b", "invalid_name_character");
        refused(field, "Bob\u{200B}", "invisible_character");
        refused(field, "Bob\nSmith", "control_character");
        refused(field, &"a".repeat(65), "too_long");
        canonical(field, "نیک\u{200C}نام", "نیک\u{200C}نام");
        refused(field, "a\u{200C}b", "invisible_character");
        refused(field, "-'.", "name_without_letter");
        refused(field, &"\u{301}".repeat(64), "too_many_marks");
        // Marks are counted after NFC: the acute composes with the e, four remain.
        let four = "e\u{301}\u{316}\u{317}\u{318}\u{319}";
        canonical(field, four, "é\u{316}\u{317}\u{318}\u{319}");
        refused(field, &format!("{four}\u{31C}"), "too_many_marks");
        refused(
            field,
            &format!("A{}", "\u{34F}".repeat(63)),
            "invisible_character",
        );
        // 4 × 64 + 1 characters can never compose to 64: too long before NFC.
        refused(field, &"e\u{301}".repeat(129), "too_long");
    }
}

#[test]
fn title_company_description() {
    canonical("title", " Dr ", "Dr");
    canonical("title", "", "");
    refused("title", &"x".repeat(65), "too_long");
    refused("title", "a\u{202E}b", "invisible_character");
    canonical("company", "Acme & Sons (UK) Ltd.", "Acme & Sons (UK) Ltd.");
    refused("company", &"x".repeat(129), "too_long");
    canonical("description", "one\r\ntwo\r\n", "one\ntwo");
    canonical("description", "", "");
    refused("description", "one\ttwo", "control_character");
    // The same beside characters outside ASCII, which are read another way.
    canonical("description", "Café\r\nZoë", "Café\nZoë");
    refused("description", "Café\tZoë", "control_character");
    refused("description", &"x".repeat(1025), "too_long");
    for c in [
        '\u{061C}',
        '\u{2028}',
        '\u{E0041}',
        '\u{00AD}',
        '\u{206A}',
        '\u{206F}',
        '\u{FFF9}',
    ] {
        let code = if c == '\u{2028}' {
            "control_character"
        } else {
            "invisible_character"
        };
        for field in ["title", "company", "description"] {
            refused(field, &format!("a{c}b"), code);
        }
    }
    canonical("title", "👩\u{200D}💻 lead", "👩\u{200D}💻 lead");
    canonical("company", "Caf\u{E9} ☕\u{FE0F}", "Café ☕\u{FE0F}");
    refused("description", &"e\u{301}".repeat(4097), "too_long");
    canonical("description", &"e\u{301}".repeat(1024), &"é".repeat(1024));
}

#[test]
fn email() {
    canonical("email", "New@Example.COM", "New@example.com");
    canonical(
        "email",
        "a@x.org; b@y.org, a@X.org  c@z.org",
        "a@x.org, b@y.org, c@z.org",
    );
    canonical("email", "", "");
    refused("email", "a@localhost", "invalid_email");
    refused("email", "Alice <a@x.org>", "invalid_email");
    refused("email", "a@[192.0.2.1]", "invalid_email");
    refused("email", "a@123.123.123.123", "invalid_email");
    refused("email", "\"a@b\"@example.com", "invalid_email");
    canonical(
        "email",
        "Jose\u{301}@example.com, José@Example.com",
        "José@example.com",
    );
    canonical("email", "Ä@x.org, ä@x.org", "Ä@x.org");
    let local = "é".repeat(33);
    canonical(
        "email",
        &format!("{local}@example.com"),
        &format!("{local}@example.com"),
    );
    refused(
        "email",
        &format!("{}@example.com", "é".repeat(65)),
        "invalid_email",
    );
    let eleven: Vec<String> = (0..11).map(|i| format!("u{i}@x.org")).collect();
    refused("email", &eleven.join(","), "too_many_entries");
}

#[test]
fn phones() {
    for field in ["telephone", "mobile", "fax"] {
        canonical(field, "+44 (0)20 7946 0000", "+442079460000");
        canonical(field, "(020) 7946-0000", "02079460000");
        canonical(field, "", "");
        refused(field, "+44 20 7946 0000 x12", "invalid_phone_number");
        refused(field, "1", "invalid_phone_number");
        refused(field, &"1".repeat(21), "invalid_phone_number");
    }
}

#[test]
fn extension() {
    canonical("extension", "0042", "0042");
    canonical("extension", "", "");
    refused("extension", "12a", "invalid_extension");
    refused("extension", &"1".repeat(17), "invalid_extension");
}

#[test]
fn country() {
    canonical("country", "fr", "FR");
    canonical("country", " us ", "US");
    refused("country", "UK", "unknown_country");
    refused("country", "GBR", "unknown_country");
    refused("country", "", "empty_value");
}

#[test]
fn language() {
    canonical("language", "EN_us", "en-US");
    canonical("language", "zh-hant", "zh-Hant");
    canonical("language", "pt-br", "pt-BR");
    canonical("language", "", "");
    refused("language", "english", "invalid_language");
    refused("language", "en-", "invalid_language");
    refused("language", "en-a-bbb-a-ccc", "invalid_language");
    refused("language", "de-1996-1996", "invalid_language");
    refused("language", &format!("en-{}", "x".repeat(33)), "too_long");
    refused("language", &"en-GB-".repeat(16_500), "too_long");
}

#[test]
fn timezone() {
    canonical("timezone", "asia/tokyo", "Asia/Tokyo");
    canonical("timezone", "", "");
    refused("timezone", "Mars/Olympus_Mons", "unknown_time_zone");
}

#[test]
fn date_and_time_formats() {
    canonical("date_format", "yyyy-mm-dd", "YYYY-MM-DD");
    canonical("date_format", "MM/DD/YYYY", "MM/DD/YYYY");
    refused("date_format", "DD.MM.YYYY", "invalid_date_format");
    refused("date_format", "", "empty_value");
    canonical("time_format", "12", "12");
    refused("time_format", "13", "invalid_time_format");
    refused("time_format", "", "empty_value");
}

#[test]
fn source() {
    canonical(
        "source",
        "192.0.2.1/32, 2001:0db8::/32 10.0.0.0/8",
        "192.0.2.1, 2001:db8::/32, 10.0.0.0/8",
    );
    canonical("source", "192.0.2.1 192.0.2.1", "192.0.2.1");
    canonical("source", "", "");
    refused("source", "192.168.1.5/24", "host_bits_set");
    refused("source", "192.0.2.300", "invalid_source_entry");
    refused("source", "192.0.2.0/+24", "invalid_source_entry");
    refused("source", "192.0.2.0/024", "invalid_source_entry");
    canonical("source", "::ffff:192.0.2.0/120", "192.0.2.0/24");
    canonical("source", "::ffff:192.0.2.7, 192.0.2.7", "192.0.2.7");
    let many: Vec<String> = (1..=33).map(|i| format!("10.0.0.{i}")).collect();
    refused("source", &many.join(","), "too_many_entries");
}

#[test]
fn source_host_bits_message_names_the_network() {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target).run("id=11;source=10.1.2.3/8");
    let report = outcome.unwrap_err();
    assert_eq!(
        report.errors()[0].message(),
        "10.1.2.3/8 has host bits set; did you mean 10.0.0.0/8?"
    );
}

const RSA: &str = include_str!("data/rsa4096.pub.asc");
const ED25519: &str = include_str!("data/ed25519.pub.asc");
const SECRET: &str = include_str!("data/ed25519.secret.asc");

#[test]
fn public_key() {
    canonical("public_key", ED25519, &stored_key(ED25519, 4));
    canonical("public_key", RSA, &stored_key(RSA, 4));
    canonical(
        "public_key",
        &ED25519.replace('\n', "\r\n"),
        &stored_key(ED25519, 4),
    );
    canonical("public_key", "", "");
    refused("public_key", SECRET, "private_key_block");
    refused("public_key", "hello", "invalid_armor");
    refused(
        "public_key",
        &ED25519.replace("-----END PGP PUBLIC KEY BLOCK-----", ""),
        "invalid_armor",
    );
    // Drop the blank line after the BEGIN line.
    refused(
        "public_key",
        &ED25519.replacen("\n\n", "\n", 1),
        "invalid_armor",
    );
    refused(
        "public_key",
        &"x".repeat(64 * 1024 + 1),
        "public_key_too_large",
    );
    // At the bound exactly, the block is read (and this one is no armor).
    refused("public_key", &"x".repeat(64 * 1024), "invalid_armor");
}

#[test]
fn public_key_checksum_and_packet() {
    // Change one body character: the CRC-24 line no longer matches.
    let lines: Vec<&str> = ED25519.lines().collect();
    let mut damaged: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let body = &mut damaged[2];
    let first = if body.starts_with('m') { "n" } else { "m" };
    body.replace_range(0..1, first);
    refused("public_key", &damaged.join("\n"), "checksum_mismatch");
    // A secret-key packet armored as a public key block.
    let secret_body: String = SECRET
        .lines()
        .skip_while(|l| !l.is_empty())
        .skip(1)
        .take_while(|l| !l.starts_with('=') && !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    let disguised = format!(
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n{secret_body}\n-----END PGP PUBLIC KEY BLOCK-----"
    );
    refused("public_key", &disguised, "private_key_block");
    // A user-id packet (tag 13) first: "tA" is 0xB4 0x0., old format tag 13.
    refused(
        "public_key",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\ntAFB\n-----END PGP PUBLIC KEY BLOCK-----",
        "not_public_key",
    );
}

#[test]
fn role() {
    canonical_role("3", 3);
    canonical_role(" 004 ", 4);
    refused("role", "administrator", "invalid_role");
    refused("role", "99", "unknown_role");
    refused("role", "", "empty_value");
}

#[track_caller]
fn canonical_role(value: &str, expected: u64) {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target).run(&format!("id=11;role={}", common::encode(value)));
    assert_eq!(common::assert_accepted(&outcome).role, expected);
}

#[test]
fn password() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    for (value, expected) in [
        ("correct horse", None),
        ("        ", None),
        ("short", Some("too_short")),
        ("ALICE", Some("too_short")),
        ("tab\there!", Some("control_character")),
    ] {
        let outcome = call.run(&format!("id=11;password={}", common::encode(value)));
        match expected {
            None => assert!(matches!(outcome, Ok(Accepted::Ready(_))), "{value:?}"),
            Some(code) => assert_refused(&outcome, &[("400", "password", code)]),
        }
    }
    assert_refused(
        &call.run(&format!("id=11;password={}", "p".repeat(129))),
        &[("400", "password", "too_long")],
    );
}

#[test]
fn password_may_not_be_the_username() {
    let target = Person {
        username: "alice.smith".into(),
        ..alice()
    };
    let actor = admin();
    let call = Call::new(&actor, &target);
    assert_refused(
        &call.run("id=11;password=Alice.Smith"),
        &[("400", "password", "password_matches_username")],
    );
    // Against the new username when it changes too.
    assert_refused(
        &call.run("id=11;username=newname1;password=NEWNAME1"),
        &[("400", "password", "password_matches_username")],
    );
    assert_changes(
        &call.run("id=11;username=newname1;password=alice.smith"),
        &[("password", "********"), ("username", "newname1")],
    );
}

#[test]
fn an_echoed_form_changes_nothing_even_with_legacy_values() {
    let legacy = Person {
        country: "UK".into(),
        timezone: "GMT+1".into(),
        email: "not an address".into(),
        source: "192.168.1.5/24".into(),
        ..alice()
    };
    let actor = admin();
    let query = "id=11;country=UK;timezone=GMT%2B1;email=not+an+address;source=192.168.1.5%2F24;\
                 username=alice;forename=Alice;title=+Ms+;role=4;language=en-GB";
    let outcome = Call::new(&actor, &legacy).run(query);
    let Ok(Accepted::Ready(update)) = outcome else {
        panic!("refused: {outcome:?}")
    };
    assert!(update.is_empty());
    assert_eq!(update.apply(), legacy);
    // Canonically equal also counts as unchanged.
    let target = alice();
    let outcome =
        Call::new(&actor, &target).run("id=11;country=gb;timezone=europe/london;language=EN_gb");
    assert!(outcome.unwrap().update().is_empty());
}

#[test]
fn text_fields_are_those_the_person_stores_as_text() {
    let person = Person::default();
    for field in Field::ALL {
        let expected = !matches!(field, Field::Password | Field::Role);
        assert_eq!(field.is_text(), expected, "{field}");
        assert_eq!(person.text(field).is_some(), expected, "{field}");
    }
}
