//! What validation costs, set beside what merely decoding the request costs.
//!
//! `cargo bench --bench update` prints the allocations of the two update benchmarks,
//! then runs criterion. Ids are stable so that runs can be compared.

use std::collections::HashMap;
use std::hint::black_box;

mod common;

use common::{
    ADMIN_FULL, REJECTED, SELF_TYPICAL, admin, public_key_query, roles, run, stored, user,
};
use criterion::Criterion;
use enswitch_people::{Policy, Request};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

// Counts allocations, to keep them at about one per changed field.
#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

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
    let (admin, user) = (admin(), user());
    for (name, actor, query) in [
        ("update/admin_full", admin, ADMIN_FULL),
        ("update/self_typical", user, SELF_TYPICAL),
    ] {
        let mut changed = 0;
        let count = allocations(|| {
            let outcome = run(&person, &actor, query, &roles, &policy).expect("accepted");
            changed = outcome.update().len();
            drop(black_box(outcome));
        });
        println!("allocations {name}: {count} for {changed} changed fields");
    }
    let count = allocations(|| drop(black_box(floor(ADMIN_FULL))));
    println!("allocations floor/query_to_map: {count}");
}

fn benches(c: &mut Criterion) {
    let (person, roles, policy) = (stored(), roles(), Policy::default());
    let (admin, user) = (admin(), user());
    let json = Request::from_query(ADMIN_FULL).unwrap().to_json();
    let key_query = public_key_query();
    assert!(
        run(&person, &admin, ADMIN_FULL, &roles, &policy).is_ok_and(|a| a.update().len() == 19)
    );
    assert!(
        run(&person, &user, SELF_TYPICAL, &roles, &policy).is_ok_and(|a| a.update().len() == 3)
    );
    assert!(run(&person, &admin, &key_query, &roles, &policy).is_ok_and(|a| a.update().len() == 1));
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
    for (name, query) in common::hostile() {
        // Every hostile request is refused field by field, none as a whole.
        let report = run(&person, &admin, &query, &roles, &policy).unwrap_err();
        assert!(
            report.errors().iter().all(|e| !e.key().is_empty()),
            "{name}"
        );
        c.bench_function(&format!("hostile/{name}"), |b| {
            b.iter(|| run(&person, &admin, black_box(&query), &roles, &policy));
        });
    }
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
