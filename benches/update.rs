//! What validation costs, set beside what merely decoding the request costs.
//!
//! `cargo bench --bench update` prints the allocations of the two update benchmarks,
//! then runs criterion. Ids are stable so that runs can be compared.

use std::collections::HashMap;
use std::hint::black_box;

use criterion::Criterion;
use enswitch_people::{
    Accepted, Actor, Context, Person, Policy, Privilege, Report, Request, Roles, decide,
};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// Counts allocations, to keep them at about one per changed field.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// An administrator changes every field but `public_key` (19 fields), `&`-separated so
/// that `form_urlencoded` reads it the same way.
const ADMIN_FULL: &str = "id=11&username=alice.smith&password=correct%20horse%20battery\
    &forename=Alice&surname=O%E2%80%99Brien&title=Dr&company=Acme%20Widgets%20Ltd\
    &description=Key%20account%0AUK%20sales&email=Alice@Example.COM,alice.smith@acme.example\
    &telephone=%2B44%20(0)20%207946%200000&mobile=07700%20900123&fax=%2B44%2020%207946%200999\
    &extension=2001&country=fr&language=FR_fr&timezone=europe/paris&date_format=yyyy-mm-dd\
    &time_format=12&source=192.0.2.0/24,2001:db8::/32&role=3";

/// A plain user changes three fields of their own.
const SELF_TYPICAL: &str = "id=11&timezone=america/new_york&language=en_us&email=alice@example.org";

/// Ten invalid fields.
const REJECTED: &str = "id=11&username=-bad-&forename=R2D2&email=nobody&telephone=12ab\
    &extension=x&country=UK&language=english&timezone=Mars/Base&date_format=DD.MM.YYYY&source=10.0.0.1/8";

fn stored() -> Person {
    Person {
        id: 11,
        customer: 3,
        role: 4,
        username: "alice".into(),
        forename: "Alicia".into(),
        surname: "Smith".into(),
        title: "Ms".into(),
        company: "Acme".into(),
        description: "Sales".into(),
        email: "alice@acme.example".into(),
        telephone: "+442079460001".into(),
        mobile: "+447700900001".into(),
        fax: "+442079460002".into(),
        extension: "201".into(),
        country: "GB".into(),
        language: "en-GB".into(),
        timezone: "Europe/London".into(),
        date_format: "DD/MM/YYYY".into(),
        time_format: "24".into(),
        source: String::new(),
        public_key: String::new(),
    }
}

fn roles() -> Roles {
    [(3, Privilege::Administrator), (4, Privilege::User)]
        .into_iter()
        .collect()
}

const CHAIN: [u64; 3] = [3, 2, 1];

fn public_key_query() -> String {
    let key = include_str!("../tests/data/rsa4096.pub.asc");
    let encoded: String = key
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("id=11&public_key={encoded}")
}

/// Query string in, validated update out.
fn run<'p>(
    person: &'p Person,
    actor: &Actor,
    query: &str,
    roles: &Roles,
    policy: &Policy,
) -> Result<Accepted<'p>, Report> {
    let request = Request::from_query(query).map_err(Report::from)?;
    decide(
        person,
        actor,
        &request,
        &Context::new(roles, &CHAIN),
        policy,
    )
}

fn floor(query: &str) -> HashMap<String, String> {
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

fn allocations(f: impl FnOnce()) -> usize {
    let region = Region::new(GLOBAL);
    f();
    region.change().allocations
}

fn report_allocations() {
    let (person, roles, policy) = (stored(), roles(), Policy::default());
    let admin = Actor::new(10, 3, Privilege::Administrator);
    let user = Actor::new(11, 3, Privilege::User);
    for (name, actor, query) in [
        ("update/admin_full", admin, ADMIN_FULL),
        ("update/self_typical", user, SELF_TYPICAL),
    ] {
        let mut changed = 0;
        let count = allocations(|| {
            let outcome = run(&person, &actor, query, &roles, &policy).expect("accepted");
            changed = outcome.update().changes().len();
            drop(black_box(outcome));
        });
        println!("allocations {name}: {count} for {changed} changed fields");
    }
    let count = allocations(|| drop(black_box(floor(ADMIN_FULL))));
    println!("allocations floor/query_to_map: {count}");
}

fn benches(c: &mut Criterion) {
    let (person, roles, policy) = (stored(), roles(), Policy::default());
    let admin = Actor::new(10, 3, Privilege::Administrator);
    let user = Actor::new(11, 3, Privilege::User);
    let json = Request::from_query(ADMIN_FULL).unwrap().to_json();
    let key_query = public_key_query();
    assert!(
        run(&person, &admin, ADMIN_FULL, &roles, &policy)
            .is_ok_and(|a| a.update().changes().len() == 19)
    );
    assert!(
        run(&person, &user, SELF_TYPICAL, &roles, &policy).is_ok_and(|a| a
            .update()
            .changes()
            .len()
            == 3)
    );
    assert!(
        run(&person, &admin, &key_query, &roles, &policy)
            .is_ok_and(|a| a.update().changes().len() == 1)
    );
    assert_eq!(
        run(&person, &admin, REJECTED, &roles, &policy)
            .unwrap_err()
            .errors()
            .len(),
        10
    );

    c.bench_function("parse/query_full", |b| {
        b.iter(|| Request::from_query(black_box(ADMIN_FULL)));
    });
    c.bench_function("parse/json_full", |b| {
        b.iter(|| Request::from_json(black_box(&json)));
    });
    c.bench_function("update/self_typical", |b| {
        b.iter(|| run(&person, &user, black_box(SELF_TYPICAL), &roles, &policy));
    });
    c.bench_function("update/admin_full", |b| {
        b.iter(|| run(&person, &admin, black_box(ADMIN_FULL), &roles, &policy));
    });
    c.bench_function("update/public_key", |b| {
        b.iter(|| run(&person, &admin, black_box(&key_query), &roles, &policy));
    });
    c.bench_function("update/rejected", |b| {
        b.iter(|| run(&person, &admin, black_box(REJECTED), &roles, &policy));
    });
    c.bench_function("floor/query_to_map", |b| {
        b.iter(|| floor(black_box(ADMIN_FULL)));
    });
}

fn main() {
    report_allocations();
    let mut criterion = Criterion::default().configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
}
