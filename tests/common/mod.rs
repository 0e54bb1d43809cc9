//! Fixtures shared by the integration tests: a small customer tree, its roles and
//! people, and helpers that run one request and compare the outcome exactly.
#![allow(dead_code)] // each test binary uses a different part

#[path = "../oracle/mod.rs"]
pub mod oracle;
#[allow(unused_imports)] // only some test binaries write query strings by hand
pub use oracle::encode;

use enswitch_people::{
    Accepted, Actor, Context, CustomerChain, Envelope, Person, Policy, Privilege, Report, Request,
    Roles, Update, Valid, decide,
};
pub use enswitch_people::{RequestAddress, Uniqueness};

pub const SYSTEM_ROLE: u64 = 1;
pub const RESELLER_ROLE: u64 = 2;
pub const ADMIN_ROLE: u64 = 3;
pub const USER_ROLE: u64 = 4;
pub const NO_PRIVILEGE_ROLE: u64 = 5;

/// Customers: 1 (system) → 2 (reseller) → 3 and 4 (end customers).
pub fn chain(customer: u64) -> Vec<u64> {
    match customer {
        1 => vec![1],
        2 => vec![2, 1],
        3 => vec![3, 2, 1],
        4 => vec![4, 2, 1],
        other => vec![other],
    }
}

pub fn roles() -> Roles {
    [
        (SYSTEM_ROLE, Privilege::System),
        (RESELLER_ROLE, Privilege::Wholesale),
        (ADMIN_ROLE, Privilege::Administrator),
        (USER_ROLE, Privilege::User),
        (NO_PRIVILEGE_ROLE, Privilege::None),
    ]
    .into_iter()
    .collect()
}

mod fixtures;
pub use fixtures::person;

pub fn owner() -> Person {
    person(1, 1, SYSTEM_ROLE, "owner")
}
pub fn reseller() -> Person {
    person(2, 2, RESELLER_ROLE, "reseller")
}
pub fn admin() -> Person {
    person(10, 3, ADMIN_ROLE, "admin")
}
pub fn alice() -> Person {
    person(11, 3, USER_ROLE, "alice")
}
pub fn other_admin() -> Person {
    person(20, 4, ADMIN_ROLE, "bob.admin")
}
pub fn carol() -> Person {
    person(21, 4, USER_ROLE, "carol")
}
/// A reseller-level person inside customer 3: above an administrator there.
pub fn high_in_customer_3() -> Person {
    person(12, 3, RESELLER_ROLE, "high")
}

pub fn actor(person: &Person) -> Actor {
    let level = roles().level(person.role).unwrap_or(Privilege::None);
    Actor::new(person.id, person.customer, level)
}

/// One call, with the facts a test does not set stated as a client would: the address
/// unknown, the username free, no field forbidden by the plan.
pub struct Call<'a> {
    pub actor: &'a Person,
    pub target: &'a Person,
    pub policy: Policy,
    pub address: RequestAddress,
    pub username: Uniqueness,
    pub plan_forbids: enswitch_people::FieldSet,
}

impl<'a> Call<'a> {
    pub fn new(actor: &'a Person, target: &'a Person) -> Call<'a> {
        Call {
            actor,
            target,
            policy: Policy::default(),
            address: RequestAddress::Unknown,
            username: Uniqueness::Free,
            plan_forbids: enswitch_people::FieldSet::EMPTY,
        }
    }

    /// The same call from `ip`.
    pub fn from(mut self, ip: &str) -> Call<'a> {
        self.address = RequestAddress::Known(ip.parse().unwrap());
        self
    }

    pub fn run(&self, query: &str) -> Result<Accepted<'a>, Report> {
        let request = Request::parse(query).expect("request refused as a whole");
        self.run_request(&request)
    }

    pub fn run_request(&self, request: &Request<'_>) -> Result<Accepted<'a>, Report> {
        let roles = roles();
        let chain = chain(self.target.customer);
        let chain = CustomerChain::new(self.target, &chain);
        let context = Context::new(&roles, chain, self.username, self.plan_forbids);
        let caller = actor(self.actor).caller(&self.actor.source, self.address)?;
        decide(self.target, &caller, request, &context, &self.policy)
    }
}

/// The `(status, key, code)` triples of a refusal.
pub fn triples(report: &Report) -> Vec<(String, String, &'static str)> {
    report
        .errors()
        .iter()
        .map(|e| {
            (
                e.status().to_string(),
                e.key().to_owned(),
                e.code().as_str(),
            )
        })
        .collect()
}

/// Asserts a refusal with exactly these `(status, key, code)` entries, in order.
#[track_caller]
pub fn assert_refused(outcome: &Result<Accepted<'_>, Report>, expected: &[(&str, &str, &str)]) {
    match outcome {
        Ok(accepted) => panic!(
            "accepted, expected {expected:?}: {:?}",
            accepted.update().diff()
        ),
        Err(report) => {
            let got = triples(report);
            let got: Vec<(&str, &str, &str)> = got
                .iter()
                .map(|(s, k, c)| (s.as_str(), k.as_str(), *c))
                .collect();
            assert_eq!(got, expected);
        }
    }
}

/// Asserts acceptance; returns the person after the update.
#[track_caller]
pub fn assert_accepted(outcome: &Result<Accepted<'_>, Report>) -> Person {
    match outcome {
        Ok(Accepted::Ready(update)) => update.apply(),
        Ok(Accepted::Validated(update)) => update.person().clone(),
        Err(report) => panic!("refused: {}", Envelope::refused(report).to_json()),
    }
}

/// A key exported by GnuPG or `pgp` as the crate stores it. They write no armor headers
/// and lines of 64 characters, so the stored form is the export itself for a v4 key, and
/// the export without its CRC line for a v6 key.
pub fn stored_key(block: &str, version: u8) -> String {
    let lines: Vec<&str> = block
        .trim()
        .lines()
        .filter(|line| version != 6 || !line.starts_with('='))
        .collect();
    lines.join("\n")
}

/// The update of an outcome that is to be carried out (`204`); panics otherwise.
#[track_caller]
pub fn ready(outcome: Result<Accepted<'_>, Report>) -> Valid<Update<'_>> {
    match outcome {
        Ok(Accepted::Ready(update)) => update,
        other => panic!("not ready to carry out: {other:?}"),
    }
}

/// Asserts acceptance with exactly these changes, `(field, new value as stored)` in field
/// order, as the audit diff shows them (the password as `********`).
#[track_caller]
pub fn assert_changes(outcome: &Result<Accepted<'_>, Report>, expected: &[(&str, &str)]) {
    match outcome {
        Ok(accepted) => {
            let diff = accepted.update().diff();
            let got: Vec<(&str, &str)> = diff.iter().map(|d| (d.field.as_str(), &*d.new)).collect();
            assert_eq!(got, expected);
        }
        Err(report) => panic!("refused: {}", Envelope::refused(report).to_json()),
    }
}
