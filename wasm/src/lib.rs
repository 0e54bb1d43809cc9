//! The enswitch-people rules in the browser: the form description, one field's check
//! and the whole request's check, with JSON in and out. Errors are values (a JSON
//! `error` member), never a thrown exception or a panic.
//!
//! The input of every function is one JSON object:
//!
//! ```json
//! {"person": {…as people/get gives it…},
//!  "actor": {"id": 11, "customer": 3, "level": "user"},
//!  "chain": [3, 2, 1],
//!  "roles": [{"id": 3, "level": "administrator", "name": "Administrator"}, …],
//!  "plan_forbids": ["public_key"],
//!  "policy": {…optional…},
//!  "language": "en" | "de"}
//! ```

use enswitch_people::{
    Accepted, Actor, Caller, Catalogue, Context, CustomerChain, English, Envelope, Field, FieldSet,
    German, Obligation, Person, Policy, Privilege, Report, Request, RequestAddress, Roles,
    Uniqueness, decide,
};
use serde::Deserialize;
use serde_json::{Value, json};
use wasm_bindgen::prelude::wasm_bindgen;

#[derive(Deserialize)]
struct Input {
    person: Person,
    actor: ActorInput,
    chain: Vec<u64>,
    roles: Vec<RoleInput>,
    /// A fact, stated: required, so that a page that forgets it is refused.
    plan_forbids: FieldSet,
    #[serde(default)]
    policy: Policy,
    #[serde(default)]
    language: Option<String>,
}

#[derive(Deserialize)]
struct ActorInput {
    id: u64,
    customer: u64,
    level: Privilege,
}

#[derive(Deserialize)]
struct RoleInput {
    id: u64,
    level: Privilege,
    /// What a form shows it by.
    #[serde(default)]
    name: Option<String>,
}

impl Input {
    fn roles(&self) -> Roles {
        let mut roles: Roles = self.roles.iter().map(|r| (r.id, r.level)).collect();
        for role in &self.roles {
            if let Some(name) = &role.name {
                roles.set_name(role.id, name.clone());
            }
        }
        roles
    }

    /// The actor as a caller. The browser cannot know the address the server will see:
    /// it says so, so the actor's own source list is the server's to check, and a change
    /// of their own `source` is checked there too (rule 7).
    fn caller(&self) -> Result<Caller, Report> {
        let actor = Actor::new(self.actor.id, self.actor.customer, self.actor.level);
        actor.caller("", RequestAddress::Unknown)
    }

    fn catalogue(&self) -> &'static dyn Catalogue {
        match self.language.as_deref() {
            Some("de") => &German,
            _ => &English,
        }
    }
}

/// A refusal of the input itself (not JSON of the expected shape).
fn bad_input(error: &serde_json::Error) -> String {
    json!({"error": {"code": "bad_input", "message": error.to_string()}}).to_string()
}

/// Runs `f` on the parsed input, with the role catalogue and the context it needs.
fn with_input(input: &str, f: impl FnOnce(&Input, &Context<'_>) -> Value) -> String {
    let input: Input = match serde_json::from_str(input) {
        Ok(input) => input,
        Err(error) => return bad_input(&error),
    };
    let roles = input.roles();
    // Nor who holds a username: `username_taken` is the server's to answer.
    let chain = CustomerChain::new(&input.person, &input.chain);
    let context = Context::new(&roles, chain, Uniqueness::Unknown, input.plan_forbids);
    f(&input, &context).to_string()
}

fn refused(report: &Report, catalogue: &dyn Catalogue) -> Value {
    serde_json::from_str(&Envelope::refused_detailed(report, catalogue).to_json())
        .unwrap_or(Value::Null)
}

/// The rules the browser left to the server, as it cannot know their facts: the names
/// of the obligations `check_lock_out` and `check_username_unique` the update carries.
fn server_checks(accepted: &Accepted<'_>) -> Vec<&'static str> {
    let Accepted::Ready(update) = accepted else {
        return Vec::new();
    };
    update
        .obligations()
        .iter()
        .filter(|o| o.is_check())
        .map(Obligation::name)
        .collect()
}

/// The form description for the input's person, as the actor may edit them:
/// `{"form": {…}}`, or `{"error": envelope}` (`402`, `404`).
#[wasm_bindgen]
#[must_use]
pub fn form(input: &str) -> String {
    with_input(input, |input, context| {
        let described = input.caller().and_then(|caller| {
            let catalogue = input.catalogue();
            enswitch_people::form_in(&input.person, &caller, context, &input.policy, catalogue)
        });
        match described {
            Ok(form) => json!({ "form": form }),
            Err(report) => json!({ "error": refused(&report, input.catalogue()) }),
        }
    })
}

/// The verdict on a whole request (a query string, or a JSON object when it starts
/// with `{`): `{"envelope": …, "person": …}`, the person as it would be after a
/// `204`.
#[wasm_bindgen]
#[must_use]
pub fn check_request(input: &str, request: &str) -> String {
    with_input(input, |input, context| {
        let decision = Request::parse(request)
            .map_err(Report::from)
            .and_then(|request| {
                let caller = input.caller()?;
                decide(&input.person, &caller, &request, context, &input.policy)
                    .map(Accepted::into_owned)
            });
        let envelope = match &decision {
            Ok(accepted) => {
                serde_json::from_str(&Envelope::accepted(accepted).to_json()).unwrap_or(Value::Null)
            }
            Err(report) => refused(report, input.catalogue()),
        };
        let after = match &decision {
            Ok(Accepted::Ready(update)) => Some(update.apply()),
            _ => None,
        };
        json!({ "envelope": envelope, "person": after })
    })
}

/// One field's check, exactly as the server decides it: `{"value": canonical}` (the
/// value as it will be saved; `null` for the password), `{"unchanged": true}` when it
/// equals the stored value, or `{"error": {code, key, message, error}}` with the
/// message in the input's language.
#[wasm_bindgen]
#[must_use]
pub fn check_field(input: &str, field: &str, value: &str) -> String {
    with_input(input, |input, context| {
        let Ok(field) = field.parse::<Field>() else {
            return json!({"error": {"code": "bad_input", "message": "not a field of people/update"}});
        };
        let request = Request::builder(input.person.id)
            .field(field, value)
            .build();
        let decision = input
            .caller()
            .and_then(|caller| decide(&input.person, &caller, &request, context, &input.policy));
        match decision {
            // The diff shows the value as it will be saved (the role's id; never the
            // password, which the diff redacts).
            Ok(accepted) => match accepted.update().diff().iter().find(|d| d.field == field) {
                None => json!({"unchanged": true}),
                Some(entry) => {
                    let value = (field != Field::Password).then_some(&entry.new);
                    let checks = server_checks(&accepted);
                    if checks.is_empty() {
                        json!({ "value": value })
                    } else {
                        json!({ "value": value, "server_checks": checks })
                    }
                }
            },
            Err(report) => {
                let envelope = refused(&report, input.catalogue());
                let entry = envelope["responses"]
                    .as_array()
                    .and_then(|all| {
                        all.iter()
                            .find(|e| e["key"] == field.as_str())
                            .or_else(|| all.first())
                    })
                    .cloned()
                    .unwrap_or(Value::Null);
                json!({ "error": entry })
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Alice, a plain user, on her own record.
    const ALICE: &str = r#"{
        "person": {"id": 11, "customer": 3, "role": 4, "username": "alice", "timezone": "Europe/London"},
        "actor": {"id": 11, "customer": 3, "level": "user"},
        "chain": [3, 2, 1],
        "roles": [{"id": 3, "level": "administrator"}, {"id": 4, "level": "user"}],
        "plan_forbids": ["public_key"]
    }"#;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_fact_left_out_is_refused_not_defaulted() {
        let mut input = json(ALICE);
        input.as_object_mut().unwrap().remove("plan_forbids");
        let answer = json(&check_field(&input.to_string(), "timezone", "asia/tokyo"));
        assert_eq!(answer["error"]["code"], "bad_input", "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("missing field `plan_forbids`"),
            "{answer}"
        );
    }

    #[test]
    fn a_changed_own_source_is_left_to_the_server() {
        // Alice as an administrator of her own record: the browser cannot know her
        // address, so the change passes here and the server applies rule 7.
        let mut input = json(ALICE);
        input["actor"]["level"] = json!("administrator");
        input["person"]["role"] = json!(3);
        let answer = json(&check_field(&input.to_string(), "source", "10.0.0.0/8"));
        assert_eq!(
            answer,
            json!({"value": "10.0.0.0/8", "server_checks": ["check_lock_out"]})
        );
        let answer = json(&check_field(&input.to_string(), "username", "alice2"));
        assert_eq!(
            answer,
            json!({"value": "alice2", "server_checks": ["check_username_unique"]})
        );
    }

    #[test]
    fn one_field_at_a_time() {
        assert_eq!(
            json(&check_field(ALICE, "timezone", "asia/tokyo")),
            json!({"value": "Asia/Tokyo"})
        );
        assert_eq!(
            json(&check_field(ALICE, "timezone", " europe/london ")),
            json!({"unchanged": true})
        );
        assert_eq!(
            json(&check_field(ALICE, "timezone", "Mars/Base")),
            json!({"error": {"code": "400", "key": "timezone",
                "message": "The time zone must be an IANA name such as Europe/London, or empty for the default.",
                "error": {"code": "unknown_time_zone", "params": {}}}})
        );
        assert_eq!(
            json(&check_field(ALICE, "username", "root"))["error"]["error"]["code"],
            "not_self_service"
        );
        assert_eq!(
            json(&check_field(ALICE, "public_key", "x"))["error"]["code"],
            "403"
        );
        let german = ALICE.replacen('{', r#"{"language": "de","#, 1);
        assert_eq!(
            json(&check_field(&german, "title", &"x".repeat(65)))["error"]["message"],
            "Dieser Wert ist zu lang: höchstens 64 Zeichen sind erlaubt."
        );
        assert_eq!(
            json(&check_field(ALICE, "colour", "red"))["error"]["code"],
            "bad_input"
        );
    }

    #[test]
    fn the_form_and_the_whole_request() {
        let described = json(&form(ALICE));
        let fields = described["form"]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), Field::COUNT);
        let username = fields.iter().find(|f| f["field"] == "username").unwrap();
        assert_eq!(username["editable"], false);
        let checked = json(&check_request(ALICE, "id=11;timezone=asia/tokyo;title=Dr"));
        assert_eq!(
            checked["envelope"],
            json!({"responses": [{"code": "204", "key": "", "message": "OK"}]})
        );
        assert_eq!(checked["person"]["timezone"], "Asia/Tokyo");
        let checked = json(&check_request(ALICE, r#"{"id": 11, "role": 3}"#));
        assert_eq!(checked["envelope"]["responses"][0]["code"], "402");
        assert_eq!(checked["person"], Value::Null);
    }

    #[test]
    fn bad_input_is_a_value_not_a_panic() {
        assert_eq!(json(&form("not json"))["error"]["code"], "bad_input");
        assert_eq!(
            json(&check_request("{}", "id=1"))["error"]["code"],
            "bad_input"
        );
        let out_of_reach = ALICE.replace(
            r#""id": 11, "customer": 3, "level""#,
            r#""id": 12, "customer": 3, "level""#,
        );
        assert_eq!(
            json(&form(&out_of_reach))["error"]["responses"][0]["code"],
            "404"
        );
    }
}
