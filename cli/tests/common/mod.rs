//! Running the program as a user would: arguments and standard input in, exit code,
//! output lines and standard error out.
#![allow(dead_code, reason = "each test file uses its own part")]

use std::process::Command;

/// The program, as cargo built it for these tests.
pub const PROGRAM: &str = env!("CARGO_BIN_EXE_enswitch-people-cli");

/// Runs the example; returns its exit code, stdout lines and stderr.
pub fn run(args: &[&str]) -> (i32, Vec<String>, String) {
    run_with_input(args, "")
}

/// Runs the example with `input` on its standard input.
pub fn run_with_input(args: &[&str], input: &str) -> (i32, Vec<String>, String) {
    use std::io::Write as _;
    let mut child = Command::new(PROGRAM)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the program is built by cargo test");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    (
        output.status.code().unwrap(),
        stdout.lines().map(str::to_owned).collect(),
        String::from_utf8(output.stderr).unwrap(),
    )
}
