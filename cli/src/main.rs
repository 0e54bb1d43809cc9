//! The demo program: runs one `people/update` request against a directory of customers,
//! roles and people, and prints Enswitch's answer.
//!
//! ```text
//! cargo run -p enswitch-people-cli -- [--directory FILE] [--from IP] [--print-person] QUERY
//! ```
//!
//! `QUERY` is a query string, or a JSON object when it starts with `{`; `-` reads it
//! from standard input (a request may be longer than an argument can be). Without
//! `--directory` the demo directory built into this program is used. Exit status: 0 for
//! a `2xx` answer, 1 for a `4xx` answer, 2 for a usage error or an unreadable directory.

use std::io::{Read as _, Write as _};
use std::net::IpAddr;
use std::process::ExitCode;

use enswitch_people::{
    Actor, Context, CustomerChain, Envelope, Error, ErrorKind, Field, FieldSet, Person, Privilege,
    Report, Request, RequestAddress, Roles, Uniqueness, decide,
};

use crate::directory::{DEMO, Directory, chain, load};

mod directory;
mod lint;

const USAGE: &str =
    "usage: enswitch-people-cli [--directory FILE] [--from IP] [--print-person] QUERY
       enswitch-people-cli lint [--directory FILE | --jsonl FILE|- | --database FILE] \
[--policy FILE] [--diff OLD_POLICY] [--json]";

struct Options {
    directory: Option<String>,
    from: Option<IpAddr>,
    print_person: bool,
    query: String,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|first| first == "lint") {
        return lint::main(args.skip(1));
    }
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => return usage_error(&message),
    };
    let text = match &options.directory {
        None => DEMO.to_owned(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => return usage_error(&format!("cannot read {path}: {e}")),
        },
    };
    let directory = match load(&text) {
        Ok(directory) => directory,
        Err(message) => return usage_error(&format!("invalid directory: {message}")),
    };
    let (envelope, person) = run(&directory, &options);
    // A reader that stops early (`| head -1`) is no error of the request's: what could
    // not be written is dropped, and the exit status still tells the answer.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", envelope.to_json());
    if let (true, Some(person)) = (options.print_person, person) {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string(&person).unwrap_or_default()
        );
    }
    if envelope.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("enswitch-people-cli: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut directory = None;
    let mut from = None;
    let mut print_person = false;
    let mut query = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--directory" => directory = Some(args.next().ok_or("--directory needs a FILE")?),
            "--from" => {
                let ip = args.next().ok_or("--from needs an IP address")?;
                from = Some(
                    ip.parse()
                        .map_err(|_| format!("--from: \"{ip}\" is not an IP address"))?,
                );
            }
            "--print-person" => print_person = true,
            "--help" | "-h" => return Err("help".to_owned()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if query.is_some() => return Err("only one QUERY".to_owned()),
            _ => query = Some(arg),
        }
    }
    let mut query = query.ok_or("a QUERY is required")?;
    if query == "-" {
        query.clear();
        std::io::stdin()
            .read_to_string(&mut query)
            .map_err(|e| format!("cannot read the request from standard input: {e}"))?;
    }
    Ok(Options {
        directory,
        from,
        print_person,
        query,
    })
}

fn refuse(key: &'static str, kind: ErrorKind) -> Envelope {
    Envelope::refused(&Report::from(Error::new(key, kind)))
}

/// The answer, and the person after a successful update. The order is SPEC §6's: parse,
/// authenticate (401), rule 1 (402 ""), and only then look the person up (404).
fn run(directory: &Directory, options: &Options) -> (Envelope, Option<Person>) {
    let request = match Request::parse(&options.query) {
        Ok(request) => request,
        Err(e) => return (Envelope::refused(&Report::from(e)), None),
    };
    let roles: Roles = directory
        .roles
        .iter()
        .map(|r| {
            (
                r.id,
                Privilege::from_privileges(r.privileges.iter().map(String::as_str)),
            )
        })
        .collect();
    let Some(me) = authenticate(directory, &request) else {
        return (refuse("", ErrorKind::AuthenticationFailed {}), None);
    };
    let actor = Actor::new(
        me.id,
        me.customer,
        roles.level(me.role).unwrap_or(Privilege::None),
    );
    // Without --from the address is unknown, as in a client's check: the actor's own
    // source list is then not checked, and rule 7 becomes an obligation.
    let address = options
        .from
        .map_or(RequestAddress::Unknown, RequestAddress::Known);
    let caller = match actor.caller(&me.source, address) {
        Ok(caller) => caller,
        Err(report) => return (Envelope::refused(&report), None),
    };
    let id = match caller.person_id(&request) {
        Ok(id) => id,
        Err(report) => return (Envelope::refused(&report), None),
    };
    let Some(person) = directory.people.iter().find(|p| p.id == id) else {
        return (refuse("id", ErrorKind::PersonNotFound {}), None);
    };
    let Ok(chain) = chain(directory, person.customer) else {
        return (refuse("id", ErrorKind::PersonNotFound {}), None);
    };
    let plan_forbids = directory
        .customers
        .iter()
        .find(|c| c.id == person.customer)
        .map_or(FieldSet::EMPTY, |c| c.plan_forbids);
    let chain = CustomerChain::new(person, &chain);
    let context = Context::new(
        &roles,
        chain,
        username_uniqueness(directory, &request, person),
        plan_forbids,
    );
    let decision = decide(person, &caller, &request, &context, &directory.policy);
    let after = match &decision {
        Ok(enswitch_people::Accepted::Ready(update)) => Some(update.apply()),
        Ok(enswitch_people::Accepted::Validated(_)) => Some(person.clone()),
        Err(_) => None,
    };
    (Envelope::of(&decision), after)
}

/// The person named by `auth_username`, found ignoring case as a server finds them.
/// (Their source list is checked by `Actor::caller`; the password is not checked here:
/// authentication is the server's.)
fn authenticate<'d>(directory: &'d Directory, request: &Request<'_>) -> Option<&'d Person> {
    let username = request.auth_username()?;
    directory
        .people
        .iter()
        .find(|p| p.username.eq_ignore_ascii_case(username))
}

/// Whether another person of the directory holds the username the request asks for,
/// ignoring case: the directory knows, so it is never unknown here.
fn username_uniqueness(
    directory: &Directory,
    request: &Request<'_>,
    person: &Person,
) -> Uniqueness {
    let Some(wanted) = request.value(Field::Username).map(str::trim) else {
        return Uniqueness::Free;
    };
    let taken = directory
        .people
        .iter()
        .any(|p| p.id != person.id && p.username.eq_ignore_ascii_case(wanted));
    if taken {
        Uniqueness::Taken
    } else {
        Uniqueness::Free
    }
}
