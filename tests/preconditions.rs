//! Preconditions (SPEC §2, §7): `was.<field>` / `"was": {…}` under the policy's
//! `preconditions`, decided after reach and permission against the stored value.

mod common;

use common::{Call, admin, alice, assert_accepted, assert_refused, other_admin};
use enswitch_people::{
    English, Envelope, OnUnknownParameter, Person, Policy, PolicySettings, Request,
};

fn policy(preconditions: bool, unknown_parameters: OnUnknownParameter) -> Policy {
    Policy::try_from(PolicySettings {
        preconditions,
        unknown_parameters,
        ..PolicySettings::default()
    })
    .unwrap()
}

/// A call with preconditions on.
fn with_preconditions<'a>(actor: &'a Person, target: &'a Person) -> Call<'a> {
    let mut call = Call::new(actor, target);
    call.policy = policy(true, OnUnknownParameter::Reject);
    call
}

/// An administrator's call on alice (title `Ms`, role 4) with preconditions on.
#[track_caller]
fn on(query: &str, expected: &[(&str, &str, &str)]) {
    let (actor, target) = (admin(), alice());
    let outcome = with_preconditions(&actor, &target).run(query);
    if expected.is_empty() {
        assert_accepted(&outcome);
    } else {
        assert_refused(&outcome, expected);
    }
}

#[test]
fn a_precondition_holds_or_refuses_the_change() {
    let conflict = [("400", "title", "changed_since_read")];
    on("id=11;title=Dr;was.title=Ms", &[]);
    on("id=11;title=Dr;was.title=Prof", &conflict);
    on("id=11;title=Dr;was.title=Prof;validation=1", &conflict);
    // As stored, byte for byte: not trimmed, not canonical.
    on("id=11;title=Dr;was.title=Ms%20", &conflict);
    on("id=11;title=Dr;was.title=ms", &conflict);
    // The role, as people/get gives it.
    on("id=11;role=3;was.role=4", &[]);
    on(
        "id=11;role=3;was.role=3",
        &[("400", "role", "changed_since_read")],
    );
    // In JSON, members of "was"; an id-like value may be a number.
    on(
        r#"{"id":11,"title":"Dr","was":{"title":"Ms","role":4}}"#,
        &[],
    );
    on(
        r#"{"id":11,"title":"Dr","was":{"title":"Prof"}}"#,
        &conflict,
    );
}

#[test]
fn what_protects_nothing_is_no_conflict() {
    // A field not sent, and a field sent as it is stored.
    on("id=11;timezone=Asia/Tokyo;was.title=Prof", &[]);
    on("id=11;title=Ms;was.title=Prof", &[]);
    on("id=11;title=%20Ms;was.title=Prof", &[]);
}

#[test]
fn reach_and_permission_come_first() {
    // Alice on her own username: 402, and nothing of the stored value.
    let me = alice();
    assert_refused(
        &with_preconditions(&me, &me).run("id=11;username=al;was.username=x"),
        &[("402", "username", "not_self_service")],
    );
    // Out of reach: the lone 404.
    let (outsider, target) = (other_admin(), alice());
    assert_refused(
        &with_preconditions(&outsider, &target).run("id=11;title=Dr;was.title=Prof"),
        &[("404", "id", "person_not_found")],
    );
    // Forbidden by the plan: 403.
    let actor = admin();
    let mut call = with_preconditions(&actor, &target);
    call.plan_forbids = [enswitch_people::Field::Title].into();
    assert_refused(
        &call.run("id=11;title=Dr;was.title=Prof"),
        &[("403", "title", "plan_forbids")],
    );
}

#[test]
fn preconditions_that_cannot_protect_anything_are_refused() {
    on(
        "id=11;was.title=A;was.title=B",
        &[("400", "was.title", "duplicate_parameter")],
    );
    on(
        "id=11;was.titel=Ms",
        &[("400", "was.titel", "unknown_parameter")],
    );
    on(
        "id=11;was.password=x",
        &[("400", "was.password", "unknown_parameter")],
    );
    on("id=11;was=Ms", &[("400", "was", "unknown_parameter")]);
    on(
        "id=11;was.title=%FF",
        &[("400", "was.title", "invalid_utf8")],
    );
    on(r#"{"id":11,"was":5}"#, &[("400", "was", "invalid_type")]);
    on(
        r#"{"id":11,"was":{"title":null}}"#,
        &[("400", "was.title", "invalid_type")],
    );
}

#[test]
fn off_a_precondition_is_unknown_whatever_the_policy_says_of_unknowns() {
    let (actor, target) = (admin(), alice());
    for unknown in [OnUnknownParameter::Reject, OnUnknownParameter::Ignore] {
        let mut call = Call::new(&actor, &target);
        call.policy = policy(false, unknown);
        assert_refused(
            &call.run("id=11;title=Dr;was.title=Ms"),
            &[("400", "was.title", "unknown_parameter")],
        );
        assert_refused(
            &call.run(r#"{"id":11,"title":"Dr","was":{"title":"Ms"}}"#),
            &[("400", "was.title", "unknown_parameter")],
        );
    }
    // The default policy has them off.
    assert!(!Policy::default().settings().preconditions);
}

#[test]
fn the_refusal_gives_the_value_stored_now() {
    let (actor, target) = (admin(), alice());
    let report = with_preconditions(&actor, &target)
        .run("id=11;title=Dr;was.title=Prof")
        .unwrap_err();
    let json = Envelope::refused_detailed(&report, &English).to_json();
    assert!(
        json.contains(r#""error":{"code":"changed_since_read","params":{"stored":"Ms"}}"#),
        "{json}"
    );
    // Read back from the envelope, the same typed error.
    let back = Envelope::from_json(&json).unwrap();
    assert_eq!(
        back.responses()[0].error(),
        Some(report.errors()[0].clone())
    );
}

#[test]
fn a_request_with_preconditions_writes_itself_out() {
    let request = Request::from_query("id=11;title=Dr;was.title=Ms;was.role=4").unwrap();
    // Preconditions are kept, and written, in order of key.
    assert_eq!(request.to_query(), "id=11;title=Dr;was.role=4;was.title=Ms");
    assert_eq!(Request::from_query(&request.to_query()).unwrap(), request);
    assert_eq!(
        request.to_json(),
        r#"{"id":"11","title":"Dr","was":{"role":"4","title":"Ms"}}"#
    );
    let json = request.to_json();
    let from_json = Request::from_json(&json).unwrap();
    assert_eq!(from_json, request);
    // One that cannot be written out as sent is a problem of the request.
    assert!(Request::from_query("id=1;was=x").unwrap().has_problems());
    assert!(
        Request::from_query("id=1;was.title=%FF")
            .unwrap()
            .has_problems()
    );
    assert!(
        !Request::from_query("id=1;was.titel=x")
            .unwrap()
            .has_problems()
    );
    // Debug shows the keys, never the values.
    let debug = format!(
        "{:?}",
        Request::from_query("id=1;was.password=hunter2").unwrap()
    );
    assert!(
        !debug.contains("hunter2") && debug.contains("was.password"),
        "{debug}"
    );
}
