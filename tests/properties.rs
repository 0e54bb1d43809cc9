//! The fuzzer's invariants as property tests, so that every `cargo test` checks them.

mod oracle;

use enswitch_people::{Field, Request};
use oracle::{Name, Relation, Scenario};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[ -~]{0,12}", "\\PC{0,8}", any::<String>(),]
}

fn field() -> impl Strategy<Value = Field> {
    prop::sample::select(Field::ALL.to_vec())
}

/// Mostly the first sample, which is valid, so that many updates are accepted.
fn value(field: Field) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(oracle::samples(field)[0].to_owned()),
        4 => prop::sample::select(oracle::samples(field)).prop_map(str::to_owned),
        1 => text(),
    ]
}

fn param() -> impl Strategy<Value = (Name, String)> {
    prop_oneof![
        16 => field().prop_flat_map(|f| value(f).prop_map(move |v| (Name::Field(f), v))),
        1 => prop::sample::select(vec!["0", "1", "2", ""]).prop_map(|v| (Name::Validation, v.to_owned())),
        1 => text().prop_map(|v| (Name::AuthPassword, format!("{}{v}", oracle::SECRET))),
        1 => "[a-z_]{1,8}".prop_map(|n| (Name::Unknown(n), "x".to_owned())),
        // A client that encoded the `=`: the secret rides in the name.
        1 => text().prop_map(|v| (Name::Unknown(format!("auth_password={}{v}", oracle::SECRET)), String::new())),
        1 => prop::sample::select(vec!["200", "100", "x", ""]).prop_map(|v| (Name::Id, v.to_owned())),
    ]
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let relation = prop::sample::select(Relation::ALL.to_vec());
    let stored = prop::collection::vec(
        field().prop_flat_map(|f| value(f).prop_map(move |v| (f, v))),
        0..8,
    );
    (
        0..5usize,
        relation,
        prop::sample::select(oracle::ROLE_IDS.to_vec()),
        stored,
        prop::collection::vec(param(), 0..4),
        any::<bool>(),
        prop::sample::select(oracle::REQUEST_IPS.to_vec()),
        prop_oneof![3 => Just(0u32), 1 => any::<u32>()],
        0..oracle::policies().len(),
    )
        .prop_map(
            |(
                actor_level,
                relation,
                target_role,
                stored,
                mut params,
                json,
                ip,
                plan_forbids,
                policy,
            )| {
                let id = if relation == Relation::Own {
                    "100"
                } else {
                    "200"
                };
                params.insert(0, (Name::Id, id.to_owned()));
                Scenario {
                    actor_level,
                    relation,
                    target_role,
                    stored,
                    params,
                    json,
                    request_ip: ip.map(|ip| ip.parse().unwrap()),
                    plan_forbids,
                    policy,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8192))]

    #[test]
    fn updates_keep_every_invariant(s in scenario()) {
        oracle::check(&s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn parsed_requests_write_back_equal(pairs in prop::collection::vec((text(), text()), 0..8), amp in any::<bool>()) {
        let separator = if amp { "&" } else { ";" };
        let query: Vec<String> = pairs.iter().map(|(n, v)| format!("{}={}", oracle::encode(n), oracle::encode(v))).collect();
        if let Ok(request) = Request::from_query(&query.join(separator)) {
            oracle::check_request_round_trip(&request);
        }
        let json = serde_json::Value::Object(pairs.into_iter().map(|(n, v)| (n, v.into())).collect()).to_string();
        if let Ok(request) = Request::from_json(&json) {
            oracle::check_request_round_trip(&request);
        }
    }

    #[test]
    fn built_requests_write_back_equal(id in 1u64..=i64::MAX.unsigned_abs(), title in text(), email in text(), password in text(), role in any::<u64>()) {
        let request = Request::builder(id).auth("admin", &password).title(&title).email(&email).password(&password).role(role).clear_fax().build();
        assert!(!request.has_problems());
        oracle::check_request_round_trip(&request);
    }

    #[test]
    fn canonical_values_are_fixed_points(s in prop_oneof![text(), field().prop_flat_map(value)]) {
        oracle::check_fields(&s);
    }
}

/// Found by the `update` fuzz target: an "unknown" parameter name that happens to be a
/// field's name is that field, and the oracle must count it as sent.
#[test]
fn an_unknown_name_that_is_a_field_name_counts_as_sent() {
    let scenario = Scenario {
        actor_level: 4,
        relation: Relation::Own,
        target_role: 9,
        stored: vec![],
        params: vec![
            (Name::Id, "100".into()),
            (Name::Unknown("username".into()), "x".into()),
        ],
        json: false,
        request_ip: None,
        plan_forbids: 0,
        policy: 0,
    };
    oracle::check(&scenario);
}
