//! The invariants the fuzzer and the property tests check, with an oracle for who may
//! change what written from SPEC §4 as a small table, independent of the crate's code.
//!
//! A [`Scenario`] is plain data: the fuzz target builds it with `arbitrary`, the
//! property tests with `proptest`; [`check`] runs it and panics on any broken
//! invariant.
#![allow(dead_code)] // each user takes what it needs

use std::net::IpAddr;

use enswitch_people::{
    Accepted, Actor, Change, Context, CustomerChain, Envelope, Field, OnUnknownParameter, Person,
    Policy, PolicySettings, Privilege, Report, Request, RequestAddress, Roles, Uniqueness, decide,
    form,
};

/// Role ids 1–5 are the five levels, lowest first; 9 is missing from the catalogue.
pub const ROLE_IDS: [u64; 6] = [1, 2, 3, 4, 5, 9];
const LEVELS: [Privilege; 5] = [
    Privilege::None,
    Privilege::User,
    Privilege::Administrator,
    Privilege::Wholesale,
    Privilege::System,
];

/// Marks the passwords, so that a leak of either shows in any output.
pub const SECRET: char = '🔑';

/// Where the stored person sits relative to the actor (id 100 of customer 10, below
/// the root customer 1; customer 11 is below 10, customer 20 is beside it, in another
/// tree under the root; the root is above).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Own,
    SameCustomer,
    ChildCustomer,
    ParentCustomer,
    OtherCustomer,
}

impl Relation {
    pub const ALL: [Relation; 5] = [
        Relation::Own,
        Relation::SameCustomer,
        Relation::ChildCustomer,
        Relation::ParentCustomer,
        Relation::OtherCustomer,
    ];
}

/// A parameter's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Name {
    Field(Field),
    Id,
    Validation,
    AuthUsername,
    AuthPassword,
    Unknown(String),
}

impl Name {
    pub fn as_str(&self) -> &str {
        match self {
            Name::Field(field) => field.as_str(),
            Name::Id => "id",
            Name::Validation => "validation",
            Name::AuthUsername => "auth_username",
            Name::AuthPassword => "auth_password",
            Name::Unknown(name) => name,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Scenario {
    /// Index into the five levels.
    pub actor_level: usize,
    pub relation: Relation,
    /// The stored person's role (ignored for `Own`).
    pub target_role: u64,
    /// The stored person's text, field by field (`Person::text` order of `Field::ALL`).
    pub stored: Vec<(Field, String)>,
    pub params: Vec<(Name, String)>,
    pub json: bool,
    pub request_ip: Option<IpAddr>,
    /// Bit `i` forbids `Field::ALL[i]`.
    pub plan_forbids: u32,
    /// Index into [`policies`]: the policy under which values equal to the stored ones
    /// are sent back.
    pub policy: usize,
}

/// Policies as strict as they come, each refusing something the default allows: none
/// of them may refuse a value equal to the stored one.
pub fn policies() -> Vec<Policy> {
    let strict = |settings: PolicySettings| Policy::try_from(settings).expect("a valid policy");
    vec![
        Policy::default(),
        strict(PolicySettings {
            self_service: [Field::Password].into(),
            require_email: true,
            unknown_parameters: OnUnknownParameter::Ignore,
            ..PolicySettings::default()
        }),
        strict(PolicySettings {
            languages: Some(vec!["fr".into()]),
            max_email_addresses: 1,
            max_source_entries: 1,
            ..PolicySettings::default()
        }),
        strict(PolicySettings {
            password_min_length: 64,
            password_max_length: 64,
            ..PolicySettings::default()
        }),
    ]
}

const ACTOR_ID: u64 = 100;
const TARGET_ID: u64 = 200;

fn roles() -> Roles {
    ROLE_IDS
        .iter()
        .zip(LEVELS)
        .map(|(&id, level)| (id, level))
        .collect()
}

/// The level of a role as the specification defines it; a role missing from the
/// catalogue counts as the highest.
fn level_of(role: u64) -> Privilege {
    ROLE_IDS
        .iter()
        .position(|&r| r == role)
        .and_then(|i| LEVELS.get(i).copied())
        .unwrap_or(Privilege::System)
}

/// SPEC §4 rule 3: the default self-service fields.
pub const SELF_SERVICE: [&str; 15] = [
    "company",
    "country",
    "date_format",
    "email",
    "fax",
    "forename",
    "language",
    "mobile",
    "password",
    "public_key",
    "surname",
    "telephone",
    "time_format",
    "timezone",
    "title",
];

impl Scenario {
    pub fn actor_level(&self) -> Privilege {
        LEVELS[self.actor_level % LEVELS.len()]
    }

    pub fn actor_role(&self) -> u64 {
        ROLE_IDS[self.actor_level % LEVELS.len()]
    }

    pub fn person(&self) -> Person {
        let (id, customer, role) = match self.relation {
            Relation::Own => (ACTOR_ID, 10, self.actor_role()),
            Relation::SameCustomer => (TARGET_ID, 10, self.target_role),
            Relation::ChildCustomer => (TARGET_ID, 11, self.target_role),
            Relation::ParentCustomer => (TARGET_ID, 1, self.target_role),
            Relation::OtherCustomer => (TARGET_ID, 20, self.target_role),
        };
        let mut person = Person {
            id,
            customer,
            role,
            ..Person::default()
        };
        for (field, value) in &self.stored {
            set_text(&mut person, *field, value);
        }
        person
    }

    pub fn chain(&self) -> Vec<u64> {
        match self.relation {
            Relation::Own | Relation::SameCustomer => vec![10, 1],
            Relation::ChildCustomer => vec![11, 10, 1],
            Relation::ParentCustomer => vec![1],
            Relation::OtherCustomer => vec![20, 1],
        }
    }

    pub fn forbidden(&self, field: Field) -> bool {
        let i = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self.plan_forbids & (1 << i) != 0
    }

    /// SPEC §4 rule 2, as a table.
    pub fn in_reach(&self) -> bool {
        let actor = self.actor_level();
        if self.relation == Relation::Own {
            return true;
        }
        if level_of(self.target_role) > actor {
            return false;
        }
        match actor {
            Privilege::None | Privilege::User => false,
            Privilege::Administrator => self.relation == Relation::SameCustomer,
            Privilege::Wholesale => matches!(
                self.relation,
                Relation::SameCustomer | Relation::ChildCustomer
            ),
            Privilege::System => true,
        }
    }

    /// SPEC §4 rules 3–6: may this change be made?
    fn may_change(&self, field: Field, new_role: Option<u64>) -> bool {
        self.refusal(field, new_role, &SELF_SERVICE).is_none()
    }

    /// SPEC §4 rules 3–6 in their order, under a policy whose self-service fields are
    /// `self_service`: the `(status, code)` of the first rule a change breaks.
    pub fn refusal(
        &self,
        field: Field,
        new_role: Option<u64>,
        self_service: &[&str],
    ) -> Option<(&'static str, &'static str)> {
        let own = self.relation == Relation::Own;
        if own && self.actor_level() == Privilege::User && !self_service.contains(&field.as_str()) {
            return Some(("402", "not_self_service"));
        }
        if field == Field::Role && own {
            return Some(("402", "own_role"));
        }
        // A role missing from the catalogue has no level to compare: the catalogue
        // refuses it later (`unknown_role`).
        let catalogued = new_role.filter(|r| ROLE_IDS[..LEVELS.len()].contains(r));
        if field == Field::Role && catalogued.is_some_and(|r| level_of(r) > self.actor_level()) {
            return Some(("402", "role_above_actor"));
        }
        self.forbidden(field).then_some(("403", "plan_forbids"))
    }

    /// The request as it goes over the wire.
    pub fn wire(&self) -> String {
        if self.json {
            let pairs: Vec<String> = self
                .params
                .iter()
                .map(|(name, value)| {
                    let value = serde_json::Value::from(value.as_str());
                    format!("{}:{value}", serde_json::Value::from(name.as_str()))
                })
                .collect();
            format!("{{{}}}", pairs.join(","))
        } else {
            let pairs: Vec<String> = self
                .params
                .iter()
                .map(|(name, value)| format!("{}={}", encode(name.as_str()), encode(value)))
                .collect();
            pairs.join(";")
        }
    }

    /// Everything the scenario puts in but the passwords.
    fn other_text(&self) -> String {
        let mut text = String::new();
        for (name, value) in &self.params {
            text.push_str(name.as_str());
            if !matches!(name.as_str(), "auth_password" | "password") {
                text.push_str(value);
            }
        }
        for (_, value) in &self.stored {
            text.push_str(value);
        }
        text
    }
}

fn set_text(person: &mut Person, field: Field, value: &str) {
    let slot = match field {
        Field::Company => &mut person.company,
        Field::Country => &mut person.country,
        Field::DateFormat => &mut person.date_format,
        Field::Description => &mut person.description,
        Field::Email => &mut person.email,
        Field::Extension => &mut person.extension,
        Field::Fax => &mut person.fax,
        Field::Forename => &mut person.forename,
        Field::Language => &mut person.language,
        Field::Mobile => &mut person.mobile,
        Field::PublicKey => &mut person.public_key,
        Field::Source => &mut person.source,
        Field::Surname => &mut person.surname,
        Field::Telephone => &mut person.telephone,
        Field::TimeFormat => &mut person.time_format,
        Field::Timezone => &mut person.timezone,
        Field::Title => &mut person.title,
        Field::Username => &mut person.username,
        Field::Password | Field::Role => return,
    };
    value.clone_into(slot);
}

/// Percent-encodes every byte but letters and digits.
pub fn encode(value: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn decide_on<'p>(
    s: &Scenario,
    person: &'p Person,
    wire: &str,
) -> Option<Result<Accepted<'p>, Report>> {
    decide_with(s, person, wire, s.request_ip, &Policy::default())
}

fn decide_with<'p>(
    s: &Scenario,
    person: &'p Person,
    wire: &str,
    request_ip: Option<IpAddr>,
    policy: &Policy,
) -> Option<Result<Accepted<'p>, Report>> {
    let request = Request::parse(wire).ok()?;
    let roles = roles();
    let chain = s.chain();
    let forbidden: enswitch_people::FieldSet =
        Field::ALL.into_iter().filter(|f| s.forbidden(*f)).collect();
    let context = Context::new(
        &roles,
        CustomerChain::new(person, &chain),
        Uniqueness::Free,
        forbidden,
    );
    let address = request_ip.map_or(RequestAddress::Unknown, RequestAddress::Known);
    let actor = Actor::new(ACTOR_ID, 10, s.actor_level());
    Some(
        actor
            .caller("", address)
            .and_then(|caller| decide(person, &caller, &request, &context, policy)),
    )
}

/// Runs the scenario and checks every invariant.
pub fn check(s: &Scenario) {
    let stored = s.person();
    let wire = s.wire();
    let Some(outcome) = decide_on(s, &stored, &wire) else {
        return; // refused as a whole: nothing more to check
    };

    check_no_password_leak(s, &outcome);
    check_keys_hide_secrets(s, &outcome);
    check_mapped_address_same_answer(s, &stored, &wire, &outcome);
    check_stored_values_are_never_errors(s);
    check_form(s);

    if s.actor_level() < Privilege::User {
        let report = outcome
            .as_ref()
            .expect_err("an actor below user was accepted");
        let keys: Vec<(u16, &str)> = report
            .errors()
            .iter()
            .map(|e| (e.status().as_u16(), e.key()))
            .collect();
        assert_eq!(keys, [(402, "")]);
        return;
    }
    if !s.in_reach() {
        let report = outcome.as_ref().expect_err("out of reach, yet accepted");
        let keys: Vec<(u16, &str)> = report
            .errors()
            .iter()
            .map(|e| (e.status().as_u16(), e.key()))
            .collect();
        assert_eq!(keys, [(404, "id")], "out of reach must be a lone 404");
        return;
    }
    let Ok(accepted) = outcome else { return };
    let update = accepted.update();

    // (1) Every change is one the actor may make (seen through the diff, which a
    // `validation=1` answer shows as well).
    for entry in update.diff() {
        let field = entry.field;
        let new_role = match field {
            Field::Role => entry.new.parse().ok(),
            _ => None,
        };
        assert!(
            s.may_change(field, new_role),
            "{field} changed against the rules: {s:?}"
        );
        // Rule 7: your own new, non-empty source list must admit your address.
        let own_source = field == Field::Source && s.relation == Relation::Own;
        if let (true, Some(ip)) = (own_source, s.request_ip) {
            let list = &entry.new;
            // SPEC §4: a mapped address is the IPv4 address it maps.
            let ip = ip.to_canonical();
            let admits = list.is_empty()
                || list.split(", ").any(|entry| {
                    entry
                        .parse::<ipnetwork::IpNetwork>()
                        .is_ok_and(|n| n.contains(ip))
                });
            assert!(admits, "own source {list:?} locks out {ip}");
        }
    }

    let Accepted::Ready(valid) = &accepted else {
        return;
    };
    let after = valid.apply();

    // (2) Fields absent from the request are unchanged.
    // By name: an "unknown" name may well be a field's.
    let sent = |field: Field| {
        s.params
            .iter()
            .any(|(name, _)| name.as_str() == field.as_str())
    };
    for field in Field::ALL {
        if !sent(field) {
            assert_eq!(
                after.text(field),
                stored.text(field),
                "{field} changed without being sent"
            );
        }
    }
    if !sent(Field::Role) {
        assert_eq!(after.role, stored.role);
    }
    assert_eq!((after.id, after.customer), (stored.id, stored.customer));

    // (3) The same request again, against the result, changes nothing (but the password,
    // which is never stored).
    let again = decide_on(s, &after, &wire).expect("parsed once, parses twice");
    match again {
        Ok(again) => {
            let left: Vec<Field> = again
                .update()
                .diff()
                .iter()
                .map(|entry| entry.field)
                .filter(|f| *f != Field::Password)
                .collect();
            assert!(left.is_empty(), "resubmitting changed {left:?} again");
        }
        Err(report) => panic!(
            "resubmitting was refused: {}",
            Envelope::refused(&report).to_json()
        ),
    }
}

/// Two values of each field, both valid under every one of [`policies`], so that one of
/// them is a change from whatever is stored. Roles are checked one by one instead.
fn valid_values(field: Field) -> [&'static str; 2] {
    match field {
        Field::Company => ["Acme", "Globex"],
        Field::Country => ["GB", "FR"],
        Field::DateFormat => ["DD/MM/YYYY", "YYYY-MM-DD"],
        Field::Description => ["one", "two"],
        Field::Email => ["a@x.org", "b@y.org"],
        Field::Extension => ["201", "202"],
        Field::Fax | Field::Mobile | Field::Telephone => ["+442079460000", "+442079460001"],
        Field::Forename | Field::Surname => ["Zoë", "Ann"],
        Field::Language => ["fr", ""],
        // 64 characters: the strictest policy wants exactly that many.
        Field::Password => [
            "correct horse battery staple, correct horse battery staple, corr",
            "another horse battery staple, another horse battery staple, anot",
        ],
        Field::PublicKey => [include_str!("../data/ed25519.pub.asc"), ""],
        Field::Role => ["4", "3"],
        Field::Source => ["10.0.0.0/8", "192.0.2.0/24"],
        Field::TimeFormat => ["12", "24"],
        Field::Timezone => ["Asia/Tokyo", "Europe/Paris"],
        Field::Title => ["Dr", "Prof"],
        Field::Username => ["dora", "erin"],
    }
}

/// (8) The form description and `decide` never disagree: a field is editable exactly
/// when a valid change to it is accepted, and a role is offered exactly when giving it
/// is accepted. Under the default policy, the oracle's own table agrees too.
pub fn check_form(s: &Scenario) {
    let Ok(caller) = Actor::new(ACTOR_ID, 10, s.actor_level()).caller("", RequestAddress::Unknown)
    else {
        return;
    };
    let stored = s.person();
    let policies = policies();
    let index = s.policy % policies.len();
    let policy = &policies[index];
    let roles = roles();
    let chain = s.chain();
    let forbidden: enswitch_people::FieldSet =
        Field::ALL.into_iter().filter(|f| s.forbidden(*f)).collect();
    let context = Context::new(
        &roles,
        CustomerChain::new(&stored, &chain),
        Uniqueness::Free,
        forbidden,
    );
    let described = form(&stored, &caller, &context, policy);
    let Ok(described) = described else {
        assert!(!s.in_reach(), "in reach, yet the form is refused");
        return;
    };
    assert!(s.in_reach(), "out of reach, yet described");
    let id = stored.id;
    let decide_one = |field: Field, value: &str| {
        let wire = format!("id={id};{}={}", field.as_str(), encode(value));
        let request = Request::from_query(&wire).expect("a one-field request parses");
        decide(&stored, &caller, &request, &context, policy)
    };
    for entry in &described.fields {
        let field = entry.field;
        if index == 0 {
            assert_eq!(
                entry.editable,
                s.may_change(field, None),
                "{field}: the oracle disagrees"
            );
        }
        if field == Field::Role {
            let offered = |id: u64| {
                entry
                    .choices
                    .iter()
                    .flatten()
                    .any(|c| c.value == id.to_string())
            };
            for role in ROLE_IDS.into_iter().filter(|&r| r != stored.role) {
                let accepted = decide_one(field, &role.to_string()).is_ok();
                let in_catalogue = roles.level(role).is_some();
                assert_eq!(
                    accepted,
                    entry.editable && offered(role),
                    "role {role}: form and decide disagree"
                );
                if index == 0 && in_catalogue {
                    assert_eq!(
                        offered(role),
                        s.may_change(field, Some(role)),
                        "role {role}: the oracle disagrees"
                    );
                }
            }
            continue;
        }
        let stored_text = stored.text(field).unwrap_or_default();
        let value = valid_values(field)
            .into_iter()
            .find(|v| *v != stored_text)
            .unwrap_or_default();
        let outcome = decide_one(field, value);
        assert_eq!(
            outcome.is_ok(),
            entry.editable,
            "{field}={value:?}: the form says editable={}, decide says {}",
            entry.editable,
            Envelope::of(&outcome).to_json()
        );
    }
}

/// (5) No error's key holds a secret that a parameter's name carried after its `=` (a
/// client that encoded `auth_password%3Dsecret`).
fn check_keys_hide_secrets(s: &Scenario, outcome: &Result<Accepted<'_>, Report>) {
    let visible = |name: &str| name.split('=').next().unwrap_or_default().contains(SECRET);
    if s.params.iter().any(|(name, _)| visible(name.as_str())) {
        return; // the secret is in a name's own text, which a key may show
    }
    if let Err(report) = outcome {
        for error in report.errors() {
            assert!(
                !error.key().contains(SECRET),
                "a key shows a secret: {:?}",
                error.key()
            );
        }
        let envelope = Envelope::refused(report).to_json();
        assert!(
            s.other_text().contains(SECRET) || !envelope.contains(SECRET),
            "the envelope shows a secret: {envelope}"
        );
    }
}

/// (6) An IPv4 request address and the same address IPv4-mapped get the same answer.
fn check_mapped_address_same_answer(
    s: &Scenario,
    stored: &Person,
    wire: &str,
    outcome: &Result<Accepted<'_>, Report>,
) {
    let Some(IpAddr::V4(v4)) = s.request_ip else {
        return;
    };
    let mapped = IpAddr::V6(v4.to_ipv6_mapped());
    let again = decide_with(s, stored, wire, Some(mapped), &Policy::default())
        .expect("parsed once, parses twice");
    assert_eq!(
        Envelope::of(&again).to_json(),
        Envelope::of(outcome).to_json(),
        "{v4} and {mapped} answered differently"
    );
}

/// (7) A value equal to the stored one, as sent or in canonical form, is never an error
/// and never a change, under any policy.
fn check_stored_values_are_never_errors(s: &Scenario) {
    if s.actor_level() < Privilege::User || !s.in_reach() {
        return;
    }
    let policies = policies();
    let policy = &policies[s.policy % policies.len()];
    let id = if s.relation == Relation::Own {
        ACTOR_ID
    } else {
        TARGET_ID
    };
    for (name, value) in &s.params {
        let Name::Field(field) = name else { continue };
        if matches!(field, Field::Password | Field::Role) {
            continue;
        }
        let wire = format!("id={id};{}={}", field.as_str(), encode(value));
        // The canonical form, as the system owner's update would store it.
        let mut blank = s.person();
        set_text(&mut blank, *field, "");
        let owner = Scenario {
            actor_level: 4,
            ..s.clone()
        };
        let canonical = decide_with(&owner, &blank, &wire, None, &Policy::default())
            .and_then(Result::ok)
            .and_then(|accepted| match accepted {
                Accepted::Ready(valid) => valid
                    .change(*field)
                    .and_then(Change::stored_text)
                    .map(str::to_owned),
                Accepted::Validated(_) => None,
            });
        for stored_value in [Some(value.trim().to_owned()), canonical]
            .into_iter()
            .flatten()
        {
            let mut person = s.person();
            set_text(&mut person, *field, &stored_value);
            let outcome = decide_with(s, &person, &wire, s.request_ip, policy)
                .expect("a one-field request parses");
            match outcome {
                Ok(accepted) => assert!(
                    accepted.update().is_empty(),
                    "{field}={value:?} against stored {stored_value:?} is a change"
                ),
                Err(report) => panic!(
                    "{field}={value:?} against stored {stored_value:?} refused: {}",
                    Envelope::refused(&report).to_json()
                ),
            }
        }
    }
}

/// (4) A password appears in no envelope, diff, message or Debug output.
fn check_no_password_leak(s: &Scenario, outcome: &Result<Accepted<'_>, Report>) {
    let secret_sent = s.params.iter().any(|(name, value)| {
        matches!(name.as_str(), "auth_password" | "password") && value.contains(SECRET)
    });
    if !secret_sent || s.other_text().contains(SECRET) {
        return;
    }
    let request = Request::parse(&s.wire()).map(|r| format!("{r:?}"));
    let mut outputs = vec![
        Envelope::of(outcome).to_json(),
        format!("{outcome:?}"),
        format!("{request:?}"),
    ];
    match outcome {
        Ok(accepted) => {
            let update = accepted.update();
            outputs.push(format!("{:?}", update.diff()));
            outputs.push(serde_json::to_string(&update.diff()).unwrap_or_default());
            if let Accepted::Ready(valid) = accepted {
                outputs.push(format!("{:?}", valid.obligations()));
                outputs.push(format!("{:?}", valid.changes()));
            }
        }
        Err(report) => {
            outputs.push(report.to_string());
            outputs.extend(report.errors().iter().map(enswitch_people::Error::message));
        }
    }
    for output in outputs {
        assert!(!output.contains(SECRET), "a password leaked: {output}");
    }
}

/// Values worth trying for each field: valid, canonical-but-not, invalid and empty.
pub fn samples(field: Field) -> &'static [&'static str] {
    match field {
        Field::Company => &["Acme", " Globex Ltd ", ""],
        Field::Country => &["GB", "fr", "UK", ""],
        Field::DateFormat => &["DD/MM/YYYY", "yyyy-mm-dd", "D/M/Y"],
        Field::Description => &["one\r\ntwo", "", "tab\there"],
        Field::Email => &[
            "a@x.org",
            "A@X.ORG; b@y.org a@x.org",
            "Jose\u{301}@x.org, José@X.org",
            "nobody",
            "",
        ],
        Field::Extension => &["201", "0042", "2x", ""],
        Field::Fax | Field::Mobile | Field::Telephone => {
            &["+44 (0)20 7946 0000", "020 7946 0000", "1", ""]
        }
        Field::Forename | Field::Surname => &["Zoë", "O’Brien", "R2D2", ""],
        Field::Language => &["en_gb", "fr", "EN-gb", "english", "en-a-b-a-c", ""],
        Field::Password => &["🔑correct horse", "🔑x", "swordfish99", ""],
        Field::PublicKey => &[include_str!("../data/ed25519.pub.asc"), "junk", ""],
        Field::Role => &["4", "5", "3", "2", "1", "9", "x"],
        Field::Source => &[
            "10.0.0.0/8",
            "192.0.2.1, 2001:db8::/32",
            "192.168.1.5/24",
            "127.0.0.1",
            "::ffff:192.0.2.0/120",
            "::ffff:10.0.0.0/104, 2001:db8::/32",
            "",
        ],
        Field::TimeFormat => &["12", "24", "13"],
        Field::Timezone => &["europe/london", "Asia/Tokyo", "Mars/Base", ""],
        Field::Title => &["Dr", "", "\u{202E}x", "Cafe\u{301}", "a\u{200D}b"],
        Field::Username => &["alice", "bob.smith@x.org", "-bad", ""],
    }
}

/// The addresses a request may come from.
pub const REQUEST_IPS: [Option<&str>; 6] = [
    None,
    Some("127.0.0.1"),
    Some("10.1.2.3"),
    Some("2001:db8::1"),
    Some("192.0.2.9"),
    Some("::ffff:10.1.2.3"),
];

/// A request that parses with no problems writes itself out (as a query string and as
/// JSON) to one that parses equal.
pub fn check_request_round_trip(request: &Request<'_>) {
    if request.has_problems() {
        return;
    }
    let query = request.to_query();
    if query.len() <= enswitch_people::MAX_REQUEST_BYTES {
        assert_eq!(
            &Request::from_query(&query).expect("own query parses"),
            request,
            "{query}"
        );
    }
    let json = request.to_json();
    if json.len() <= enswitch_people::MAX_REQUEST_BYTES {
        assert_eq!(
            &Request::from_json(&json).expect("own JSON parses"),
            request,
            "{json}"
        );
    }
}

/// Every validator on one string: a value that passes is canonical (it re-validates to
/// itself) and its `Display` parses back to an equal value.
pub fn check_fields(input: &str) {
    use enswitch_people::{
        Company, Country, DateFormat, Description, EmailList, Extension, Language, PersonName,
        PhoneNumber, PublicKey, RoleId, SourceList, TimeFormat, TimeZone, Title, Username,
    };
    fn round_trip<T>(input: &str)
    where
        T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
        T::Err: std::fmt::Debug,
    {
        if let Ok(value) = input.parse::<T>() {
            let shown = value.to_string();
            let again = shown.parse::<T>();
            assert_eq!(
                again.as_ref().ok(),
                Some(&value),
                "{input:?} → {shown:?} → {again:?}"
            );
            assert_eq!(
                again.map(|v| v.to_string()).ok().as_deref(),
                Some(shown.as_str())
            );
        }
    }
    round_trip::<Username>(input);
    round_trip::<PersonName>(input);
    round_trip::<Title>(input);
    round_trip::<Company>(input);
    round_trip::<Description>(input);
    round_trip::<EmailList>(input);
    round_trip::<PhoneNumber>(input);
    round_trip::<Extension>(input);
    round_trip::<Country>(input);
    round_trip::<Language>(input);
    round_trip::<TimeZone>(input);
    round_trip::<DateFormat>(input);
    round_trip::<TimeFormat>(input);
    round_trip::<SourceList>(input);
    round_trip::<PublicKey>(input);
    round_trip::<RoleId>(input);
}
