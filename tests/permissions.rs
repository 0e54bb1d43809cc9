//! The permission matrix: every field × every relation between actor and person,
//! changed and echoed.

mod common;

use common::{
    ADMIN_ROLE, Call, RequestAddress, SYSTEM_ROLE, USER_ROLE, admin, alice, assert_changes,
    assert_refused, carol, high_in_customer_3, other_admin, owner, reseller,
};
use enswitch_people::{Field, FieldSet, Person};

/// A valid new value for each field, different from what `common::person` stores.
fn new_value(field: Field, target: &Person) -> String {
    match field {
        Field::Company => "Globex".into(),
        Field::Country => "FR".into(),
        Field::DateFormat => "YYYY-MM-DD".into(),
        Field::Description => "Support".into(),
        Field::Email => "new@example.com".into(),
        Field::Extension => "300".into(),
        Field::Fax => "+442079460999".into(),
        Field::Forename => "Beth".into(),
        Field::Language => "fr".into(),
        Field::Mobile => "+447700900999".into(),
        Field::Password => "a long passphrase".into(),
        Field::PublicKey => include_str!("data/ed25519.pub.asc").trim().into(),
        // Between user and administrator: never above the actors below.
        Field::Role => if target.role == USER_ROLE {
            ADMIN_ROLE
        } else {
            USER_ROLE
        }
        .to_string(),
        Field::Source => "198.51.100.0/24".into(),
        Field::Surname => "Jones".into(),
        Field::Telephone => "+15550100".into(),
        Field::TimeFormat => "12".into(),
        Field::Timezone => "Asia/Tokyo".into(),
        Field::Title => "Dr".into(),
        Field::Username => "newname".into(),
    }
}

/// The value as stored, sent back unchanged.
fn echoed(field: Field, target: &Person) -> String {
    match field {
        Field::Role => target.role.to_string(),
        Field::Password => unreachable!("a password is never stored"),
        _ => target.text(field).unwrap().to_owned(),
    }
}

fn query(target: &Person, field: Field, value: &str) -> String {
    format!(
        "id={};{}={}",
        target.id,
        field.as_str(),
        common::encode(value)
    )
}

/// What each relation gets when it changes each field: `None` accepted, or the
/// `(status, code)` of the single refusal (key = the field, except `404`, key `id`).
#[track_caller]
fn row(
    actor: &Person,
    target: &Person,
    expect: impl Fn(Field) -> Option<(&'static str, &'static str)>,
) {
    let call = Call::new(actor, target);
    for field in Field::ALL {
        let outcome = call.run(&query(target, field, &new_value(field, target)));
        match expect(field) {
            None => {
                let after = common::assert_accepted(&outcome);
                if field != Field::Password {
                    let update = common::ready(outcome);
                    assert_eq!(update.changes().len(), 1, "{field}");
                    assert_eq!(update.changes()[0].field(), field);
                    assert_ne!(&after, target, "{field}");
                }
            }
            Some(("404", code)) => assert_refused(&outcome, &[("404", "id", code)]),
            Some((status, code)) => assert_refused(&outcome, &[(status, field.as_str(), code)]),
        }
        // Sending back the stored value is never a change, so never refused (in reach).
        if field != Field::Password {
            let outcome = call.run(&query(target, field, &echoed(field, target)));
            match expect(field) {
                Some(("404", code)) => assert_refused(&outcome, &[("404", "id", code)]),
                _ => assert!(outcome.unwrap().update().is_empty(), "echoed {field}"),
            }
        }
    }
}

const SELF_SERVICE: [Field; 15] = [
    Field::Company,
    Field::Country,
    Field::DateFormat,
    Field::Email,
    Field::Fax,
    Field::Forename,
    Field::Language,
    Field::Mobile,
    Field::Password,
    Field::PublicKey,
    Field::Surname,
    Field::Telephone,
    Field::TimeFormat,
    Field::Timezone,
    Field::Title,
];

#[test]
fn own_record_as_user() {
    let me = alice();
    row(&me, &me, |field| {
        if SELF_SERVICE.contains(&field) {
            None
        } else {
            Some(("402", "not_self_service"))
        }
    });
}

#[test]
fn own_record_as_administrator() {
    let me = admin();
    row(&me, &me, |field| {
        (field == Field::Role).then_some(("402", "own_role"))
    });
}

#[test]
fn own_record_as_system_owner_still_cannot_change_own_role() {
    let me = owner();
    row(&me, &me, |field| {
        (field == Field::Role).then_some(("402", "own_role"))
    });
}

#[test]
fn administrator_over_a_person_of_their_customer() {
    row(&admin(), &alice(), |_| None);
}

#[test]
fn reseller_over_a_child_customer() {
    row(&reseller(), &alice(), |_| None);
    row(&reseller(), &other_admin(), |_| None);
}

#[test]
fn system_owner_over_anyone() {
    row(&owner(), &carol(), |_| None);
    row(&owner(), &reseller(), |_| None);
}

#[test]
fn out_of_reach() {
    let not_found = |_| Some(("404", "person_not_found"));
    row(&admin(), &carol(), not_found); // another customer
    row(&other_admin(), &alice(), not_found);
    row(&alice(), &admin(), not_found); // a user reaches only themself
    row(
        &alice(),
        &common::person(13, 3, USER_ROLE, "alice2"),
        not_found,
    );
    row(&reseller(), &owner(), not_found); // above the reseller's customer
}

#[test]
fn higher_level_target() {
    let not_found = |_| Some(("404", "person_not_found"));
    row(&admin(), &high_in_customer_3(), not_found);
    row(
        &reseller(),
        &common::person(3, 2, SYSTEM_ROLE, "sys2"),
        not_found,
    );
}

#[test]
fn target_with_a_role_missing_from_the_catalogue_counts_as_highest() {
    let ghost = common::person(14, 3, 77, "ghost");
    row(&admin(), &ghost, |_| Some(("404", "person_not_found")));
    assert_changes(
        &Call::new(&owner(), &ghost).run("id=14;title=Dr"),
        &[("title", "Dr")],
    );
}

#[test]
fn an_actor_below_user_may_not_call_at_all() {
    let nobody = common::person(15, 3, common::NO_PRIVILEGE_ROLE, "nobody");
    assert_refused(
        &Call::new(&nobody, &nobody).run("id=15;title=Dr"),
        &[("402", "", "function_not_permitted")],
    );
}

#[test]
fn role_ceiling() {
    let (actor, target) = (admin(), alice());
    let call = Call::new(&actor, &target);
    assert_refused(
        &call.run("id=11;role=2"),
        &[("402", "role", "role_above_actor")],
    );
    assert_refused(
        &call.run("id=11;role=1"),
        &[("402", "role", "role_above_actor")],
    );
    assert_changes(&call.run("id=11;role=3"), &[("role", "3")]);
    let reseller = reseller();
    let call = Call::new(&reseller, &target);
    assert_changes(&call.run("id=11;role=2"), &[("role", "2")]);
    assert_refused(
        &call.run("id=11;role=1"),
        &[("402", "role", "role_above_actor")],
    );
}

#[test]
fn rate_plan_forbids() {
    let (actor, target) = (admin(), alice());
    let mut call = Call::new(&actor, &target);
    call.plan_forbids = FieldSet::from([Field::PublicKey, Field::Title]);
    let key = include_str!("data/ed25519.pub.asc")
        .replace('\n', "%0A")
        .replace('+', "%2B")
        .replace('=', "%3D")
        .replace('/', "%2F");
    assert_refused(
        &call.run(&format!("id=11;title=Dr;public_key={key};forename=Beth")),
        &[
            ("403", "public_key", "plan_forbids"),
            ("403", "title", "plan_forbids"),
        ],
    );
    // Echoing a forbidden field is not a change.
    assert_changes(&call.run("id=11;title=Ms"), &[]);
}

#[test]
fn refused_fields_are_not_format_checked_as_well() {
    let me = alice();
    let outcome =
        Call::new(&me, &me).run("id=11;username=%20bad%20name;source=nonsense;timezone=nowhere");
    assert_refused(
        &outcome,
        &[
            ("402", "source", "not_self_service"),
            ("402", "username", "not_self_service"),
            ("400", "timezone", "unknown_time_zone"),
        ],
    );
}

#[test]
fn lock_out() {
    let me = admin();
    let mut call = Call::new(&me, &me);
    call.address = RequestAddress::Known("192.0.2.7".parse().unwrap());
    assert_refused(
        &call.run("id=10;source=10.0.0.0/8"),
        &[("400", "source", "would_lock_out")],
    );
    assert_changes(
        &call.run("id=10;source=10.0.0.0/8,192.0.2.0/24"),
        &[("source", "10.0.0.0/8, 192.0.2.0/24")],
    );
    // An empty list admits any address: clearing a list that admits the address.
    let mut narrow = me.clone();
    narrow.source = "192.0.2.0/24".into();
    let mut call = Call::new(&narrow, &narrow);
    call.address = RequestAddress::Known("192.0.2.7".parse().unwrap());
    assert_changes(&call.run("id=10;source="), &[("source", "")]);
    // Another person's source is not the actor's lock-out.
    let target = alice();
    let mut call = Call::new(&me, &target);
    call.address = RequestAddress::Known("192.0.2.7".parse().unwrap());
    assert_changes(
        &call.run("id=11;source=10.0.0.0/8"),
        &[("source", "10.0.0.0/8")],
    );
}

#[test]
fn policy_self_service_set() {
    let me = alice();
    let mut call = Call::new(&me, &me);
    call.policy = serde_json::from_str(r#"{"self_service":["extension","title"]}"#).unwrap();
    assert_changes(
        &call.run("id=11;extension=300;title=Dr"),
        &[("extension", "300"), ("title", "Dr")],
    );
    assert_refused(
        &call.run("id=11;timezone=Asia/Tokyo"),
        &[("402", "timezone", "not_self_service")],
    );
}
