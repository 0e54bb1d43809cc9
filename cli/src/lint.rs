//! `enswitch-people-cli lint`: every stored value of every person, checked against
//! today's rules under a policy by the crate's own `check_stored`, streamed so that a
//! million people take the memory of one.
//!
//! ```text
//! enswitch-people-cli lint [--directory FILE | --jsonl FILE|- | --database FILE]
//!                          [--policy FILE] [--diff OLD_POLICY] [--json]
//! ```
//!
//! Each value is canonical, stored in another form (an update would rewrite it), or
//! refused (the code and message a change to it would get). The values that are not
//! canonical are listed; the summary counts all three by field and code. With `--diff`,
//! only the values whose verdict the new policy changes are listed and counted. Exit
//! status: 0 when nothing would be refused, 1 otherwise, 2 for a usage error or input
//! that cannot be read.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::ExitCode;

use enswitch_people::{Field, Person, Policy, StoredCheck, check_stored};

use crate::directory::{DEMO, load};

const USAGE: &str = "usage: enswitch-people-cli lint [--directory FILE | --jsonl FILE|- | \
--database FILE] [--policy FILE] [--diff OLD_POLICY] [--json]";

/// Where the people come from.
enum Source {
    /// A directory file, or the built-in one (`None`).
    Directory(Option<String>),
    /// One person a line, as JSON (`-`: standard input).
    JsonLines(String),
    /// The reference server's database file.
    Database(String),
}

struct Options {
    source: Source,
    policy: Option<String>,
    diff: Option<String>,
    json: bool,
}

/// Runs the lint on the arguments after `lint`.
pub(crate) fn main(args: impl Iterator<Item = String>) -> ExitCode {
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    match lint(&options) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("enswitch-people-cli lint: {message}");
            ExitCode::from(2)
        }
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("enswitch-people-cli lint: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        source: Source::Directory(None),
        policy: None,
        diff: None,
        json: false,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--directory" => options.source = Source::Directory(Some(value()?)),
            "--jsonl" => options.source = Source::JsonLines(value()?),
            "--database" => options.source = Source::Database(value()?),
            "--policy" => options.policy = Some(value()?),
            "--diff" => options.diff = Some(value()?),
            "--json" => options.json = true,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    Ok(options)
}

fn read_policy(path: &str) -> Result<Policy, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: not a policy: {e}"))
}

/// One value's verdict under one policy, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Canonical,
    Rewritten(String),
    Refused { code: &'static str, message: String },
}

impl Verdict {
    fn of(field: Field, value: &str, policy: &Policy) -> Option<Verdict> {
        Some(match check_stored(field, value, policy)? {
            StoredCheck::Canonical => Verdict::Canonical,
            StoredCheck::Rewritten(canonical) => Verdict::Rewritten(canonical),
            StoredCheck::Refused(error) => Verdict::Refused {
                code: error.code().as_str(),
                message: error.kind().to_string(),
            },
        })
    }

    /// The summary's column: `canonical`, `rewritten`, or the refusal's code.
    fn class(&self) -> &'static str {
        match self {
            Verdict::Canonical => "canonical",
            Verdict::Rewritten(_) => "rewritten",
            Verdict::Refused { code, .. } => code,
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Verdict::Canonical => serde_json::json!({"verdict": "canonical"}),
            Verdict::Rewritten(canonical) => {
                serde_json::json!({"verdict": "rewritten", "canonical": canonical})
            }
            Verdict::Refused { code, message } => {
                serde_json::json!({"verdict": "refused", "code": code, "message": message})
            }
        }
    }

    fn text(&self) -> String {
        match self {
            Verdict::Canonical => "canonical".to_owned(),
            Verdict::Rewritten(canonical) => format!("rewritten to {canonical:?}"),
            Verdict::Refused { code, message } => format!("refused: {code}: {message}"),
        }
    }
}

/// The counts, by field and class: bounded by the fields times the codes.
#[derive(Default)]
struct Summary {
    people: u64,
    counts: BTreeMap<(Field, &'static str), u64>,
    refused: u64,
}

/// Streams the people through the checks; whether nothing would be refused.
fn lint(options: &Options) -> Result<bool, String> {
    let directory_policy = match &options.source {
        Source::Directory(path) => {
            let text = match path {
                None => DEMO.to_owned(),
                Some(path) => {
                    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?
                }
            };
            Some(load(&text).map_err(|e| format!("invalid directory: {e}"))?)
        }
        _ => None,
    };
    let policy = match (&options.policy, &directory_policy) {
        (Some(path), _) => read_policy(path)?,
        (None, Some(directory)) => directory.policy.clone(),
        (None, None) => Policy::default(),
    };
    let old = options.diff.as_deref().map(read_policy).transpose()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut summary = Summary::default();
    let mut check = |person: &Person| -> Result<(), String> {
        summary.people += 1;
        for field in Field::ALL {
            let Some(value) = person.text(field) else {
                continue;
            };
            let Some(now) = Verdict::of(field, value, &policy) else {
                continue;
            };
            let before = old.as_ref().and_then(|old| Verdict::of(field, value, old));
            if before.as_ref().is_some_and(|before| *before == now) {
                continue;
            }
            *summary.counts.entry((field, now.class())).or_insert(0) += 1;
            if let Verdict::Refused { .. } = now {
                summary.refused += 1;
            }
            let listed = before.is_some() || now != Verdict::Canonical;
            if listed {
                report(&mut out, options.json, person, field, &now, before.as_ref())?;
            }
        }
        Ok(())
    };
    match &options.source {
        Source::Directory(_) => {
            for person in directory_policy.iter().flat_map(|d| &d.people) {
                check(person)?;
            }
        }
        Source::JsonLines(path) => json_lines(path, &mut check)?,
        Source::Database(path) => database(path, &mut check)?,
    }
    finish(&mut out, options.json, &summary).map_err(|e| e.to_string())?;
    Ok(summary.refused == 0)
}

fn report(
    out: &mut impl Write,
    json: bool,
    person: &Person,
    field: Field,
    now: &Verdict,
    before: Option<&Verdict>,
) -> Result<(), String> {
    let written = if json {
        let mut line =
            serde_json::json!({"person": person.id, "username": person.username, "field": field});
        if let (Some(object), serde_json::Value::Object(verdict)) =
            (line.as_object_mut(), now.json())
        {
            object.extend(verdict);
            if let Some(before) = before {
                object.insert("before".to_owned(), before.json());
            }
        }
        writeln!(out, "{line}")
    } else {
        let was = before
            .map(|b| format!(" (was {})", b.text()))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>8}  {:<20}  {:<12}  {}{was}",
            person.id,
            person.username,
            field.as_str(),
            now.text()
        )
    };
    written.map_err(|e| e.to_string())
}

fn finish(out: &mut impl Write, json: bool, summary: &Summary) -> std::io::Result<()> {
    if json {
        let counts: Vec<serde_json::Value> = summary
            .counts
            .iter()
            .map(|(&(field, class), count)| serde_json::json!({"field": field, "class": class, "count": count}))
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::json!({"summary": {"people": summary.people, "refused": summary.refused, "counts": counts}})
        )?;
    } else {
        writeln!(
            out,
            "{} people; {} values would be refused",
            summary.people, summary.refused
        )?;
        for (&(field, class), count) in &summary.counts {
            writeln!(out, "  {:<12}  {class:<24}  {count:>10}", field.as_str())?;
        }
    }
    out.flush()
}

/// One person a line, each read and checked before the next is read.
fn json_lines(
    path: &str,
    check: &mut dyn FnMut(&Person) -> Result<(), String>,
) -> Result<(), String> {
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        Box::new(BufReader::new(file))
    };
    for (number, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{path}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let person: Person = serde_json::from_str(&line)
            .map_err(|e| format!("{path}:{}: not a person: {e}", number + 1))?;
        check(&person)?;
    }
    Ok(())
}

/// The reference server's `people` table, a row at a time; the columns are the
/// fields stored as text, named as the crate's field table names them.
#[cfg(feature = "database")]
fn database(
    path: &str,
    check: &mut dyn FnMut(&Person) -> Result<(), String>,
) -> Result<(), String> {
    use rusqlite::{Connection, OpenFlags};
    let connection = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("cannot open {path}: {e}"))?;
    let texts: Vec<Field> = Field::ALL.into_iter().filter(|f| f.is_text()).collect();
    let columns: Vec<&str> = texts.iter().map(|f| f.as_str()).collect();
    let sql = format!(
        "SELECT id, customer, role, {} FROM people ORDER BY id",
        columns.join(", ")
    );
    let mut statement = connection
        .prepare(&sql)
        .map_err(|e| format!("{path}: {e}"))?;
    let mut rows = statement.query([]).map_err(|e| format!("{path}: {e}"))?;
    while let Some(row) = rows.next().map_err(|e| format!("{path}: {e}"))? {
        let number = |i: usize| row.get::<_, i64>(i).map(i64::unsigned_abs);
        let mut person = Person {
            id: number(0).map_err(|e| e.to_string())?,
            customer: number(1).map_err(|e| e.to_string())?,
            role: number(2).map_err(|e| e.to_string())?,
            ..Person::default()
        };
        for (i, field) in texts.iter().enumerate() {
            if let Some(slot) = person.text_mut(*field) {
                *slot = row.get(3 + i).map_err(|e| e.to_string())?;
            }
        }
        check(&person)?;
    }
    Ok(())
}

#[cfg(not(feature = "database"))]
fn database(_: &str, _: &mut dyn FnMut(&Person) -> Result<(), String>) -> Result<(), String> {
    Err("this build reads no database: build with `--features database`".to_owned())
}
