//! The client side: build a request with types, check it locally, send it, and read
//! the answer.

mod common;

use common::{Call, admin, alice};
use enswitch_people::{
    Answer, Catalogue, English, Envelope, EnvelopeError, ErrorCode, ErrorKind, German, Person,
    Request, Status,
};

#[test]
fn the_builder_writes_what_enswitch_takes() {
    let request = Request::builder(123)
        .auth("admin", "pa;ss word")
        .username("user@example.com")
        .timezone("Europe/London")
        .clear_fax()
        .role(4)
        .build();
    assert_eq!(
        request.to_query(),
        "auth_username=admin;auth_password=pa%3Bss%20word;id=123;fax=;role=4;timezone=Europe/London;username=user@example.com"
    );
    assert_eq!(
        request.to_json(),
        r#"{"auth_password":"pa;ss word","auth_username":"admin","fax":"","id":"123","role":"4","timezone":"Europe/London","username":"user@example.com"}"#
    );
    assert_eq!(Request::from_query(&request.to_query()).unwrap(), request);
    assert_eq!(Request::from_json(&request.to_json()).unwrap(), request);
}

#[test]
fn every_field_has_a_setter_and_the_clearable_ones_a_clear() {
    let request = Request::builder(1)
        .company("c")
        .country("c")
        .date_format("d")
        .description("d")
        .email("e")
        .extension("e")
        .fax("f")
        .forename("f")
        .language("l")
        .mobile("m")
        .password("p")
        .public_key("k")
        .source("s")
        .surname("s")
        .telephone("t")
        .time_format("t")
        .timezone("t")
        .title("t")
        .username("u")
        .role(2)
        .validation_only()
        .build();
    for field in enswitch_people::Field::ALL {
        assert!(
            request.value(field).is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    assert_eq!(request.validation(), Some("1"));
    let cleared = Request::builder(1)
        .clear_company()
        .clear_description()
        .clear_email()
        .clear_extension()
        .clear_fax()
        .clear_forename()
        .clear_language()
        .clear_mobile()
        .clear_public_key()
        .clear_source()
        .clear_surname()
        .clear_telephone()
        .clear_timezone()
        .clear_title()
        .build();
    let clearable: Vec<_> = enswitch_people::Field::ALL
        .into_iter()
        .filter(|f| f.is_clearable())
        .collect();
    for field in enswitch_people::Field::ALL {
        let expected = clearable.contains(&field).then_some("");
        assert_eq!(cleared.value(field), expected, "{field}");
    }
}

#[test]
fn a_local_check_gives_what_the_server_would() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    let request = Request::builder(11)
        .country("UK")
        .timezone("europe/paris")
        .role(1)
        .build();
    let local = call.run_request(&request).unwrap_err();
    // The server receives the query string and decides on what it parses.
    let server = call.run(&request.to_query()).unwrap_err();
    assert_eq!(local, server);
    assert_eq!(
        Envelope::refused(&local).to_json(),
        r#"{"responses":[{"code":"402","key":"role","message":"Your role does not allow this."},{"code":"400","key":"country","message":"The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US."}]}"#
    );
}

#[test]
fn answers_read_back() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    for query in [
        "id=11;title=Dr",
        "id=11;title=Dr;validation=1",
        "id=11;role=1;country=UK;colour=red",
    ] {
        let envelope = Envelope::of(&call.run(query));
        let read = Envelope::from_json(&envelope.to_json()).unwrap();
        assert_eq!(read, envelope, "{query}");
        assert_eq!(read.to_json(), envelope.to_json());
    }
    let ok =
        Envelope::from_json(r#"{"responses":[{"code":"204","key":"","message":"OK"}]}"#).unwrap();
    assert_eq!(ok.answer(), Answer::Success(Status::UPDATED));
    let refused = Envelope::from_json(
        r#"{"responses":[{"code":"402","key":"role","message":"Your role does not allow this."},{"code":"400","key":"country","message":"…"}]}"#,
    )
    .unwrap();
    let Answer::Refused(errors) = refused.answer() else {
        panic!()
    };
    let keyed: Vec<(u16, &str)> = errors
        .iter()
        .map(|r| (r.code().as_u16(), r.key()))
        .collect();
    assert_eq!(keyed, [(402, "role"), (400, "country")]);
}

#[test]
fn unknown_codes_and_members_are_kept() {
    let json = r#"{"responses":[{"code":"409","key":"username","message":"Taken.","hint":{"try":"alice2"}}],"version":3}"#;
    let envelope = Envelope::from_json(json).unwrap();
    let response = &envelope.responses()[0];
    assert_eq!(response.code().as_u16(), 409);
    assert_eq!(response.extra()["hint"]["try"], "alice2");
    assert_eq!(envelope.extra()["version"], 3);
    assert!(matches!(envelope.answer(), Answer::Refused([_])));
    assert_eq!(envelope.to_json(), json);
}

#[test]
fn malformed_envelopes_are_clear_errors() {
    for json in [
        "",
        "[]",
        r#"{"responses":{}}"#,
        r#"{"responses":[{"code":"4000","key":"","message":""}]}"#,
        r#"{"responses":[{"code":"abc","key":"","message":""}]}"#,
        r#"{"responses":[{"key":"","message":""}]}"#,
        r#"{"responses":[{"code":"204","key":null,"message":""}]}"#,
    ] {
        assert!(
            matches!(Envelope::from_json(json), Err(EnvelopeError::Malformed(_))),
            "{json}"
        );
    }
    assert_eq!(
        Envelope::from_json(r#"{"responses":[]}"#),
        Err(EnvelopeError::Empty)
    );
    let message = Envelope::from_json(r#"{"responses":[{"code":"abc","key":"","message":""}]}"#)
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(
            "not an Enswitch response envelope: a response code is three decimal digits"
        ),
        "{message}"
    );
}

/// One error of every code, with parameters.
fn one_of_each() -> Vec<ErrorKind> {
    use ErrorKind as K;
    vec![
        K::RequestTooLarge {
            max_parameters: 100,
            max_kib: 256,
        },
        K::MalformedJson {},
        K::UnsupportedContentType {},
        K::DuplicateParameter {},
        K::UnknownParameter {},
        K::MissingParameter {},
        K::InvalidUtf8 {},
        K::InvalidType {},
        K::InvalidId {},
        K::IdMismatch {},
        K::InvalidValidation {},
        K::EmptyValue {},
        K::TooLong { max: 64 },
        K::TooShort { min: 8 },
        K::ControlCharacter {},
        K::InvisibleCharacter { position: 3 },
        K::TooManyMarks { max: 30 },
        K::InvalidNameCharacter {},
        K::NameWithoutLetter {},
        K::InvalidUsername { max: 128 },
        K::UsernameTaken {},
        K::PasswordMatchesUsername {},
        K::InvalidEmail {
            address: "a@b".into(),
        },
        K::TooManyEntries { max: 10 },
        K::EmailRequired {},
        K::InvalidPhoneNumber {
            min_digits: 2,
            max_digits: 20,
        },
        K::InvalidExtension { max_digits: 16 },
        K::UnknownCountry {},
        K::InvalidLanguage {},
        K::LanguageNotAllowed {},
        K::UnknownTimeZone {},
        K::InvalidDateFormat {},
        K::InvalidTimeFormat {},
        K::InvalidSourceEntry { entry: "x".into() },
        K::HostBitsSet {
            given: "10.1.2.3/8".parse().unwrap(),
            network: "10.0.0.0/8".parse().unwrap(),
        },
        K::ChangedSinceRead {
            stored: "Prof".into(),
        },
        K::WouldLockOut {},
        K::PublicKeyTooLarge { max_bytes: 65536 },
        K::PrivateKeyBlock {},
        K::InvalidArmor {},
        K::ChecksumMismatch {},
        K::NotPublicKey {},
        K::InvalidRole {},
        K::UnknownRole {},
        K::AuthenticationFailed {},
        K::FunctionNotPermitted {},
        K::NotSelfService {},
        K::OwnRole {},
        K::RoleAboveActor {},
        K::PlanForbids {},
        K::PersonNotFound {},
    ]
}

#[test]
fn every_code_has_a_german_message() {
    let kinds = one_of_each();
    let codes: Vec<ErrorCode> = kinds.iter().map(ErrorKind::code).collect();
    assert_eq!(codes, ErrorCode::ALL, "one sample per code, in table order");
    for kind in &kinds {
        let (english, german) = (English.message(kind), German.message(kind));
        assert_eq!(english, kind.to_string());
        assert!(
            !german.is_empty() && german != english,
            "{}: {german}",
            kind.code()
        );
    }
    // Typed parameters reach the translation.
    let sample = |code: ErrorCode| kinds.iter().find(|k| k.code() == code).unwrap();
    assert_eq!(
        German.message(sample(ErrorCode::TooLong)),
        "Dieser Wert ist zu lang: höchstens 64 Zeichen sind erlaubt."
    );
    assert_eq!(
        German.message(sample(ErrorCode::HostBitsSet)),
        "In 10.1.2.3/8 sind Host-Bits gesetzt; meinten Sie 10.0.0.0/8?"
    );
}

#[test]
fn a_refusal_in_german() {
    let (actor, target) = (admin(), alice());
    let report = Call::new(&actor, &target)
        .run("id=11;timezone=Berlin;role=1")
        .unwrap_err();
    assert_eq!(
        Envelope::refused_in(&report, &German).to_json(),
        r#"{"responses":[{"code":"402","key":"role","message":"Ihre Rolle erlaubt dies nicht."},{"code":"400","key":"timezone","message":"Die Zeitzone muss ein IANA-Name wie Europe/Berlin sein, oder leer für die Voreinstellung."}]}"#
    );
}

#[test]
fn a_person_from_people_get() {
    let json = r#"{"id":"11","customer":"3","role":4,"username":"alice","forename":"Alice","surname":"Smith",
                   "extension":201,"email":"alice@acme.example","timezone":"Europe/London","status":"active","created":"2020-01-01"}"#;
    let person: Person = serde_json::from_str(json).unwrap();
    assert_eq!(
        person,
        Person {
            id: 11,
            customer: 3,
            role: 4,
            username: "alice".into(),
            forename: "Alice".into(),
            surname: "Smith".into(),
            extension: "201".into(),
            email: "alice@acme.example".into(),
            timezone: "Europe/London".into(),
            ..Person::default()
        }
    );
    for bad in [
        r#"{"id":"x","customer":1,"role":1}"#,
        r#"{"customer":1,"role":1}"#,
        r#"{"id":-1,"customer":1,"role":1}"#,
    ] {
        assert!(serde_json::from_str::<Person>(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_server_answers_a_read_and_an_unread_body_from_the_crate() {
    let data = serde_json::json!({"id": 11, "title": "Dr"});
    let read = Envelope::with_data(data.clone());
    assert_eq!(
        read.to_json(),
        r#"{"responses":[{"code":"200","key":"","message":"OK"}],"data":{"id":11,"title":"Dr"}}"#
    );
    assert_eq!(read.answer(), Answer::Success(Status::READ));
    assert_eq!(
        Envelope::from_json(&read.to_json()).unwrap().extra()["data"],
        data
    );
    // The refusal of a body too large to read whole is the one the crate gives for it.
    let oversized = vec![b'x'; enswitch_people::MAX_REQUEST_BYTES + 1];
    let refused = Request::from_query_bytes(&oversized).unwrap_err();
    assert_eq!(
        Envelope::request_too_large(),
        Envelope::refused(&refused.into())
    );
    let too_large = Envelope::request_too_large();
    let first = &too_large.responses()[0];
    assert_eq!((first.code(), first.key()), (Status::INVALID, ""));
    assert!(
        first.message().starts_with("The request is too large"),
        "{first:?}"
    );
}
