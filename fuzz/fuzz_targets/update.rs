//! Structured updates: actor level, relation to the person, stored person, request,
//! request address and rate plan. Never a panic; when accepted, no change the oracle
//! forbids, nothing lost, resubmission idempotent, and no password in any output; no
//! key shows a secret; a mapped and an unmapped address get the same answer; a value
//! equal to the stored one is never an error under any policy.
#![no_main]

use arbitrary::Arbitrary;
use enswitch_people::Field;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

use oracle::{Name, Relation, Scenario};

#[derive(Arbitrary, Debug)]
enum Value {
    /// One of the field's samples.
    Sample(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Param {
    Field(u8, Value),
    Id(Value),
    Validation(u8),
    AuthPassword(String),
    Unknown(String),
    /// A secret behind an encoded `=` in a name.
    SecretName(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    actor_level: u8,
    relation: u8,
    target_role: u8,
    stored: Vec<(u8, Value)>,
    params: Vec<Param>,
    json: bool,
    request_ip: u8,
    plan_forbids: u32,
    plan_used: bool,
    policy: u8,
}

fn field(i: u8) -> Field {
    Field::ALL[usize::from(i) % Field::COUNT]
}

fn value(field: Field, value: &Value) -> String {
    match value {
        Value::Sample(i) => {
            let samples = oracle::samples(field);
            samples[usize::from(*i) % samples.len()].to_owned()
        }
        // A raw password is marked, so that the oracle sees any leak of it.
        Value::Raw(raw) if field == Field::Password => format!("{}{raw}", oracle::SECRET),
        Value::Raw(raw) => raw.clone(),
    }
}

fn scenario(input: &Input) -> Scenario {
    let relation = Relation::ALL[usize::from(input.relation) % Relation::ALL.len()];
    let own_id = if relation == Relation::Own {
        "100"
    } else {
        "200"
    };
    let mut params = vec![(Name::Id, own_id.to_owned())];
    for param in input.params.iter().take(8) {
        params.push(match param {
            Param::Field(i, v) => (Name::Field(field(*i)), value(field(*i), v)),
            Param::Id(Value::Sample(i)) => (
                Name::Id,
                ["100", "200", "0", "x"][usize::from(*i) % 4].to_owned(),
            ),
            Param::Id(Value::Raw(raw)) => (Name::Id, raw.clone()),
            Param::Validation(v) => (
                Name::Validation,
                ["0", "1", "2", ""][usize::from(*v) % 4].to_owned(),
            ),
            Param::AuthPassword(raw) => (Name::AuthPassword, format!("{}{raw}", oracle::SECRET)),
            Param::Unknown(name) => (Name::Unknown(name.clone()), "x".to_owned()),
            Param::SecretName(raw) => (
                Name::Unknown(format!("auth_password={}{raw}", oracle::SECRET)),
                String::new(),
            ),
        });
    }
    Scenario {
        actor_level: usize::from(input.actor_level) % 5,
        relation,
        target_role: oracle::ROLE_IDS[usize::from(input.target_role) % oracle::ROLE_IDS.len()],
        stored: input
            .stored
            .iter()
            .take(20)
            .map(|(i, v)| (field(*i), value(field(*i), v)))
            .collect(),
        params,
        json: input.json,
        request_ip: oracle::REQUEST_IPS[usize::from(input.request_ip) % oracle::REQUEST_IPS.len()]
            .map(|ip| ip.parse().expect("a literal address")),
        plan_forbids: if input.plan_used {
            input.plan_forbids
        } else {
            0
        },
        policy: usize::from(input.policy),
    }
}

fuzz_target!(|input: Input| {
    oracle::check(&scenario(&input));
});
