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
use enswitch_people::{Actor, Policy};
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

fn decide_query(actor: Actor, query: &str) -> bool {
    let (person, roles, policy) = (stored(), roles(), Policy::default());
    black_box(run(&person, &actor, black_box(query), &roles, &policy)).is_ok()
}

#[library_benchmark]
#[bench::admin_full(ADMIN_FULL)]
fn update_admin(query: &str) -> bool {
    decide_query(admin(), query)
}

#[library_benchmark]
#[bench::self_typical(SELF_TYPICAL)]
fn update_self(query: &str) -> bool {
    decide_query(user(), query)
}

#[library_benchmark]
#[bench::public_key(public_key_query())]
fn update_public_key(query: String) -> bool {
    decide_query(admin(), &query)
}

/// Each hostile request is about 250,000 bytes: 60 instructions a byte is 15,000,000.
const HOSTILE_BUDGET: u64 = HOSTILE_PER_BYTE * 250_000;

#[library_benchmark]
#[bench::description_combining(args = (hostile("description_combining")), config = budget(HOSTILE_BUDGET))]
#[bench::forename_marks(args = (hostile("forename_marks")), config = budget(HOSTILE_BUDGET))]
#[bench::description_percent(args = (hostile("description_percent")), config = budget(HOSTILE_BUDGET))]
#[bench::email_commas(args = (hostile("email_commas")), config = budget(HOSTILE_BUDGET))]
#[bench::unknown_names(args = (hostile("unknown_names")), config = budget(HOSTILE_BUDGET))]
#[bench::json_escapes(args = (hostile("json_escapes")), config = budget(HOSTILE_BUDGET))]
#[bench::timezone_long(args = (hostile("timezone_long")), config = budget(HOSTILE_BUDGET))]
#[bench::password_combining(args = (hostile("password_combining")), config = budget(HOSTILE_BUDGET))]
#[bench::source_entries(args = (hostile("source_entries")), config = budget(HOSTILE_BUDGET))]
#[bench::description_ascii(args = (hostile("description_ascii")), config = budget(HOSTILE_BUDGET))]
fn update_hostile(query: String) -> bool {
    decide_query(admin(), &query)
}

library_benchmark_group!(
    name = update,
    benchmarks = [update_admin, update_self, update_public_key, update_hostile]
);

main!(library_benchmark_groups = update);
