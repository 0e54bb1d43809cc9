//! The permission rules over their whole domain (SPEC §4): every actor level × relation
//! to the person × the person's role × field × the new role × self-service membership
//! (the default policy and a changed one) × plan flag × facts known or unknown × value
//! kind (unchanged, changed, cleared). `decide` and `form` are held to the oracle's own
//! table (`tests/oracle`, written from SPEC §4) on every point.

mod common;

use common::{RequestAddress, Uniqueness};
use enswitch_people::{
    Accepted, Actor, Context, CustomerChain, ErrorCode, Field, FieldSet, Obligation, Person,
    Policy, PolicySettings, Request, decide, form,
};

use common::oracle::{ROLE_IDS, Relation, SELF_SERVICE, Scenario};

/// The changed policy's self-service fields: one the default lacks, two it has.
const CHANGED_SELF_SERVICE: [&str; 3] = ["description", "password", "title"];

/// Every field's stored value and a valid new one (neither empty), for the text fields.
fn values(field: Field) -> (&'static str, &'static str) {
    match field {
        Field::Company | Field::Title | Field::Description => ("one", "two"),
        Field::Country => ("GB", "FR"),
        Field::DateFormat => ("DD/MM/YYYY", "YYYY-MM-DD"),
        Field::Email => ("a@x.org", "b@y.org"),
        Field::Extension => ("201", "202"),
        Field::Fax | Field::Mobile | Field::Telephone => ("+442079460000", "+442079460001"),
        Field::Forename | Field::Surname => ("Zoë", "Ann"),
        Field::Language => ("fr", "de"),
        Field::Password => ("", "correct horse battery staple"),
        // As stored: the block trimmed (a v4 key's stored form keeps its CRC line).
        Field::PublicKey => (
            include_str!("data/ed25519.pub.asc").trim(),
            include_str!("data/rsa4096.pub.asc"),
        ),
        // The request comes from 10.1.2.3 when the address is known: the stored list
        // admits it (the actor's own check), the new one does not (rule 7).
        Field::Source => ("10.0.0.0/8", "192.0.2.0/24"),
        Field::TimeFormat => ("24", "12"),
        Field::Timezone => ("Europe/London", "Asia/Tokyo"),
        Field::Username => ("dora", "erin"),
        Field::Role => unreachable!("the role is sent as each id"),
    }
}

/// SPEC §3's fields that may be cleared.
fn clearable(field: Field) -> bool {
    !matches!(
        field,
        Field::Username
            | Field::Password
            | Field::Country
            | Field::DateFormat
            | Field::TimeFormat
            | Field::Role
    )
}

/// The value kinds of a field: `(kind, value, new role)`.
fn kinds(field: Field, stored_role: u64) -> Vec<(&'static str, String, Option<u64>)> {
    if field == Field::Role {
        let mut kinds: Vec<_> = ROLE_IDS
            .iter()
            .map(|&id| {
                let kind = if id == stored_role {
                    "unchanged"
                } else {
                    "changed"
                };
                (kind, id.to_string(), Some(id))
            })
            .collect();
        kinds.push(("cleared", String::new(), None));
        return kinds;
    }
    let (stored, new) = values(field);
    let mut kinds = vec![
        ("changed", new.to_owned(), None),
        ("cleared", String::new(), None),
    ];
    // A password is never stored: sending one is always a change.
    if field != Field::Password {
        kinds.push(("unchanged", stored.to_owned(), None));
    }
    kinds
}

/// What one point must give: a lone refusal `(status, key, code)`, or acceptance with
/// the field changed or not, and the obligations left to the server.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Refused(u16, String, &'static str),
    Accepted {
        changed: bool,
        left: Vec<&'static str>,
    },
}

struct Point<'a> {
    scenario: &'a Scenario,
    self_service: &'a [&'a str],
    known: bool,
    field: Field,
    kind: &'static str,
    value: &'a str,
    new_role: Option<u64>,
}

/// The oracle's answer for one point: SPEC §4's rules from its own table, then §3's.
fn expected(p: &Point<'_>) -> Expected {
    let s = p.scenario;
    let field = p.field.as_str().to_owned();
    if s.actor_level() < enswitch_people::Privilege::User {
        return Expected::Refused(402, String::new(), "function_not_permitted");
    }
    if !s.in_reach() {
        return Expected::Refused(404, "id".into(), "person_not_found");
    }
    if p.kind == "unchanged" {
        return Expected::Accepted {
            changed: false,
            left: Vec::new(),
        };
    }
    if let Some((status, code)) = s.refusal(p.field, p.new_role, p.self_service) {
        return Expected::Refused(status.parse().unwrap(), field, code);
    }
    let own = s.relation == Relation::Own;
    if p.kind == "cleared" && !clearable(p.field) {
        let code = if p.field == Field::Password {
            "too_short"
        } else {
            "empty_value"
        };
        return Expected::Refused(400, field, code);
    }
    if p.field == Field::Role && p.new_role.is_some_and(|r| !ROLE_IDS[..5].contains(&r)) {
        return Expected::Refused(400, field, "unknown_role");
    }
    let new_source = p.field == Field::Source && p.kind == "changed";
    if own && new_source && p.known {
        return Expected::Refused(400, field, "would_lock_out");
    }
    let mut left = Vec::new();
    if p.field == Field::Username && !p.known {
        left.push("check_username_unique");
    }
    if own && new_source && !p.known {
        left.push("check_lock_out");
    }
    Expected::Accepted {
        changed: true,
        left,
    }
}

/// The stored person: every text field at its stored value.
fn stored(s: &Scenario) -> Person {
    let mut person = s.person();
    for field in Field::ALL {
        if let Some(slot) = person.text_mut(field) {
            values(field).0.clone_into(slot);
        }
    }
    person
}

/// What `decide` gives for one point, in the shape of [`Expected`].
fn decided(p: &Point<'_>, person: &Person, context: &Context<'_>, policy: &Policy) -> Expected {
    let s = p.scenario;
    let address = if p.known {
        RequestAddress::Known("10.1.2.3".parse().unwrap())
    } else {
        RequestAddress::Unknown
    };
    // The actor's own source list is the stored person's when it is themself.
    let source = if s.relation == Relation::Own {
        person.source.as_str()
    } else {
        ""
    };
    let request = Request::builder(person.id).field(p.field, p.value).build();
    let outcome = Actor::new(100, 10, s.actor_level())
        .caller(source, address)
        .and_then(|caller| decide(person, &caller, &request, context, policy));
    match outcome {
        Ok(Accepted::Ready(update)) => Expected::Accepted {
            changed: !update.is_empty(),
            left: update
                .obligations()
                .iter()
                .filter(|o| o.is_check())
                .map(Obligation::name)
                .collect(),
        },
        Ok(Accepted::Validated(_)) => panic!("no validation=1 was sent"),
        Err(report) => {
            let [error] = report.errors() else {
                panic!("more than one error: {report:?}");
            };
            Expected::Refused(
                error.status().as_u16(),
                error.key().to_owned(),
                error.code().as_str(),
            )
        }
    }
}

/// The form agrees with the oracle: a field is editable exactly when a change to it
/// passes rules 3–6, with the refusal's code when not, and the roles offered are those
/// the rules let the actor give.
fn check_form(
    s: &Scenario,
    person: &Person,
    context: &Context<'_>,
    policy: &Policy,
    self_service: &[&str],
) {
    let caller = Actor::new(100, 10, s.actor_level()).caller("", RequestAddress::Unknown);
    let described = caller.and_then(|caller| form(person, &caller, context, policy));
    let Ok(described) = described else {
        assert!(
            s.actor_level() < enswitch_people::Privilege::User || !s.in_reach(),
            "refused a form in reach: {s:?}"
        );
        return;
    };
    assert!(s.in_reach(), "described out of reach: {s:?}");
    for entry in &described.fields {
        let refusal = s.refusal(entry.field, None, self_service);
        assert_eq!(entry.editable, refusal.is_none(), "{} {s:?}", entry.field);
        let got = entry
            .refusal
            .as_ref()
            .map(|r| (r.status.to_string(), r.code));
        let want =
            refusal.map(|(status, code)| (status.to_owned(), code.parse::<ErrorCode>().unwrap()));
        assert_eq!(got, want, "{} {s:?}", entry.field);
        if entry.field == Field::Role && entry.editable {
            let offered: Vec<u64> = entry
                .choices
                .iter()
                .flatten()
                .map(|c| c.value.parse().unwrap())
                .collect();
            let allowed: Vec<u64> = ROLE_IDS[..5]
                .iter()
                .copied()
                .filter(|&r| {
                    r == person.role || s.refusal(Field::Role, Some(r), self_service).is_none()
                })
                .collect();
            assert_eq!(offered, allowed, "{s:?}");
        }
    }
}

#[test]
fn decide_and_form_agree_with_the_oracle_on_the_whole_domain() {
    let changed = Policy::try_from(PolicySettings {
        self_service: CHANGED_SELF_SERVICE
            .iter()
            .map(|f| f.parse().unwrap())
            .collect(),
        ..PolicySettings::default()
    })
    .unwrap();
    let policies: [(&Policy, &[&str]); 2] = [
        (&Policy::default(), &SELF_SERVICE),
        (&changed, &CHANGED_SELF_SERVICE),
    ];
    let roles: enswitch_people::Roles = ROLE_IDS[..5]
        .iter()
        .zip([
            enswitch_people::Privilege::None,
            enswitch_people::Privilege::User,
            enswitch_people::Privilege::Administrator,
            enswitch_people::Privilege::Wholesale,
            enswitch_people::Privilege::System,
        ])
        .map(|(&id, level)| (id, level))
        .collect();
    let mut points = 0_usize;
    for actor_level in 0..5 {
        for relation in Relation::ALL {
            let target_roles: &[u64] = if relation == Relation::Own {
                &ROLE_IDS[actor_level..=actor_level]
            } else {
                &ROLE_IDS
            };
            for &target_role in target_roles {
                for (policy, self_service) in policies {
                    for field in Field::ALL {
                        for plan in [false, true] {
                            let field_bit = Field::ALL.iter().position(|f| *f == field).unwrap();
                            let scenario = Scenario {
                                actor_level,
                                relation,
                                target_role,
                                stored: Vec::new(),
                                params: Vec::new(),
                                json: false,
                                request_ip: None,
                                plan_forbids: if plan { 1 << field_bit } else { 0 },
                                policy: 0,
                            };
                            let person = stored(&scenario);
                            let chain = scenario.chain();
                            let forbids = if plan {
                                FieldSet::from([field])
                            } else {
                                FieldSet::EMPTY
                            };
                            for known in [true, false] {
                                let uniqueness = if known {
                                    Uniqueness::Free
                                } else {
                                    Uniqueness::Unknown
                                };
                                let context = Context::new(
                                    &roles,
                                    CustomerChain::new(&person, &chain),
                                    uniqueness,
                                    forbids,
                                );
                                check_form(&scenario, &person, &context, policy, self_service);
                                for (kind, value, new_role) in kinds(field, person.role) {
                                    let point = Point {
                                        scenario: &scenario,
                                        self_service,
                                        known,
                                        field,
                                        kind,
                                        value: &value,
                                        new_role,
                                    };
                                    assert_eq!(
                                        decided(&point, &person, &context, policy),
                                        expected(&point),
                                        "{field}={value:?} ({kind}), known: {known}, {scenario:?}",
                                    );
                                    points += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    // 5 levels × (1 own + 4 relations × 6 roles) × 2 policies × 2 plans × 2 facts ×
    // (18 fields × their kinds + the role's 7): every point, once.
    let kinds_per_field: usize = Field::ALL.iter().map(|&f| kinds(f, 0).len()).sum();
    let people = 5 * (1 + 4 * ROLE_IDS.len());
    assert_eq!(points, people * 2 * 2 * 2 * kinds_per_field);
}
