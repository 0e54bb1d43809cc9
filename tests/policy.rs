//! The policy: defaults, loading from JSON and TOML, and the checks on load.

mod common;

use common::{Call, admin, alice, assert_changes, assert_refused};
use enswitch_people::{Field, OnUnknownParameter, Policy, PolicyError, PolicySettings};

#[test]
fn default_is_the_specification() {
    let policy = Policy::default();
    let settings = policy.settings();
    let self_service: Vec<&str> = settings.self_service.iter().map(Field::as_str).collect();
    assert_eq!(
        self_service,
        [
            "company",
            "country",
            "date_format",
            "email",
            "fax",
            "forename",
            "language",
            "mobile",
            "password",
            "public_key",
            "surname",
            "telephone",
            "time_format",
            "timezone",
            "title"
        ]
    );
    assert_eq!(
        (settings.password_min_length, settings.password_max_length),
        (8, 128)
    );
    assert_eq!(
        (settings.max_email_addresses, settings.max_source_entries),
        (10, 32)
    );
    assert!(!settings.require_email);
    assert_eq!(settings.languages, None);
    assert_eq!(settings.unknown_parameters, OnUnknownParameter::Reject);
    assert!(!settings.preconditions);
    // An empty document is the default too.
    assert_eq!(serde_json::from_str::<Policy>("{}").unwrap(), policy);
    assert_eq!(toml::from_str::<Policy>("").unwrap(), policy);
}

#[test]
fn loads_from_toml_and_json_alike() {
    let toml = r#"
        self_service = ["password", "timezone"]
        password_min_length = 12
        password_max_length = 64
        require_email = true
        languages = ["en_gb", "FR"]
        unknown_parameters = "ignore"
        preconditions = true
    "#;
    let json = r#"{"self_service":["timezone","password"],"password_min_length":12,"password_max_length":64,
                   "require_email":true,"languages":["en_gb","FR"],"unknown_parameters":"ignore",
                   "preconditions":true}"#;
    let from_toml: Policy = toml::from_str(toml).unwrap();
    let from_json: Policy = serde_json::from_str(json).unwrap();
    assert_eq!(from_toml, from_json);
    assert_eq!(
        from_toml.self_service(),
        [Field::Password, Field::Timezone].into()
    );
    assert!(from_toml.settings().preconditions);
    // And back out.
    let again: Policy = serde_json::from_str(&serde_json::to_string(&from_json).unwrap()).unwrap();
    assert_eq!(again, from_json);
}

#[test]
fn checked_on_load() {
    for (json, message) in [
        (
            r#"{"password_min_length": 20, "password_max_length": 10}"#,
            "password lengths must satisfy 1 <= password_min_length (20) <= password_max_length (10) <= 1024",
        ),
        (
            r#"{"password_min_length": 0}"#,
            "password lengths must satisfy 1 <= password_min_length (0) <= password_max_length (128) <= 1024",
        ),
        (
            r#"{"max_email_addresses": 0}"#,
            "max_email_addresses must be from 1 to 256, not 0",
        ),
        (
            r#"{"max_source_entries": 100000}"#,
            "max_source_entries must be from 1 to 256, not 100000",
        ),
        (
            r#"{"languages": ["english"]}"#,
            "languages: \"english\" is not a BCP 47 tag with a 2 or 3 letter language",
        ),
        (
            r#"{"languages": []}"#,
            "languages is empty, which would refuse every language: leave it out to allow all",
        ),
        (
            r#"{"self_service": ["title", "colour"]}"#,
            "unknown field name \"colour\"",
        ),
        (
            r#"{"self_service": ["title", "title"]}"#,
            "field \"title\" is listed twice",
        ),
        (r#"{"self_service": ["id"]}"#, "unknown field name \"id\""),
        (r#"{"max_emails": 3}"#, "unknown field `max_emails`"),
        (
            r#"{"unknown_parameters": "warn"}"#,
            "unknown variant `warn`",
        ),
    ] {
        let error = serde_json::from_str::<Policy>(json)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with(message), "{json}: {error}");
    }
    let settings = PolicySettings {
        password_min_length: 9,
        password_max_length: 8,
        ..PolicySettings::default()
    };
    assert_eq!(
        Policy::try_from(settings),
        Err(PolicyError::PasswordLengths { min: 9, max: 8 })
    );
}

#[test]
fn policy_rules_in_force() {
    let (actor, target) = (admin(), alice());
    let mut call = Call::new(&actor, &target);
    call.policy = serde_json::from_str(
        r#"{"require_email":true,"languages":["en-GB","fr"],"password_min_length":12,"max_email_addresses":2,"max_source_entries":1}"#,
    )
    .unwrap();
    assert_refused(
        &call.run("id=11;email="),
        &[("400", "email", "email_required")],
    );
    assert_refused(
        &call.run("id=11;language=de"),
        &[("400", "language", "language_not_allowed")],
    );
    assert_changes(&call.run("id=11;language=FR"), &[("language", "fr")]);
    // The system default is always allowed.
    assert_changes(&call.run("id=11;language="), &[("language", "")]);
    assert_refused(
        &call.run("id=11;password=elevenchars"),
        &[("400", "password", "too_short")],
    );
    assert_refused(
        &call.run("id=11;email=a@x.org,b@x.org,c@x.org"),
        &[("400", "email", "too_many_entries")],
    );
    assert_refused(
        &call.run("id=11;source=10.0.0.1,10.0.0.2"),
        &[("400", "source", "too_many_entries")],
    );
}
