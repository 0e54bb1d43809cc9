//! The README's table of error codes is checked against the error table, so that the
//! two cannot drift apart.

use enswitch_people::ErrorCode;

const BEGIN: &str = "<!-- error-codes:begin -->";
const END: &str = "<!-- error-codes:end -->";

fn table() -> String {
    let mut out = String::from("| code | status | English message |\n|---|---|---|\n");
    for code in ErrorCode::ALL {
        let message = code.template().replace("{{", "{").replace("}}", "}");
        let row = format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.status(),
            message.replace('|', "\\|")
        );
        out.push_str(&row);
    }
    out
}

#[test]
fn error_code_table_matches_the_code() {
    let readme = include_str!("../README.md");
    let start = readme
        .find(BEGIN)
        .expect("README has the error-code markers")
        + BEGIN.len();
    let end = readme.find(END).expect("README has the error-code markers");
    let expected = table();
    assert_eq!(
        readme[start..end].trim(),
        expected.trim(),
        "replace the README's table with:\n{expected}"
    );
}

/// How a limit is written in the README's field table.
fn written(limit: (Option<usize>, Option<usize>)) -> Option<String> {
    match limit {
        (Some(min), Some(max)) if min == max => None, // a fixed width, said in words
        (Some(min), Some(max)) => Some(format!("{min}–{max}")),
        (None, Some(max)) if max >= 1024 && max % 1024 == 0 && max > 1024 => {
            Some(format!("≤ {} KiB", max / 1024))
        }
        (None, Some(max)) => Some(format!("≤ {max}")),
        _ => None,
    }
}

/// Every limit in the README's field table is the one the code checks: the form
/// description (which reads the value types' limits) is the source.
#[test]
fn field_table_limits_match_the_code() {
    use enswitch_people::{
        Actor, Context, CustomerChain, FieldSet, Person, Policy, Privilege, RequestAddress, Roles,
        Uniqueness, form,
    };

    let readme = include_str!("../README.md");
    let start = readme.find("## Fields").expect("a Fields section");
    let table = &readme[start..];
    let table = &table[..table[3..].find("\n## ").map_or(table.len(), |i| i + 3)];
    let person = Person {
        id: 1,
        customer: 1,
        role: 1,
        ..Person::default()
    };
    let roles: Roles = [(1, Privilege::System)].into_iter().collect();
    let caller = Actor::new(2, 1, Privilege::System)
        .caller("", RequestAddress::Unknown)
        .unwrap();
    let context = Context::new(
        &roles,
        CustomerChain::new(&person, &[1]),
        Uniqueness::Free,
        FieldSet::EMPTY,
    );
    let described = form(&person, &caller, &context, &Policy::default()).unwrap();
    for entry in described.fields {
        let name = format!("`{}`", entry.field);
        let row = table
            .lines()
            .find(|line| {
                line.split('|')
                    .nth(1)
                    .is_some_and(|cell| cell.contains(&name))
            })
            .unwrap_or_else(|| panic!("no row for {name}"));
        let limits = entry.limits;
        for expected in [
            written((limits.min_length, limits.max_length)),
            limits.max_entries.map(|n| format!("≤ {n}")),
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                row.contains(&expected),
                "{name}: the README should say {expected:?}: {row}"
            );
        }
    }
}
