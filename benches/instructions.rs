//! Instruction counts (callgrind, through gungraun): parse and decide, release build.
//! Counts do not drift with the machine's load, but they do with the compiler, so they
//! gate at each request's goal plus a drift allowance ([`DRIFT_PERCENT`]): `cargo bench
//! --bench instructions` prints every goal, allowance and limit, then fails when a
//! count exceeds its limit. A count above its goal within the allowance passes, and is
//! work to do; the goals do not move. The one-field group is the per-field profile.
//!
//! Needs valgrind and `gungraun-runner` at the exact version of the `gungraun` crate.
#![expect(
    missing_docs,
    reason = "gungraun's macros generate public items without docs"
)]

mod common;

use std::hint::black_box;

use common::{ADMIN_FULL, SELF_TYPICAL, admin, public_key_query, roles, run, stored, user};
use enswitch_people::{Actor, Person, Policy, Roles};
use gungraun::prelude::*;
use gungraun::{Callgrind, EventKind};

/// The goal for a hostile request within the bounds: at most this many instructions per
/// input byte (the hardening issue).
const HOSTILE_PER_BYTE: u64 = 60;

/// How far a count moves with the compiler alone, in percent of its goal: the largest
/// move measured at one commit between the recorded compiler and a nightly, rounded up
/// (benches/README.md).
const DRIFT_PERCENT: u64 = 3;

/// The limit callgrind enforces for a goal: the goal and its drift allowance.
fn limit(goal: u64) -> u64 {
    goal + (goal * DRIFT_PERCENT).div_ceil(100)
}

/// A benchmark's budget: callgrind fails the run above its goal's limit.
fn budget(goal: u64) -> LibraryBenchmarkConfig {
    let mut config = LibraryBenchmarkConfig::default();
    config.tool(Callgrind::default().hard_limits([(EventKind::Ir, limit(goal))]));
    config
}

/// Every gated benchmark's goal, in instructions.
fn goals() -> Vec<(String, u64)> {
    let mut goals = vec![
        ("admin_full".to_owned(), ADMIN_FULL_GOAL),
        ("self_typical".to_owned(), SELF_TYPICAL_GOAL),
        (
            "public_key".to_owned(),
            PUBLIC_KEY_PER_BYTE * public_key_query().len() as u64,
        ),
    ];
    goals.extend(
        common::hostile()
            .into_iter()
            .map(|(name, query)| (name.to_owned(), HOSTILE_PER_BYTE * query.len() as u64)),
    );
    goals
}

/// Printed before the benchmarks run: the compiler, and each goal, allowance and limit,
/// beside which the counts that follow are read.
fn print_budgets() {
    println!("instruction budgets: goal + {DRIFT_PERCENT} % drift allowance = limit");
    for (name, goal) in goals() {
        println!(
            "  {name:<24} {goal:>12} + {:>8} = {:>12}",
            limit(goal) - goal,
            limit(goal)
        );
    }
}

/// One of the hostile requests, by name.
fn hostile(name: &str) -> String {
    common::hostile()
        .into_iter()
        .find_map(|(n, query)| (n == name).then_some(query))
        .expect("a named hostile request")
}

/// What one measured call needs, built before the measurement starts: the stored
/// person, the role catalogue, the policy, the actor and the request's text.
struct Fixture {
    person: Person,
    roles: Roles,
    policy: Policy,
    actor: Actor,
    query: String,
}

/// Boxed, so that handing it in and out of the measured call moves a pointer, not the
/// whole fixture: what is counted is parse, decide and the drop of their result.
fn fixture(actor: Actor, query: &str) -> Box<Fixture> {
    Box::new(Fixture {
        person: stored(),
        roles: roles(),
        policy: Policy::default(),
        actor,
        query: query.to_owned(),
    })
}

fn admin_fixture(query: &str) -> Box<Fixture> {
    fixture(admin(), query)
}

fn user_fixture(query: &str) -> Box<Fixture> {
    fixture(user(), query)
}

/// Parse and decide, through the public API. The fixture is handed back so that its
/// drop is not counted.
fn measure(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    let accepted = run(
        &f.person,
        &f.actor,
        black_box(&f.query),
        &f.roles,
        &f.policy,
    )
    .is_ok();
    (black_box(accepted), f)
}

/// The goal for the full administrator request, in instructions.
const ADMIN_FULL_GOAL: u64 = 20_000;

#[library_benchmark]
#[bench::admin_full(args = (ADMIN_FULL), setup = admin_fixture, config = budget(ADMIN_FULL_GOAL))]
fn update_admin(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    measure(f)
}

/// The goal for the self-service request, in instructions.
const SELF_TYPICAL_GOAL: u64 = 4_000;

#[library_benchmark]
#[bench::self_typical(args = (SELF_TYPICAL), setup = user_fixture, config = budget(SELF_TYPICAL_GOAL))]
fn update_self(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    measure(f)
}

/// The goal for the public key request: at most this many instructions per input byte.
const PUBLIC_KEY_PER_BYTE: u64 = 30;

#[library_benchmark]
#[bench::public_key(
    args = (&public_key_query()),
    setup = admin_fixture,
    config = budget(PUBLIC_KEY_PER_BYTE * public_key_query().len() as u64)
)]
fn update_public_key(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    measure(f)
}

/// The budget of a hostile request: 60 instructions a byte of it.
fn hostile_budget(name: &str) -> LibraryBenchmarkConfig {
    budget(HOSTILE_PER_BYTE * hostile(name).len() as u64)
}

#[library_benchmark]
#[bench::description_combining(args = (&hostile("description_combining")), setup = admin_fixture, config = hostile_budget("description_combining"))]
#[bench::forename_marks(args = (&hostile("forename_marks")), setup = admin_fixture, config = hostile_budget("forename_marks"))]
#[bench::description_percent(args = (&hostile("description_percent")), setup = admin_fixture, config = hostile_budget("description_percent"))]
#[bench::email_commas(args = (&hostile("email_commas")), setup = admin_fixture, config = hostile_budget("email_commas"))]
#[bench::unknown_names(args = (&hostile("unknown_names")), setup = admin_fixture, config = hostile_budget("unknown_names"))]
#[bench::json_escapes(args = (&hostile("json_escapes")), setup = admin_fixture, config = hostile_budget("json_escapes"))]
#[bench::timezone_long(args = (&hostile("timezone_long")), setup = admin_fixture, config = hostile_budget("timezone_long"))]
#[bench::password_combining(args = (&hostile("password_combining")), setup = admin_fixture, config = hostile_budget("password_combining"))]
#[bench::source_entries(args = (&hostile("source_entries")), setup = admin_fixture, config = hostile_budget("source_entries"))]
#[bench::description_ascii(args = (&hostile("description_ascii")), setup = admin_fixture, config = hostile_budget("description_ascii"))]
#[bench::description_marks(args = (&hostile("description_marks")), setup = admin_fixture, config = hostile_budget("description_marks"))]
#[bench::description_mark_runs(args = (&hostile("description_mark_runs")), setup = admin_fixture, config = hostile_budget("description_mark_runs"))]
#[bench::description_mark_starters(args = (&hostile("description_mark_starters")), setup = admin_fixture, config = hostile_budget("description_mark_starters"))]
fn update_hostile(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    measure(f)
}

/// `id=11` and one field of `ADMIN_FULL`, as the administrator: the profile's
/// per-field view (no budget; `none` is `id=11` alone).
fn one_field(name: &str) -> Box<Fixture> {
    let pair = ADMIN_FULL
        .split('&')
        .find(|pair| pair.split('=').next() == Some(name));
    match pair {
        Some(pair) => admin_fixture(&format!("id=11&{pair}")),
        None => admin_fixture("id=11"),
    }
}

#[library_benchmark]
#[bench::none(args = ("none"), setup = one_field)]
#[bench::company(args = ("company"), setup = one_field)]
#[bench::country(args = ("country"), setup = one_field)]
#[bench::date_format(args = ("date_format"), setup = one_field)]
#[bench::description(args = ("description"), setup = one_field)]
#[bench::email(args = ("email"), setup = one_field)]
#[bench::extension(args = ("extension"), setup = one_field)]
#[bench::fax(args = ("fax"), setup = one_field)]
#[bench::forename(args = ("forename"), setup = one_field)]
#[bench::language(args = ("language"), setup = one_field)]
#[bench::mobile(args = ("mobile"), setup = one_field)]
#[bench::password(args = ("password"), setup = one_field)]
#[bench::role(args = ("role"), setup = one_field)]
#[bench::source(args = ("source"), setup = one_field)]
#[bench::surname(args = ("surname"), setup = one_field)]
#[bench::telephone(args = ("telephone"), setup = one_field)]
#[bench::time_format(args = ("time_format"), setup = one_field)]
#[bench::timezone(args = ("timezone"), setup = one_field)]
#[bench::title(args = ("title"), setup = one_field)]
#[bench::username(args = ("username"), setup = one_field)]
fn update_one_field(f: Box<Fixture>) -> (bool, Box<Fixture>) {
    measure(f)
}

library_benchmark_group!(
    name = update,
    benchmarks = [
        update_admin,
        update_self,
        update_public_key,
        update_hostile,
        update_one_field
    ]
);

main!(setup = print_budgets(); library_benchmark_groups = update);
