//! The outcome: envelopes byte for byte, error order, validation only, apply, the
//! audit diff and the obligations.

mod common;

use common::{
    Call, RequestAddress, Uniqueness, admin, alice, assert_refused, owner, person, ready,
};
use enswitch_people::{
    Accepted, Envelope, ErrorCode, Field, HashPassword, Obligation, Person, Report, Status,
};

fn envelope(outcome: &Result<Accepted<'_>, Report>) -> String {
    Envelope::of(outcome).to_json()
}

#[test]
fn success_envelopes() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    assert_eq!(
        envelope(&call.run("id=11;title=Dr")),
        r#"{"responses":[{"code":"204","key":"","message":"OK"}]}"#
    );
    assert_eq!(
        envelope(&call.run("id=11;title=Dr;validation=1")),
        r#"{"responses":[{"code":"201","key":"","message":"Input passed validation."}]}"#
    );
}

#[test]
fn refusal_envelope_order() {
    let me = alice();
    let mut call = Call::new(&me, &me);
    call.plan_forbids = [Field::Title].into();
    let outcome = call.run("id=11;title=Dr;role=3;timezone=nowhere;username=x;country=UK");
    assert_eq!(
        envelope(&outcome),
        concat!(
            r#"{"responses":["#,
            r#"{"code":"402","key":"role","message":"Your role does not allow this."},"#,
            r#"{"code":"402","key":"username","message":"Your role does not allow this."},"#,
            r#"{"code":"403","key":"title","message":"Your rate plan does not allow this."},"#,
            r#"{"code":"400","key":"country","message":"The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US."},"#,
            r#"{"code":"400","key":"timezone","message":"The time zone must be an IANA name such as Europe/London, or empty for the default."}"#,
            r#"]}"#
        )
    );
}

#[test]
fn not_found_is_alone() {
    let (actor, target) = (admin(), common::carol());
    let outcome = Call::new(&actor, &target).run("id=21;colour=red;title=a;title=b;timezone=x");
    assert_eq!(
        envelope(&outcome),
        r#"{"responses":[{"code":"404","key":"id","message":"The person does not exist, or you do not have permission to update them."}]}"#
    );
}

#[test]
fn whole_request_refusal() {
    let e = enswitch_people::Request::from_json("{").unwrap_err();
    assert_eq!(
        Envelope::refused(&Report::from(e)).to_json(),
        r#"{"responses":[{"code":"400","key":"","message":"The request is not a well-formed JSON object; send {\"name\": value, …}."}]}"#
    );
}

#[test]
fn validation_only_changes_nothing() {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target)
        .run("id=11;title=Dr;validation=1")
        .unwrap();
    let Accepted::Validated(update) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(outcome.status(), Status::VALIDATED);
    // The diff to show; nothing to carry out (no writes, obligations or apply here).
    let diff: Vec<(Field, String)> = update
        .diff()
        .iter()
        .map(|d| (d.field, d.new.to_string()))
        .collect();
    assert_eq!(diff, [(Field::Title, "Dr".to_owned())]);
    assert_eq!(update.len(), 1);
    // Errors are still reported with validation=1.
    assert_refused(
        &Call::new(&actor, &target).run("id=11;title=a%09b;validation=1"),
        &[("400", "title", "control_character")],
    );
    assert_refused(
        &Call::new(&actor, &target).run("id=11;validation=yes"),
        &[("400", "validation", "invalid_validation")],
    );
}

#[test]
fn apply_changes_only_what_was_sent() {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target)
        .run("id=11;title=;timezone=asia/tokyo;role=3")
        .unwrap();
    let Accepted::Ready(update) = outcome else {
        panic!()
    };
    let after = update.apply();
    assert_eq!(
        after,
        Person {
            title: String::new(),
            timezone: "Asia/Tokyo".into(),
            role: 3,
            ..alice()
        }
    );
}

#[test]
fn diff_redacts_the_password() {
    let (actor, target) = (admin(), alice());
    let outcome = Call::new(&actor, &target)
        .run("id=11;password=swordfish99;forename=Beth;role=3")
        .unwrap();
    let diff = outcome.update().diff();
    let rows: Vec<(&str, &str, &str)> = diff
        .iter()
        .map(|d| (d.field.as_str(), &*d.old, &*d.new))
        .collect();
    assert_eq!(
        rows,
        [
            ("forename", "Alice", "Beth"),
            ("password", "********", "********"),
            ("role", "4", "3")
        ]
    );
    let json = serde_json::to_string(&diff).unwrap();
    assert_eq!(
        json,
        r#"[{"field":"forename","old":"Alice","new":"Beth"},{"field":"password","old":"********","new":"********"},{"field":"role","old":"4","new":"3"}]"#
    );
    let debug = format!("{outcome:?}");
    let update = ready(Ok(outcome));
    let debug = format!("{debug} {:?} {:?}", update.obligations(), update.changes());
    assert!(!debug.contains("swordfish99"), "{debug}");
}

/// The names of the obligations of a request that is to be carried out.
#[track_caller]
fn obligation_names(call: &Call<'_>, query: &str) -> Vec<&'static str> {
    ready(call.run(query))
        .obligations()
        .iter()
        .map(Obligation::name)
        .collect()
}

#[test]
fn obligations() {
    let (actor, target) = (owner(), alice());
    let call = Call::new(&actor, &target);
    let names = |query: &str| obligation_names(&call, query);
    assert_eq!(names("id=11;title=Dr"), Vec::<&str>::new());
    // The username's uniqueness was stated (free): nothing is left to check.
    assert_eq!(names("id=11;username=alice2"), ["notify_person"]);
    assert_eq!(
        names("id=11;password=swordfish99"),
        ["hash_password", "notify_person", "end_sessions"]
    );
    assert_eq!(
        names("id=11;email=new@x.org"),
        ["verify_email", "notify_person"]
    );
    assert_eq!(names("id=11;email="), ["notify_person"]);
    assert_eq!(names("id=11;role=3"), ["end_sessions"]);
    assert_eq!(names("id=11;source=10.0.0.0/8"), ["end_sessions"]);
}

#[test]
fn a_username_of_unknown_uniqueness_carries_its_check() {
    let (actor, target) = (owner(), alice());
    let mut call = Call::new(&actor, &target);
    call.username = Uniqueness::Unknown;
    assert_eq!(
        obligation_names(&call, "id=11;username=alice2"),
        ["check_username_unique", "notify_person"]
    );
    // Sent back unchanged, there is nothing to check.
    assert!(
        ready(call.run("id=11;username=alice"))
            .obligations()
            .is_empty()
    );
    // A taken username is refused whether or not validation=1.
    call.username = Uniqueness::Taken;
    for query in [
        "id=11;username=alice2",
        "id=11;username=alice2;validation=1",
    ] {
        assert_refused(&call.run(query), &[("400", "username", "username_taken")]);
    }
}

#[test]
fn an_own_source_change_from_an_unknown_address_carries_the_lock_out_check() {
    let me = person(30, 3, common::ADMIN_ROLE, "carla");
    let call = Call::new(&me, &me);
    let update = ready(call.run("id=30;source=10.0.0.0/8"));
    let obligations = update.obligations();
    let list = match obligations.as_slice() {
        [Obligation::CheckLockOut(list), Obligation::EndSessions] => list.as_str(),
        other => panic!("{other:?}"),
    };
    assert_eq!(list, "10.0.0.0/8");
    // Cleared, the list admits every address: nothing to check.
    let mut stored = me.clone();
    stored.source = "10.0.0.0/8".into();
    let call = Call::new(&stored, &stored);
    assert_eq!(obligation_names(&call, "id=30;source="), ["end_sessions"]);
    // From a known address, rule 7 decides: no obligation, or a refusal.
    let call = Call::new(&me, &me).from("10.1.2.3");
    assert_eq!(
        obligation_names(&call, "id=30;source=10.0.0.0/8"),
        ["end_sessions"]
    );
    assert_refused(
        &Call::new(&me, &me)
            .from("192.0.2.1")
            .run("id=30;source=10.0.0.0/8"),
        &[("400", "source", "would_lock_out")],
    );
    // Another person's source: not the actor's own, nothing to check.
    let (owner, target) = (owner(), alice());
    let call = Call::new(&owner, &target);
    assert_eq!(
        obligation_names(&call, "id=11;source=10.0.0.0/8"),
        ["end_sessions"]
    );
    assert_eq!(RequestAddress::Unknown.ip(), None);
}

#[test]
fn notify_person_carries_the_old_and_new_addresses_once() {
    let (actor, mut target) = (owner(), alice());
    // A legacy stored list: mixed separators, a repeat in another case, a non-address.
    target.email = "alice@acme.example; Alice@Acme.example,n/a  bob@acme.example".into();
    let call = Call::new(&actor, &target);
    let notified = |query: &str| -> Vec<String> {
        let update = ready(call.run(query));
        let obligations = update.obligations();
        let found = obligations.iter().find_map(|o| match o {
            Obligation::NotifyPerson(addresses) => Some(addresses.clone()),
            _ => None,
        });
        found.unwrap().into_iter().map(str::to_owned).collect()
    };
    assert_eq!(
        notified("id=11;email=bob@acme.example, carol@x.org"),
        ["alice@acme.example", "bob@acme.example", "carol@x.org"]
    );
    assert_eq!(
        notified("id=11;password=swordfish99"),
        ["alice@acme.example", "bob@acme.example"]
    );
    assert_eq!(
        notified("id=11;email="),
        ["alice@acme.example", "bob@acme.example"]
    );
}

#[test]
fn verify_only_new_addresses_and_read_the_password_only_there() {
    let (actor, target) = (owner(), alice());
    let outcome = Call::new(&actor, &target)
        .run("id=11;email=ALICE@acme.example,new@x.org;password=swordfish99")
        .unwrap();
    let update = ready(Ok(outcome));
    let obligations = update.obligations();
    assert!(obligations.contains(&Obligation::VerifyEmail(vec!["new@x.org"])));
    let hash = obligations.iter().find_map(|o| match o {
        Obligation::HashPassword(hash) => Some(hash),
        _ => None,
    });
    assert_eq!(hash.map(HashPassword::password), Some("swordfish99"));
    // Shown nowhere else, Debug included.
    assert_eq!(format!("{:?}", hash.unwrap()), "HashPassword(********)");
    // Two fields change: the list and the password.
    assert_eq!(update.len(), 2);
}

#[test]
fn messages_never_hold_a_password() {
    let (actor, target) = (admin(), alice());
    for password in ["alice", "ALICE", "x\u{7}yzzyxyzzy", &"p".repeat(200)] {
        let query = format!("id=11;password={}", password.replace('\u{7}', "%07"));
        let report = Call::new(&actor, &target).run(&query).unwrap_err();
        let json = Envelope::refused(&report).to_json();
        assert!(!json.contains(password), "{json}");
        assert!(!format!("{report:?} {report}").contains(password));
    }
}

#[test]
fn every_code_is_snake_case_and_unique() {
    let mut seen = std::collections::BTreeSet::new();
    for code in ErrorCode::ALL {
        let s = code.as_str();
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{s}"
        );
        assert!(seen.insert(s), "{s} twice");
    }
}

#[test]
fn fixed_messages() {
    use enswitch_people::ErrorKind as K;
    for (kind, status, message) in [
        (
            K::AuthenticationFailed {},
            "401",
            "The authentication details provided are invalid.",
        ),
        (
            K::FunctionNotPermitted {},
            "402",
            "Your role does not allow this.",
        ),
        (
            K::NotSelfService {},
            "402",
            "Your role does not allow this.",
        ),
        (K::OwnRole {}, "402", "Your role does not allow this."),
        (
            K::RoleAboveActor {},
            "402",
            "Your role does not allow this.",
        ),
        (
            K::PlanForbids {},
            "403",
            "Your rate plan does not allow this.",
        ),
        (
            K::PersonNotFound {},
            "404",
            "The person does not exist, or you do not have permission to update them.",
        ),
    ] {
        assert_eq!(
            (
                kind.status().to_string().as_str(),
                kind.to_string().as_str()
            ),
            (status, message)
        );
    }
}

#[test]
fn the_checks_are_the_obligations_left_by_unknown_facts() {
    let (actor, target) = (owner(), alice());
    let mut call = Call::new(&actor, &target);
    call.username = Uniqueness::Unknown;
    let update = ready(call.run("id=11;username=alice2;password=swordfish99"));
    let checks: Vec<(&str, bool)> = update
        .obligations()
        .iter()
        .map(|o| (o.name(), o.is_check()))
        .collect();
    assert_eq!(
        checks,
        [
            ("check_username_unique", true),
            ("hash_password", false),
            ("notify_person", false),
            ("end_sessions", false)
        ]
    );
}
