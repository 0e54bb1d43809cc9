//! Parsing requests: both formats, duplicates, unknown names, bad values, the bounds.

mod common;

use common::{Call, admin, alice, assert_changes, assert_refused};
use enswitch_people::{
    Actor, Error, ErrorCode, Field, MAX_PARAMETERS, MAX_REQUEST_BYTES, Privilege, Report, Request,
    RequestAddress,
};

/// The `(key, code)` problems a request has after parsing.
#[track_caller]
fn problems(request: &Request<'_>, expected: &[(&str, &str)]) {
    let got: Vec<(String, &str)> = request
        .problems()
        .map(|e| (e.key().to_owned(), e.code().as_str()))
        .collect();
    let got: Vec<(&str, &str)> = got.iter().map(|(k, c)| (k.as_str(), *c)).collect();
    assert_eq!(got, expected);
}

#[test]
fn query_strings() {
    let r = Request::from_query(
        "auth_username=admin;auth_password=p%3Bw&id=123;title=Dr+No;email=a%40b.org",
    )
    .unwrap();
    assert_eq!(r.auth_username(), Some("admin"));
    assert_eq!(r.auth_password(), Some("p;w"));
    assert_eq!(r.id(), Some("123"));
    assert_eq!(person_id(&r), Ok(123));
    assert_eq!(r.value(Field::Title), Some("Dr No"));
    assert_eq!(r.value(Field::Email), Some("a@b.org"));
    assert_eq!(r.value(Field::Username), None);
    problems(&r, &[]);
    // Empty pairs are skipped; a pair without "=" has the empty value.
    let r = Request::from_query(";;id=1;;fax;&").unwrap();
    assert_eq!(r.value(Field::Fax), Some(""));
    problems(&r, &[]);
}

#[test]
fn names_are_case_sensitive() {
    let r = Request::from_query("id=1;Title=Dr").unwrap();
    problems(&r, &[("Title", "unknown_parameter")]);
}

#[test]
fn duplicates_are_refused_never_last_one_wins() {
    let r = Request::from_query("id=1;title=a;title=b;title=c;id=2").unwrap();
    problems(
        &r,
        &[
            ("title", "duplicate_parameter"),
            ("id", "duplicate_parameter"),
        ],
    );
    assert_eq!(r.value(Field::Title), None);
    let r = Request::from_json(r#"{"id": 1, "title": "a", "title": "b"}"#).unwrap();
    problems(&r, &[("title", "duplicate_parameter")]);
    // "+" and "%20" decode alike, so these are the same name.
    let r = Request::from_query("id=1;ti%74le=a;title=b").unwrap();
    problems(&r, &[("title", "duplicate_parameter")]);
}

#[test]
fn unknown_names_once_each() {
    let r = Request::from_query("id=1;colour=red;colour=blue;size=9").unwrap();
    problems(
        &r,
        &[
            ("colour", "unknown_parameter"),
            ("size", "unknown_parameter"),
        ],
    );
}

/// The id a caller would look up.
fn person_id(request: &Request<'_>) -> Result<u64, Report> {
    let caller = Actor::new(1, 1, Privilege::User).caller("", RequestAddress::Unknown)?;
    caller.person_id(request)
}

#[test]
fn invalid_utf8() {
    let r = Request::from_query("id=1;title=%FF;%C3=x").unwrap();
    problems(
        &r,
        &[("title", "invalid_utf8"), ("\u{FFFD}", "unknown_parameter")],
    );
    let r = Request::from_query_bytes(b"id=1;title=\xFF").unwrap();
    problems(&r, &[("title", "invalid_utf8")]);
}

#[test]
fn json_values() {
    let r = Request::from_json(
        r#"{"id": 123, "timezone": "Europe/London", "extension": 42, "validation": true}"#,
    )
    .unwrap();
    assert_eq!(person_id(&r), Ok(123));
    assert_eq!(r.value(Field::Extension), Some("42"));
    assert_eq!(r.validation(), Some("1"));
    let r = Request::from_json(r#"{"id": 1, "validation": false}"#).unwrap();
    assert_eq!(r.validation(), Some("0"));
    let r = Request::from_json(
        r#"{"id": 1, "title": null, "forename": 1.5, "surname": [1], "company": {"a": 1}, "fax": true, "mobile": -7}"#,
    )
    .unwrap();
    problems(
        &r,
        &[
            ("company", "invalid_type"),
            ("fax", "invalid_type"),
            ("forename", "invalid_type"),
            ("surname", "invalid_type"),
            ("title", "invalid_type"),
        ],
    );
    assert_eq!(r.value(Field::Mobile), Some("-7"));
    let r = Request::from_json(r#"{"id": "12\u0033", "title": "Dr\nNo"}"#).unwrap();
    assert_eq!(person_id(&r), Ok(123));
    assert_eq!(r.value(Field::Title), Some("Dr\nNo"));
}

#[test]
fn malformed_json_is_refused_as_a_whole() {
    for input in [
        r#"{"id": 1"#,
        "[1, 2]",
        r#""id""#,
        r#"{"id": 1} x"#,
        "{1: 2}",
    ] {
        let e = Request::from_json(input).unwrap_err();
        assert_eq!(
            (e.key(), e.code()),
            ("", ErrorCode::MalformedJson),
            "{input}"
        );
    }
}

#[test]
fn bounds() {
    let at_limit = (0..MAX_PARAMETERS)
        .map(|i| format!("p{i}=1;"))
        .collect::<Vec<_>>()
        .concat();
    assert!(Request::from_query(&at_limit).is_ok());
    let over = format!("{at_limit}one=more");
    let e = Request::from_query(&over).unwrap_err();
    assert_eq!(
        (e.key(), e.code().as_str(), e.status().to_string()),
        ("", "request_too_large", "400".to_owned())
    );
    let json = format!(
        "{{{}}}",
        (0..=MAX_PARAMETERS)
            .map(|i| format!("\"p{i}\":1"))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(
        Request::from_json(&json).unwrap_err().code(),
        ErrorCode::RequestTooLarge
    );
    let big = format!("id=1;description={}", "x".repeat(MAX_REQUEST_BYTES));
    assert_eq!(
        Request::from_query(&big).unwrap_err().code(),
        ErrorCode::RequestTooLarge
    );
    assert_eq!(
        Request::parse(&format!("{{{big}")).unwrap_err().code(),
        ErrorCode::RequestTooLarge
    );
}

#[test]
fn id_is_required_and_must_match() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    assert_refused(&call.run("title=Dr"), &[("400", "id", "missing_parameter")]);
    assert_refused(&call.run("id=abc"), &[("400", "id", "invalid_id")]);
    assert_refused(&call.run("id=0"), &[("400", "id", "invalid_id")]);
    assert_refused(&call.run("id=12"), &[("400", "id", "id_mismatch")]);
    assert_refused(
        &call.run("id=11;id=11"),
        &[("400", "id", "duplicate_parameter")],
    );
    assert_changes(&call.run("id=+11+"), &[]);
}

#[test]
fn problems_are_reported_with_everything_else() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    assert_refused(
        &call.run("id=11;colour=red;title=a;title=b;role=1;timezone=x;validation=2"),
        &[
            ("402", "role", "role_above_actor"),
            ("400", "colour", "unknown_parameter"),
            ("400", "timezone", "unknown_time_zone"),
            ("400", "title", "duplicate_parameter"),
            ("400", "validation", "invalid_validation"),
        ],
    );
}

#[test]
fn unknown_parameters_may_be_ignored_by_policy() {
    let (actor, target) = (admin(), alice());
    let mut call = Call::new(&actor, &target);
    call.policy = serde_json::from_str(r#"{"unknown_parameters": "ignore"}"#).unwrap();
    assert_changes(&call.run("id=11;colour=red;title=Dr"), &[("title", "Dr")]);
}

#[test]
fn authentication_is_taken_out_never_validated() {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target).run("auth_username=%00;auth_password=;id=11");
    assert!(outcome.unwrap().update().is_empty());
}

#[test]
fn debug_hides_both_passwords() {
    let r =
        Request::from_query("auth_username=admin;auth_password=hunter22;id=1;password=swordfish1")
            .unwrap();
    let debug = format!("{r:?}");
    assert!(
        !debug.contains("hunter22") && !debug.contains("swordfish1"),
        "{debug}"
    );
    assert!(debug.contains("admin"));
}

#[test]
fn serializes_back_to_an_equal_request() {
    for input in [
        "auth_username=a%40b;auth_password=x%3By;id=7;title=Dr%20No;email=a@b.org,c@d.org;description=l1%0Al2",
        "id=1;fax=;source=10.0.0.0/8%2010.1.0.0/16;forename=Zo%C3%AB",
    ] {
        let parsed = Request::from_query(input).unwrap();
        assert_eq!(
            Request::from_query(&parsed.to_query()).unwrap(),
            parsed,
            "{input}"
        );
        assert_eq!(
            Request::from_json(&parsed.to_json()).unwrap(),
            parsed,
            "{input}"
        );
    }
}

#[test]
fn a_long_precondition_name_is_bounded_alike_however_sent() {
    // Found by fuzzing: a JSON member's name was bounded apart from its `was.`, a
    // query's key as a whole, so the request did not read back as itself.
    let long = "W".repeat(100);
    let (body, url) = (
        format!(r#"{{"was": {{"{long}": 0}}}}"#),
        format!("was.{long}=0"),
    );
    let json = Request::from_json(&body).unwrap();
    let query = Request::from_query(&url).unwrap();
    assert_eq!(json, query);
    assert_eq!(Request::from_query(&json.to_query()).unwrap(), json);
    assert_eq!(Request::from_json(&json.to_json()).unwrap(), json);
}

/// The URL's query string and a body, as a server hands them over.
#[track_caller]
fn parts(url: &str, content_type: Option<&str>, body: &[u8]) -> Result<Request<'static>, Error> {
    let (url, body) = (url.as_bytes().to_vec(), body.to_vec());
    Request::from_parts(&url, content_type, &body).map(Request::into_owned)
}

#[test]
fn url_parameters_and_a_body_are_one_request() {
    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    let r = parts(
        "auth_username=admin;auth_password=pw",
        FORM,
        b"id=11&title=Dr",
    )
    .unwrap();
    assert_eq!(
        (r.auth_username(), r.auth_password()),
        (Some("admin"), Some("pw"))
    );
    assert_eq!((r.id(), r.value(Field::Title)), (Some("11"), Some("Dr")));
    // A JSON body, its content type in any case and with parameters.
    for content_type in ["application/json", "Application/JSON; charset=utf-8"] {
        let r = parts(
            "auth_username=admin",
            Some(content_type),
            br#"{"id": 11, "title": "Dr"}"#,
        )
        .unwrap();
        assert_eq!(
            (r.auth_username(), r.value(Field::Title)),
            (Some("admin"), Some("Dr"))
        );
    }
    // No content type: the body is a query string.
    let r = parts("id=11", None, b"title=Dr").unwrap();
    assert_eq!(r.value(Field::Title), Some("Dr"));
    let r = parts("id=11;title=Dr", None, b"").unwrap();
    assert_eq!(r.value(Field::Title), Some("Dr"));
}

#[test]
fn a_name_in_the_url_and_the_body_is_a_duplicate() {
    let r = parts(
        "id=11;title=Dr",
        Some("application/x-www-form-urlencoded"),
        b"title=Prof",
    )
    .unwrap();
    problems(&r, &[("title", "duplicate_parameter")]);
    let r = parts(
        "title=Dr",
        Some("application/json"),
        br#"{"id": 11, "title": "Prof"}"#,
    )
    .unwrap();
    problems(&r, &[("title", "duplicate_parameter")]);
}

#[test]
fn the_url_is_decoded_under_the_same_utf8_rule() {
    // Never replaced by U+FFFD: a value that is not UTF-8 is that parameter's error.
    let r = parts("id=11;title=%FF", Some("application/json"), b"{}").unwrap();
    problems(&r, &[("title", "invalid_utf8")]);
    assert_eq!(r.value(Field::Title), None);
}

#[test]
fn the_bounds_count_the_url_and_the_body_together() {
    let code = |result: Result<Request<'_>, Error>| result.map(drop).map_err(|e| e.code());
    let url: Vec<String> = (0..60).map(|i| format!("x{i}=1")).collect();
    let body: Vec<String> = (0..40).map(|i| format!("y{i}=1")).collect();
    let form = Some("application/x-www-form-urlencoded");
    assert_eq!(
        code(parts(&url.join("&"), form, body.join("&").as_bytes())),
        Ok(())
    );
    let body: Vec<String> = (0..41).map(|i| format!("y{i}=1")).collect();
    assert_eq!(
        code(parts(&url.join("&"), form, body.join("&").as_bytes())),
        Err(ErrorCode::RequestTooLarge)
    );
    let json: Vec<String> = (0..41).map(|i| format!("\"y{i}\":1")).collect();
    let json = format!("{{{}}}", json.join(","));
    assert_eq!(
        code(parts(
            &url.join("&"),
            Some("application/json"),
            json.as_bytes()
        )),
        Err(ErrorCode::RequestTooLarge)
    );
    let half = "a".repeat(MAX_REQUEST_BYTES / 2);
    assert_eq!(
        code(parts(
            &format!("x={half}"),
            form,
            format!("y={half}").as_bytes()
        )),
        Err(ErrorCode::RequestTooLarge)
    );
}

#[test]
fn a_body_of_another_content_type_is_refused_as_a_whole() {
    for content_type in ["text/plain", "multipart/form-data; boundary=x", ""] {
        let error = parts("id=11", Some(content_type), b"title=Dr").unwrap_err();
        assert_eq!(
            (error.key(), error.code()),
            ("", ErrorCode::UnsupportedContentType)
        );
    }
    let error = parts("id=11", Some("application/json"), b"[1]").unwrap_err();
    assert_eq!((error.key(), error.code()), ("", ErrorCode::MalformedJson));
}
