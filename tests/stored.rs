//! Today's rules on values already stored (`check_stored`): legacy data of every kind,
//! one row a value, with the exact verdict.

use enswitch_people::{Field, Policy, StoredCheck, check_stored};

/// The verdict as a row reads it: `"ok"`, the canonical form after `"-> "`, or the
/// refusal's code after `"! "`.
fn verdict(field: Field, stored: &str, policy: &Policy) -> String {
    match check_stored(field, stored, policy) {
        Some(StoredCheck::Canonical) => "ok".to_owned(),
        Some(StoredCheck::Rewritten(canonical)) => format!("-> {canonical}"),
        Some(StoredCheck::Refused(error)) => {
            assert_eq!(error.key(), field.as_str());
            format!("! {}", error.code().as_str())
        }
        None => "not text".to_owned(),
    }
}

#[track_caller]
fn rows(policy: &Policy, rows: &[(Field, &str, &str)]) {
    for &(field, stored, expected) in rows {
        assert_eq!(
            verdict(field, stored, policy),
            expected,
            "{field}={stored:?}"
        );
    }
}

#[test]
fn legacy_values_under_the_default_policy() {
    let old_key = include_str!("data/crafted/secret-appended.asc");
    let good_key = include_str!("data/crafted/user-id.asc");
    rows(
        &Policy::default(),
        &[
            (Field::Country, "GB", "ok"),
            (Field::Country, "gb", "-> GB"),
            (Field::Country, "UK", "! unknown_country"),
            (Field::Country, "", "! empty_value"),
            (Field::Source, "192.0.2.0/24", "ok"),
            (Field::Source, "192.0.2.1/24", "! host_bits_set"),
            (Field::Timezone, "europe/paris", "-> Europe/Paris"),
            (Field::Title, " Dr ", "-> Dr"),
            (Field::Title, "", "ok"),
            (Field::Forename, "Ali\u{202E}ce", "! invisible_character"),
            (Field::PublicKey, old_key, "! private_key_block"),
            (Field::PublicKey, good_key.trim(), "ok"),
            (Field::Email, "Alice@Example.COM", "-> Alice@example.com"),
            (Field::Role, "3", "not text"),
            (Field::Password, "x", "not text"),
        ],
    );
}

#[test]
fn a_stricter_policy_refuses_what_the_old_one_took() {
    let policy: Policy = serde_json::from_str(
        r#"{"languages": ["en-GB", "de"], "require_email": true, "max_email_addresses": 1}"#,
    )
    .unwrap();
    rows(
        &policy,
        &[
            (Field::Language, "en-GB", "ok"),
            (Field::Language, "fr", "! language_not_allowed"),
            (Field::Email, "", "! email_required"),
            (Field::Email, "a@example.com", "ok"),
            (
                Field::Email,
                "a@example.com,b@example.com",
                "! too_many_entries",
            ),
        ],
    );
}
