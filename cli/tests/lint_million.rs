//! `lint` on 1,000,000 generated people, streamed through a pipe: the memory stays
//! bounded while they pass, and the rate is reported. Ignored by default (a minute in a
//! debug build); CI runs it in release:
//! `cargo test --release -p enswitch-people-cli --test lint_million -- --ignored`.

use std::io::{BufWriter, Read as _, Write as _};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// People fed to the lint.
const PEOPLE: u64 = 1_000_000;
/// The most resident memory the lint may hold while they pass.
const MAX_RESIDENT_KIB: u64 = 8 * 1024;

/// Person `i`: canonical, but every 1,000th holds a legacy country and every 10,000th a
/// time zone in another case.
fn person(i: u64) -> String {
    let country = if i.is_multiple_of(1_000) { "UK" } else { "GB" };
    let timezone = if i.is_multiple_of(10_000) {
        "europe/london"
    } else {
        "Europe/London"
    };
    format!(
        r#"{{"id":{i},"customer":3,"role":4,"username":"user{i}","forename":"Person","surname":"Nummer","email":"user{i}@example.com","country":"{country}","language":"en-GB","timezone":"{timezone}","date_format":"DD/MM/YYYY","time_format":"24","telephone":"+4420794600{:02}","source":"192.0.2.0/24"}}"#,
        i % 100
    )
}

fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "a million people: run in release, as CI does"]
fn a_million_people_stream_through_in_bounded_memory() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_enswitch-people-cli"))
        .args(["lint", "--jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        stdout.read_to_string(&mut out).unwrap();
        out
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut most = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                most = most.max(resident_kib(pid).unwrap_or(0));
                std::thread::sleep(Duration::from_millis(20));
            }
            most
        })
    };
    let started = Instant::now();
    {
        let mut input = BufWriter::new(child.stdin.take().unwrap());
        for i in 1..=PEOPLE {
            writeln!(input, "{}", person(i)).unwrap();
        }
    }
    let status = child.wait().unwrap();
    let took = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let most = sampler.join().unwrap();
    let out = reader.join().unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(status.code(), Some(1));
    assert_eq!(lines.len(), 1_000 + 100 + 1 + 20, "listed, summary, counts");
    assert!(lines.contains(&"1000000 people; 1000 values would be refused"));
    let rate = f64::from(u32::try_from(PEOPLE).unwrap()) / took.as_secs_f64();
    eprintln!(
        "lint: {PEOPLE} people in {took:.2?} ({rate:.0} a second), at most {most} KiB resident"
    );
    assert!(most > 0 && most <= MAX_RESIDENT_KIB, "{most} KiB resident");
}
