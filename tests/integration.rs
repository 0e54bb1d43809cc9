//! What a server and a form need from the crate (the integration issue): reach, the
//! form description, the actor's own source list, compare-and-set writes, a taken
//! username, owned values, the fixed answers, machine codes on the wire, and setting a
//! person's field by name.

mod common;

use common::{
    ADMIN_ROLE, Call, USER_ROLE, actor, admin, alice, assert_refused, carol, chain, owner, roles,
};
use enswitch_people::{
    Accepted, Context, CustomerChain, English, Envelope, Error, ErrorCode, ErrorKind, Field,
    FieldSet, German, Person, Policy, PolicySettings, Privilege, Request, RequestAddress, Roles,
    SourceList, Uniqueness, Write, form,
};

fn context<'a>(roles: &'a Roles, person: &Person, chain: &'a [u64]) -> Context<'a> {
    Context::new(
        roles,
        CustomerChain::new(person, chain),
        Uniqueness::Free,
        FieldSet::EMPTY,
    )
}

#[test]
fn reach_is_public_for_people_get() {
    let roles = roles();
    let target = alice();
    let ids = chain(target.customer);
    let ctx = context(&roles, &target, &ids);
    for (me, reaches) in [
        (admin(), true),
        (owner(), true),
        (alice(), true),
        (carol(), false),
    ] {
        let caller = actor(&me).caller("", RequestAddress::Unknown).unwrap();
        assert_eq!(
            caller.reaches(&target, &ctx).is_ok(),
            reaches,
            "{}",
            me.username
        );
    }
    let caller = actor(&carol()).caller("", RequestAddress::Unknown).unwrap();
    assert_eq!(
        Envelope::refused(&caller.reaches(&target, &ctx).unwrap_err()).to_json(),
        Envelope::not_found().to_json()
    );
}

/// The form a plain user (alice) gets for their own record, as JSON.
fn own_form() -> serde_json::Value {
    let roles = roles();
    let me = alice();
    let ids = chain(me.customer);
    let caller = actor(&me).caller("", RequestAddress::Unknown).unwrap();
    let description = form(
        &me,
        &caller,
        &context(&roles, &me, &ids),
        &Policy::default(),
    )
    .unwrap();
    serde_json::to_value(&description).unwrap()
}

/// One field's entry in a form's JSON.
#[track_caller]
fn form_field(json: &serde_json::Value, name: &str) -> serde_json::Value {
    json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == name)
        .unwrap()
        .clone()
}

#[test]
fn the_form_gives_each_field_its_limits() {
    let json = own_form();
    let rows = [
        ("email", r#"{"max_length":254,"max_entries":10}"#),
        ("source", r#"{"max_entries":32}"#),
        ("extension", r#"{"min_length":1,"max_length":16}"#),
        ("telephone", r#"{"min_length":2,"max_length":20}"#),
    ];
    for (name, limits) in rows {
        let limits: serde_json::Value = serde_json::from_str(limits).unwrap();
        assert_eq!(form_field(&json, name)["limits"], limits, "{name}");
    }
}

#[test]
fn the_form_for_a_plain_user_on_their_own_record() {
    let json = own_form();
    let field = |name: &str| form_field(&json, name);
    // Every zone of the crate's table is suggested, in its own spelling.
    let mut timezone = field("timezone");
    let suggested = timezone
        .as_object_mut()
        .unwrap()
        .remove("suggestions")
        .unwrap();
    let suggested: Vec<&str> = suggested
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z.as_str().unwrap())
        .collect();
    assert_eq!(suggested.len(), chrono_tz::TZ_VARIANTS.len());
    assert!(suggested.contains(&"Europe/London") && suggested.contains(&"America/New_York"));
    assert_eq!(
        timezone,
        serde_json::json!({"field":"timezone","group":"regional","group_label":"Regional settings","label":"Time zone","help":"A time zone such as Europe/London.","input":"text","editable":true,"value":"Europe/London","clearable":true,"limits":{},"can_change":true})
    );
    assert_eq!(
        field("username"),
        serde_json::json!({"field":"username","group":"sign_in","group_label":"Sign-in and security","label":"Username","help":"What this person signs in with.","input":"text","editable":false,"refusal":{"status":"402","code":"not_self_service"},"reason":"Your role does not allow this.","value":"alice","clearable":false,"limits":{"min_length":1,"max_length":128},"can_change":false})
    );
    assert_eq!(
        field("role"),
        serde_json::json!({"field":"role","group":"administration","group_label":"Administration","label":"Role","help":"","input":"choice","editable":false,"refusal":{"status":"402","code":"not_self_service"},"reason":"Your role does not allow this.","value":"4","value_label":"user","clearable":false,"limits":{},"choices":[],"can_change":false})
    );
    assert_eq!(
        field("password"),
        serde_json::json!({"field":"password","group":"sign_in","group_label":"Sign-in and security","label":"New password","help":"Leave empty to keep the current one.","input":"secret","editable":true,"clearable":false,"limits":{"min_length":8,"max_length":128},"can_change":true})
    );
    assert_eq!(
        field("time_format"),
        serde_json::json!({"field":"time_format","group":"regional","group_label":"Regional settings","label":"Time format","help":"12 or 24 hours.","input":"choice","editable":true,"value":"24","clearable":false,"limits":{},"choices":[{"value":"12","label":"12"},{"value":"24","label":"24"}],"can_change":true})
    );
    assert_eq!(json["person"], 11);
    // Group by group, in the order a form shows them.
    let order: Vec<&str> = json["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "title",
            "forename",
            "surname",
            "company",
            "email",
            "telephone",
            "mobile",
            "fax",
            "extension",
            "country",
            "language",
            "timezone",
            "date_format",
            "time_format",
            "username",
            "password",
            "source",
            "public_key",
            "role",
            "description"
        ]
    );
}

#[test]
fn the_form_speaks_the_catalogues_language_and_names_the_roles() {
    let mut roles = roles();
    roles.set_name(3, "Administrator");
    let target = alice();
    let ids = chain(target.customer);
    let caller = actor(&admin()).caller("", RequestAddress::Unknown).unwrap();
    let theirs = context(&roles, &target, &ids);
    let described =
        enswitch_people::form_in(&target, &caller, &theirs, &Policy::default(), &German).unwrap();
    let timezone = described.field(Field::Timezone).unwrap();
    assert_eq!(
        (timezone.group_label, timezone.label, timezone.help),
        (
            "Regionale Einstellungen",
            "Zeitzone",
            "Eine Zeitzone wie Europe/Berlin."
        )
    );
    let role = described.field(Field::Role).unwrap();
    let labels: Vec<(&str, &str)> = role
        .choices
        .iter()
        .flatten()
        .map(|c| (c.value.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        labels,
        [("3", "Administrator"), ("4", "user"), ("5", "none")]
    );
    let me = admin();
    let mine = chain(me.customer);
    let own_context = context(&roles, &me, &mine);
    let own = enswitch_people::form_in(&me, &caller, &own_context, &Policy::default(), &German);
    let own_role = own.unwrap().field(Field::Role).unwrap().clone();
    assert_eq!(
        own_role.reason.as_deref(),
        Some("Ihre Rolle erlaubt dies nicht.")
    );
}

#[test]
fn the_form_offers_the_closed_sets_and_only_those() {
    let roles = roles();
    let target = alice();
    let ids = chain(target.customer);
    let caller = actor(&admin()).caller("", RequestAddress::Unknown).unwrap();
    let policy: Policy = serde_json::from_str(r#"{"languages":["en-GB","fr"]}"#).unwrap();
    let description = form(&target, &caller, &context(&roles, &target, &ids), &policy).unwrap();
    let choices = |field: Field| -> Option<Vec<String>> {
        let entry = description.field(field).unwrap();
        let values = entry.choices.as_ref()?.iter().map(|c| c.value.clone());
        Some(values.collect())
    };
    let owned = |values: &[&str]| Some(values.iter().map(|v| (*v).to_owned()).collect());
    assert_eq!(
        choices(Field::DateFormat),
        owned(&["DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD"])
    );
    assert_eq!(choices(Field::TimeFormat), owned(&["12", "24"]));
    assert_eq!(choices(Field::Language), owned(&["en-GB", "fr"]));
    for field in Field::ALL {
        let closed = matches!(
            field,
            Field::DateFormat | Field::TimeFormat | Field::Language | Field::Role
        );
        assert_eq!(choices(field).is_some(), closed, "{field}");
    }
}

#[test]
fn the_form_for_an_administrator_offers_the_roles_they_may_give() {
    let roles = roles();
    let target = alice();
    let ids = chain(target.customer);
    let caller = actor(&admin()).caller("", RequestAddress::Unknown).unwrap();
    let forbids = [Field::PublicKey].into();
    let ctx = Context::new(
        &roles,
        CustomerChain::new(&target, &ids),
        Uniqueness::Free,
        forbids,
    );
    let description = form(&target, &caller, &ctx, &Policy::default()).unwrap();
    let role = description.field(Field::Role).unwrap();
    let offered: Vec<(&str, &str)> = role
        .choices
        .as_ref()
        .unwrap()
        .iter()
        .map(|c| (c.value.as_str(), c.label.as_str()))
        .collect();
    assert_eq!(
        offered,
        [("3", "administrator"), ("4", "user"), ("5", "none")]
    );
    let key = description.field(Field::PublicKey).unwrap();
    assert!(!key.editable);
    assert_eq!(
        key.refusal.map(|r| (r.status.to_string(), r.code)),
        Some(("403".to_owned(), ErrorCode::PlanForbids))
    );
    // Out of reach: the same lone 404 as decide.
    let outsider = actor(&common::other_admin())
        .caller("", RequestAddress::Unknown)
        .unwrap();
    let report = form(&target, &outsider, &ctx, &Policy::default()).unwrap_err();
    assert_eq!(
        Envelope::refused(&report).to_json(),
        Envelope::not_found().to_json()
    );
}

#[test]
fn a_field_with_no_valid_change_says_so() {
    // A catalogue holding only the stored role: editable, but nothing to choose.
    let roles: Roles = [(ADMIN_ROLE, Privilege::Administrator)]
        .into_iter()
        .collect();
    let target = Person {
        role: ADMIN_ROLE,
        ..alice()
    };
    let ids = chain(target.customer);
    let caller = actor(&admin()).caller("", RequestAddress::Unknown).unwrap();
    let description = form(
        &target,
        &caller,
        &context(&roles, &target, &ids),
        &Policy::default(),
    )
    .unwrap();
    let role = description.field(Field::Role).unwrap();
    assert!(role.editable && !role.can_change);
    // An allow-list of the stored language alone leaves only clearing it.
    let policy: Policy = PolicySettings {
        languages: Some(vec!["en-GB".into()]),
        ..PolicySettings::default()
    }
    .try_into()
    .unwrap();
    let roles = common::roles();
    let description = form(&target, &caller, &context(&roles, &target, &ids), &policy).unwrap();
    let language = description.field(Field::Language).unwrap();
    assert_eq!(language.choices.as_ref().unwrap()[0].value, "en-GB");
    assert!(language.can_change, "clearing is a change");
    let cleared = Person {
        language: String::new(),
        ..target.clone()
    };
    let description = form(&cleared, &caller, &context(&roles, &cleared, &ids), &policy).unwrap();
    assert!(description.field(Field::Language).unwrap().can_change);
}

#[test]
fn the_actors_own_source_list_is_read_leniently_and_fails_closed() {
    let me = Person {
        source: "192.0.2.5/24, garbage".into(),
        ..admin()
    };
    for (from, admitted) in [
        ("192.0.2.200", true),
        ("::ffff:192.0.2.200", true),
        ("198.51.100.1", false),
    ] {
        assert_eq!(
            SourceList::stored_admits(&me.source, from.parse().unwrap()),
            admitted,
            "{from}"
        );
    }
}

fn writes<'u>(accepted: &'u Accepted<'_>) -> Vec<Write<'u>> {
    match accepted {
        Accepted::Ready(update) => update.writes().collect(),
        Accepted::Validated(_) => panic!("a validation=1 answer has nothing to write"),
    }
}

/// A table of people, written column by column with compare-and-set, as a server's
/// `UPDATE … WHERE id = ? AND col = ?` would.
fn compare_and_set(row: &mut Person, writes: &[Write<'_>]) -> bool {
    let holds = |w: &Write<'_>| match *w {
        Write::Text {
            field, expected, ..
        } => row.text(field) == Some(expected),
        Write::Role { expected, .. } => row.role == expected,
    };
    if !writes.iter().all(holds) {
        return false;
    }
    for write in writes {
        match *write {
            Write::Text { field, value, .. } => value.clone_into(row.text_mut(field).unwrap()),
            Write::Role { value, .. } => row.role = value,
        }
    }
    true
}

#[test]
fn concurrent_updates_to_different_fields_both_land() {
    let (me, stored) = (admin(), alice());
    let mut row = stored.clone();
    let call = Call::new(&me, &stored);
    // Both decided against the same read.
    let first = call.run("id=11;title=Dr").unwrap();
    let second = call.run("id=11;timezone=asia/tokyo;role=3").unwrap();
    assert!(compare_and_set(&mut row, &writes(&first)));
    assert!(compare_and_set(&mut row, &writes(&second)));
    assert_eq!(
        (row.title.as_str(), row.timezone.as_str(), row.role),
        ("Dr", "Asia/Tokyo", 3)
    );
    // Two writers of one field: the second's precondition fails; read and decide again.
    let third = call.run("id=11;title=Prof").unwrap();
    assert!(!compare_and_set(&mut row, &writes(&third)));
    let reread = row.clone();
    let again = Call::new(&me, &reread).run("id=11;title=Prof").unwrap();
    assert!(compare_and_set(&mut row, &writes(&again)));
    assert_eq!(row.title, "Prof");
    let title = Write::Text {
        field: Field::Title,
        expected: "Dr",
        value: "Prof",
    };
    assert_eq!(writes(&again), [title]);
}

#[test]
fn the_password_is_not_among_the_writes() {
    let (me, stored) = (admin(), alice());
    let update =
        common::ready(Call::new(&me, &stored).run("id=11;password=correct%20horse;role=3"));
    let fields: Vec<Field> = update.writes().map(|w| w.field()).collect();
    assert_eq!(fields, [Field::Role]);
}

#[test]
fn a_taken_username_is_collected_with_the_other_errors() {
    let (me, target) = (admin(), alice());
    let call = Call {
        username: Uniqueness::Taken,
        ..Call::new(&me, &target)
    };
    for query in [
        "id=11;username=bob;timezone=x",
        "id=11;username=bob;timezone=x;validation=1",
    ] {
        assert_refused(
            &call.run(query),
            &[
                ("400", "timezone", "unknown_time_zone"),
                ("400", "username", "username_taken"),
            ],
        );
    }
    // Sending the stored username back is no change, taken or not.
    common::assert_changes(&call.run("id=11;username=alice"), &[]);
}

#[test]
fn owned_values_outlive_their_input() {
    let request = {
        let input = String::from("id=11;title=%20Dr%20;timezone=europe/paris");
        Request::from_query(&input).unwrap().into_owned()
    };
    assert_eq!(request.value(Field::Title), Some(" Dr "));
    assert_eq!(request.value(Field::Timezone), Some("europe/paris"));
    let accepted = {
        let (me, stored) = (admin(), alice());
        Call::new(&me, &stored)
            .run_request(&request)
            .unwrap()
            .into_owned()
    };
    let Accepted::Ready(update) = accepted else {
        panic!("validation was not asked for")
    };
    assert_eq!(update.apply().timezone, "Europe/Paris");
    assert_eq!(update.person().username, "alice");
}

#[test]
fn the_fixed_answers() {
    assert_eq!(
        Envelope::unauthenticated().to_json(),
        r#"{"responses":[{"code":"401","key":"","message":"The authentication details provided are invalid."}]}"#
    );
    assert_eq!(
        Envelope::not_found().to_json(),
        r#"{"responses":[{"code":"404","key":"id","message":"The person does not exist, or you do not have permission to update them."}]}"#
    );
}

#[test]
fn machine_codes_on_the_wire_when_the_server_opts_in() {
    let (me, target) = (admin(), alice());
    let report = Call::new(&me, &target)
        .run("id=11;source=192.0.2.1/24;role=1;extension=x")
        .unwrap_err();
    let detailed = Envelope::refused_detailed(&report, &English);
    assert_eq!(
        detailed.to_json(),
        concat!(
            r#"{"responses":[{"code":"402","key":"role","message":"Your role does not allow this.","error":{"code":"role_above_actor","params":{}}},"#,
            r#"{"code":"400","key":"extension","message":"An extension is 1 to 16 digits.","error":{"code":"invalid_extension","params":{"max_digits":16}}},"#,
            r#"{"code":"400","key":"source","message":"192.0.2.1/24 has host bits set; did you mean 192.0.2.0/24?","error":{"code":"host_bits_set","params":{"given":"192.0.2.1/24","network":"192.0.2.0/24"}}}]}"#
        )
    );
    // Read back: the same typed errors.
    let read = Envelope::from_json(&detailed.to_json()).unwrap();
    let errors: Vec<Error> = read
        .responses()
        .iter()
        .filter_map(enswitch_people::Response::error)
        .collect();
    assert_eq!(errors, report.errors());
    // The default envelope has no such member, and reads back without one.
    let plain = Envelope::from_json(&Envelope::refused(&report).to_json()).unwrap();
    assert!(plain.responses().iter().all(|r| r.error().is_none()));
    assert_eq!(
        ErrorKind::from_parts(ErrorCode::TooLong, &serde_json::Map::new()),
        None,
        "a missing parameter is no error"
    );
}

#[test]
fn a_person_is_filled_from_a_row_by_field_name() {
    let row = [
        ("username", "dora"),
        ("timezone", "Europe/Rome"),
        ("colour", "red"),
    ];
    let mut person = Person {
        id: 5,
        customer: 3,
        role: USER_ROLE,
        ..Person::default()
    };
    for (column, value) in row {
        if let Some(slot) = column
            .parse::<Field>()
            .ok()
            .and_then(|f| person.text_mut(f))
        {
            value.clone_into(slot);
        }
    }
    assert_eq!(
        (person.username.as_str(), person.timezone.as_str()),
        ("dora", "Europe/Rome")
    );
    assert_eq!(person.text_mut(Field::Role), None);
    assert_eq!(person.text_mut(Field::Password), None);
}
