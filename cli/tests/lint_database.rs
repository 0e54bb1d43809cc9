//! `lint --database` on the reference server's real database file: made by the server's
//! own migrations and seed, then given legacy values as an old installation holds them.
#![cfg(feature = "database")]

use std::process::Command;

use enswitch_people_server::auth::{Cost, Hasher};
use enswitch_people_server::store::{Store, Synchronous};

#[test]
fn the_servers_database_file_is_read_row_by_row() {
    let dir = std::env::temp_dir().join(format!("enswitch-people-lint-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("people.sqlite");
    {
        let store = Store::open(path.to_str().unwrap(), Synchronous::Full).unwrap();
        let cheap = Hasher::new(
            Cost {
                memory_kib: 8,
                iterations: 1,
                lanes: 1,
            },
            [],
        );
        store
            .seed_if_empty(|password| cheap.hash(password))
            .unwrap();
    }
    // What an old installation holds, written beside the server.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE people SET country = 'UK', timezone = 'europe/london' WHERE username = 'carol'",
            [],
        )
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_enswitch-people-cli"))
        .args(["lint", "--database"])
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(
        lines[..3],
        [
            "      21  carol                 country       refused: unknown_country: The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US.",
            "      21  carol                 timezone      rewritten to \"Europe/London\"",
            "7 people; 1 values would be refused",
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
