//! Lays out two look-up tables from the crates that hold the facts, so that neither is
//! written by hand:
//! - the time zones by name in any case: one slot per hash, linear probing, each zone
//!   by its index in `chrono_tz::TZ_VARIANTS`;
//! - the countries by their two letters: one slot per pair of letters, each country by
//!   its index in `isocountry::CountryCode::as_array()`.
//!
//! The code checks what a slot gives. A zone name the table does not find is still
//! asked of chrono-tz; the country table holds every code (a test asks isocountry
//! every pair of letters), so a pair it does not hold is no country.

use std::fmt::Write as _;
use std::path::PathBuf;

#[path = "src/value/timezone/fold.rs"]
mod fold;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/value/timezone/fold.rs");
    let mut slots = vec![u16::MAX; fold::SLOTS];
    let mut most_probes = 0;
    for (index, zone) in chrono_tz::TZ_VARIANTS.iter().enumerate() {
        let mut slot = fold::slot(zone.name().as_bytes());
        let mut probes = 1;
        while slots[slot] != u16::MAX {
            slot = fold::next(slot);
            probes += 1;
        }
        slots[slot] = u16::try_from(index).expect("fewer zones than u16::MAX");
        most_probes = most_probes.max(probes);
    }
    let mut out = String::new();
    writeln!(out, "/// The slots read before a look-up gives up.").unwrap();
    writeln!(out, "const MAX_PROBES: usize = {most_probes};").unwrap();
    writeln!(
        out,
        "/// Each slot: an index into `TZ_VARIANTS`, or `u16::MAX` when empty."
    )
    .unwrap();
    writeln!(out, "static ZONE_SLOTS: [u16; fold::SLOTS] = {slots:?};").unwrap();
    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(path.join("zone_slots.rs"), out).expect("OUT_DIR is writable");
    std::fs::write(path.join("country_slots.rs"), country_slots()).expect("OUT_DIR is writable");
}

/// Slot `26 × first + second` (letters from `A`) holds the country's index, or
/// `u8::MAX` when the pair is no country.
fn country_slots() -> String {
    let mut slots = [u8::MAX; 26 * 26];
    for (index, code) in isocountry::CountryCode::as_array().iter().enumerate() {
        let &[first, second] = code.alpha2().as_bytes() else {
            panic!("an alpha-2 code is two letters: {code:?}");
        };
        let slot = usize::from(first - b'A') * 26 + usize::from(second - b'A');
        slots[slot] = u8::try_from(index).expect("fewer countries than u8::MAX");
    }
    let mut out = String::new();
    writeln!(
        out,
        "/// Each pair of letters: an index into `CountryCode::as_array()`, or `u8::MAX`."
    )
    .unwrap();
    writeln!(out, "static COUNTRY_SLOTS: [u8; 26 * 26] = {slots:?};").unwrap();
    out
}
