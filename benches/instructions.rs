//! Instruction counts (callgrind, through gungraun): parse and decide, release build.
//! Counts do not drift with the machine's load, so they gate: each benchmark has a
//! budget, and `cargo bench --bench instructions` fails when a count exceeds it.
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

/// A benchmark's budget: callgrind fails the run above `instructions`.
fn budget(instructions: u64) -> LibraryBenchmarkConfig {
    let mut config = LibraryBenchmarkConfig::default();
    config.tool(Callgrind::default().hard_limits([(EventKind::Ir, instructions)]));
    config
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

fn fixture(actor: Actor, query: &str) -> Fixture {
    Fixture {
        person: stored(),
        roles: roles(),
        policy: Policy::default(),
        actor,
        query: query.to_owned(),
    }
}

fn admin_fixture(query: &str) -> Fixture {
    fixture(admin(), query)
}

fn user_fixture(query: &str) -> Fixture {
    fixture(user(), query)
}

/// Parse and decide, through the public API. The fixture is handed back so that its
/// drop is not counted.
fn measure(f: Fixture) -> (bool, Fixture) {
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

#[library_benchmark]
#[bench::admin_full(args = (ADMIN_FULL), setup = admin_fixture)]
fn update_admin(f: Fixture) -> (bool, Fixture) {
    measure(f)
}

#[library_benchmark]
#[bench::self_typical(args = (SELF_TYPICAL), setup = user_fixture)]
fn update_self(f: Fixture) -> (bool, Fixture) {
    measure(f)
}

#[library_benchmark]
#[bench::public_key(args = (&public_key_query()), setup = admin_fixture)]
fn update_public_key(f: Fixture) -> (bool, Fixture) {
    measure(f)
}

/// Each hostile request is about 250,000 bytes: 60 instructions a byte is 15,000,000.
const HOSTILE_BUDGET: u64 = HOSTILE_PER_BYTE * 250_000;

#[library_benchmark]
#[bench::description_combining(args = (&hostile("description_combining")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::forename_marks(args = (&hostile("forename_marks")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::description_percent(args = (&hostile("description_percent")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::email_commas(args = (&hostile("email_commas")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::unknown_names(args = (&hostile("unknown_names")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::json_escapes(args = (&hostile("json_escapes")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::timezone_long(args = (&hostile("timezone_long")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::password_combining(args = (&hostile("password_combining")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::source_entries(args = (&hostile("source_entries")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
#[bench::description_ascii(args = (&hostile("description_ascii")), setup = admin_fixture, config = budget(HOSTILE_BUDGET))]
fn update_hostile(f: Fixture) -> (bool, Fixture) {
    measure(f)
}

library_benchmark_group!(
    name = update,
    benchmarks = [update_admin, update_self, update_public_key, update_hostile]
);

main!(library_benchmark_groups = update);
