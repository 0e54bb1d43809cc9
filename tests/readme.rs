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
