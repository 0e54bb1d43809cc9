//! The inputs both benchmarks measure: the stored person, the requests, and the
//! hostile requests near the size bound. Defined once, read by `update.rs` (criterion)
//! and `instructions.rs` (gungraun).
#![allow(dead_code)] // each bench binary uses a different part

use enswitch_people::{
    Accepted, Actor, Context, CustomerChain, FieldSet, Person, Policy, Privilege, Report, Request,
    RequestAddress, Roles, Uniqueness, decide,
};

/// Where the benchmarks' requests come from, as a server states it.
const REQUEST_IP: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));

/// An administrator changes every field but `public_key` (19 fields), `&`-separated so
/// that `form_urlencoded` reads it the same way.
pub const ADMIN_FULL: &str = "id=11&username=alice.smith&password=correct%20horse%20battery\
    &forename=Alicia&surname=O%E2%80%99Brien&title=Dr&company=Acme%20Widgets%20Ltd\
    &description=Key%20account%0AUK%20sales&email=Alice@Example.COM,alice.smith@acme.example\
    &telephone=%2B44%20(0)20%207946%200000&mobile=07700%20900123&fax=%2B44%2020%207946%200999\
    &extension=2001&country=fr&language=FR_fr&timezone=europe/paris&date_format=yyyy-mm-dd\
    &time_format=12&source=192.0.2.0/24,2001:db8::/32&role=3";

/// A plain user changes three fields of their own.
pub const SELF_TYPICAL: &str =
    "id=11&timezone=america/new_york&language=en_us&email=alice@example.org";

/// Ten invalid fields.
pub const REJECTED: &str = "id=11&username=-bad-&forename=R2D2&email=nobody&telephone=12ab\
    &extension=x&country=UK&language=english&timezone=Mars/Base&date_format=DD.MM.YYYY&source=10.0.0.1/8";

#[path = "../../tests/common/fixtures.rs"]
mod fixtures;

/// Alice, as the tests know her: a plain user of customer 3.
pub fn stored() -> Person {
    fixtures::person(11, 3, 4, "alice")
}

pub fn roles() -> Roles {
    [(3, Privilege::Administrator), (4, Privilege::User)]
        .into_iter()
        .collect()
}

const CHAIN: [u64; 3] = [3, 2, 1];

pub fn admin() -> Actor {
    Actor::new(10, 3, Privilege::Administrator)
}

pub fn user() -> Actor {
    Actor::new(11, 3, Privilege::User)
}

pub fn public_key_query() -> String {
    let key = include_str!("../../tests/data/rsa4096.pub.asc");
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

/// A request (query string or JSON) in, validated update out.
pub fn run<'p>(
    person: &'p Person,
    actor: &Actor,
    query: &str,
    roles: &Roles,
    policy: &Policy,
) -> Result<Accepted<'p>, Report> {
    let request = Request::parse(query).map_err(Report::from)?;
    let caller = actor.caller("", RequestAddress::Known(REQUEST_IP))?;
    let context = Context::new(
        roles,
        CustomerChain::new(person, &CHAIN),
        Uniqueness::Free,
        FieldSet::EMPTY,
    );
    decide(person, &caller, &request, &context, policy)
}

/// About 250 KB each.
const HOSTILE_BYTES: usize = 250_000;

/// `id=11&name=` and `unit` repeated to about 250 KB.
fn filled(name: &str, unit: &str) -> String {
    filled_to(HOSTILE_BYTES, name, unit)
}

/// `id=11&name=` and `unit` repeated to about `bytes`.
fn filled_to(bytes: usize, name: &str, unit: &str) -> String {
    let head = format!("id=11&{name}=");
    let count = (bytes - head.len()) / unit.len();
    head + &unit.repeat(count)
}

/// The hardening issue's hostile requests, and a plain one for reference: each within
/// the bounds, about 250 KB but the last three (8 KB of combining marks within the
/// description's raw bound, which NFC must reorder: one run; runs of the longest length
/// normalized; runs that the check before normalizing cannot refuse): `(name,
/// request)`.
pub fn hostile() -> Vec<(&'static str, String)> {
    let long_name = "n".repeat(2_500);
    let unknown: Vec<String> = (0..98).map(|i| format!("{long_name}{i:02}=1")).collect();
    let json_head = r#"{"id":11,"description":""#;
    let json_units = (HOSTILE_BYTES - json_head.len() - 2) / 6;
    let email_head = "id=11&email=a@example.com";
    vec![
        ("description_combining", filled("description", "e\u{301}")),
        (
            "forename_marks",
            filled("forename", "\u{301}\u{316}").replace("forename=", "forename=a"),
        ),
        ("description_percent", filled("description", "%E2%80%99")),
        (
            "email_commas",
            email_head.to_owned() + &",".repeat(HOSTILE_BYTES - email_head.len()),
        ),
        ("unknown_names", format!("id=11&{}", unknown.join("&"))),
        (
            "json_escapes",
            format!("{json_head}{}\"}}", r"\u00e9".repeat(json_units)),
        ),
        ("timezone_long", filled("timezone", "Europe/")),
        ("password_combining", filled("password", "e\u{301}")),
        ("source_entries", filled("source", "192.0.2.1,")),
        ("description_ascii", filled("description", "x")),
        (
            "description_marks",
            filled_to(8_192, "description", "\u{301}\u{316}")
                .replace("description=", "description=a"),
        ),
        // Runs as long as normalization may be asked to reorder (4 × 30 + 3 marks).
        (
            "description_mark_runs",
            filled_to(
                8_192,
                "description",
                &format!("a\u{301}{}", "\u{316}\u{301}".repeat(61)),
            ),
        ),
        // A mark of class 0 in every four, which might take the three after it for
        // all the check before normalizing can tell: normalized up to the character
        // past the limit.
        (
            "description_mark_starters",
            filled_to(
                8_192,
                "description",
                &format!("a{}", "\u{DCF}\u{301}\u{301}\u{301}".repeat(30)),
            ),
        ),
    ]
}
