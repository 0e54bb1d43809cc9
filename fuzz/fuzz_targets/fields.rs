//! Arbitrary strings through every field validator: never a panic, canonical values
//! are fixed points, and `Display` parses back to an equal value.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/oracle/mod.rs"]
mod oracle;

fuzz_target!(|input: &str| {
    oracle::check_fields(input);
});
