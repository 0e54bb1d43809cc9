//! Lays out the table that finds a time zone by its name in any case: one slot per
//! hash, linear probing, each zone by its index in `chrono_tz::TZ_VARIANTS`. The table
//! only speeds the look-up: a name it does not find is still asked of `chrono-tz`.

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
}
