//! The decision: authorize and validate one request against a stored person.

mod cross;
mod preconditions;
mod stored;

pub use stored::{StoredCheck, check_stored};

use crate::authz::permission::{self, Standing};
use crate::authz::{Caller, Context, RequestAddress, Uniqueness};
use crate::error::{Error, ErrorCode, ErrorKind, Report};
use crate::field::Field;
use crate::person::Person;
use crate::policy::{OnUnknownParameter, Policy};
use crate::request::Request;
use crate::update::{Accepted, Change, Changes, CheckValue, Update, Valid, changes_for};
use crate::value::{FieldValue, MAX_EMAILS, MAX_LIST_ENTRIES, MAX_SOURCES, Rules, list_entries};

/// How many entries the stored list of `field` holds, splitting on every list
/// separator (which may count more entries, never fewer), up to the hard ceiling.
fn stored_entries(person: &Person, field: Field) -> usize {
    list_entries(person.text(field).unwrap_or_default())
        .take(MAX_LIST_ENTRIES)
        .count()
}

/// Whether two texts are equal, looking at their lengths and end bytes first: a value
/// sent to change a field mostly differs from the stored one there, and then no call
/// to `memcmp` is made.
fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.first() == b.first() && a.last() == b.last() && a == b
}

/// The rules values are parsed under, from the policy.
pub(crate) fn rules(policy: &Policy) -> Rules {
    Rules {
        email_entries: policy.max_email_addresses(),
        source_entries: policy.max_source_entries(),
        password_lengths: policy.password_lengths(),
    }
}

/// Decides whether `caller` may carry out `request` on the stored `person`.
///
/// The caller passed rule 1 ([`crate::Actor::caller`]) before the person was looked up.
///
/// # Errors
/// A [`Report`] of every failing parameter, one entry per key, ordered as Enswitch
/// answers: a `404` alone when the person is out of reach (or the context's customer
/// chain is not theirs); otherwise `402`s, then `403`s, then `400`s, each by key.
pub fn decide<'p>(
    person: &'p Person,
    caller: &Caller,
    request: &Request<'_>,
    context: &Context<'_>,
    policy: &Policy,
) -> Result<Accepted<'p>, Report> {
    let Some(standing) = permission::reach(caller, person, context) else {
        return Err(Report::not_found());
    };
    // The fields sent with a usable value: at most one change each.
    let sent = request.sent_fields();
    let mut decision = Decision {
        person,
        standing,
        address: caller.address(),
        context,
        policy,
        rules: rules(policy),
        errors: Vec::new(),
        changes: changes_for(sent.len()),
    };
    decision.check_request(request);
    for field in sent.iter() {
        if let Some(raw) = request.value(field) {
            decision.check_field(field, raw);
        }
    }
    // Before the rules that read more than one field: a change refused for its
    // precondition is no change they should see.
    if !request.preconditions().is_empty() {
        decision.check_preconditions(request);
    }
    decision.check_password_username();
    decision.check_lock_out();
    let validation_only = decision.validation_only(request);
    let unsettled = decision.unsettled();
    let Decision {
        errors, changes, ..
    } = decision;
    if !errors.is_empty() {
        return Err(Report::new(errors));
    }
    let update = Update::new(person, changes, unsettled);
    Ok(if validation_only {
        Accepted::Validated(update)
    } else {
        Accepted::Ready(Valid::new(update))
    })
}

struct Decision<'p, 'c> {
    person: &'p Person,
    standing: Standing,
    /// Where the request came from, as stated to [`crate::Actor::caller`].
    address: RequestAddress,
    context: &'c Context<'c>,
    policy: &'c Policy,
    rules: Rules,
    errors: Vec<Error>,
    changes: Changes,
}

impl Decision<'_, '_> {
    /// Problems with the request's own parameters: parsing, and `id`.
    fn check_request(&mut self, request: &Request<'_>) {
        let ignore_unknown = self.policy.unknown_parameters() == OnUnknownParameter::Ignore;
        if request.has_problems() {
            self.errors.extend(
                request
                    .problems()
                    .filter(|e| !(ignore_unknown && e.code() == ErrorCode::UnknownParameter)),
            );
        }
        match request.person_id() {
            Ok(id) if id == self.person.id => {}
            Ok(_) => self.errors.push(Error::new("id", ErrorKind::IdMismatch {})),
            Err(e) if matches!(e.code(), ErrorCode::MissingParameter | ErrorCode::InvalidId) => {
                self.errors.push(e);
            }
            Err(_) => {} // already among the parsing problems
        }
    }

    fn validation_only(&mut self, request: &Request<'_>) -> bool {
        match request.validation().map(str::trim) {
            None | Some("0") => false,
            Some("1") => true,
            Some(_) => {
                let kind = ErrorKind::InvalidValidation {};
                self.errors.push(Error::new("validation", kind));
                false
            }
        }
    }

    /// One field. A value equal to the stored one, as sent (trimmed) or in canonical
    /// form, is not a change and passes untouched; a change must be allowed (rules 3–6),
    /// well-formed, and then pass the policy and the role catalogue.
    #[expect(
        clippy::inline_always,
        reason = "into `decide`'s loop over the fields sent, its one caller, which the \
                  compiler leaves as a call: inlined, the request's value and the \
                  decision stay in registers (about 430 instructions on the full \
                  administrator request)"
    )]
    #[inline(always)]
    fn check_field(&mut self, field: Field, raw: &str) {
        // The password is never trimmed and never equal to anything stored.
        let value = if field == Field::Password {
            raw
        } else {
            crate::value::trim(raw)
        };
        let stored = self.person.text(field);
        if stored.is_some_and(|stored| same_text(stored, value)) {
            return;
        }
        // An empty value clears a field that may be cleared; any other field's type
        // refuses it.
        if value.is_empty()
            && let Some(change) = Change::cleared(field)
        {
            self.take(field, change);
            return;
        }
        Change::check_as(
            field,
            FieldCheck {
                decision: self,
                field,
                value,
                stored,
            },
        );
    }

    /// A well-formed change that is not the stored value (`role` compared here): taken
    /// if it is allowed and passes the policy.
    #[expect(
        clippy::inline_always,
        reason = "into each field's check, where the change's variant is known: the matches \
                  on it (the role's, the policy's) then fold away; `#[inline]` is not taken"
    )]
    #[inline(always)]
    fn take(&mut self, field: Field, change: Change) {
        let new_role = match &change {
            Change::Role(id) if id.get() == self.person.role => return,
            Change::Role(id) => self.context.roles().level(id.get()),
            _ => None,
        };
        let checked = self
            .standing
            .may_change(field, new_role, self.policy, self.context)
            .and_then(|()| self.check_policy(&change));
        match checked {
            Ok(()) => self.changes.push(change),
            Err(kind) => self.errors.push(Error::new(field.as_str(), kind)),
        }
    }

    /// A value refused for its format (`refused`): a value that is not allowed is
    /// refused for that instead. A list refused for its size may still be the stored
    /// list sent back, which is no change.
    fn refuse(&mut self, field: Field, value: &str, refused: ErrorKind) {
        if let ErrorKind::TooManyEntries { .. } | ErrorKind::TooLong { .. } = refused
            && self.is_stored_list(field, value)
        {
            return;
        }
        let kind = self
            .standing
            .may_change(field, None, self.policy, self.context)
            .err()
            .unwrap_or(refused);
        self.errors.push(Error::new(field.as_str(), kind));
    }

    /// Whether `value`, a list refused for its count or its length under today's
    /// policy, is the stored list sent back: one stored when the policy allowed more
    /// entries, or sent with addresses repeated or separators doubled (the raw bound
    /// counts bytes, not what is left once they are dropped). It is read again with
    /// room for what the default policy allows, or for as many entries as the stored
    /// list holds if more.
    #[cold]
    fn is_stored_list(&self, field: Field, value: &str) -> bool {
        let mut rules = self.rules;
        let (entries, default) = match field {
            Field::Email => (&mut rules.email_entries, MAX_EMAILS),
            Field::Source => (&mut rules.source_entries, MAX_SOURCES),
            _ => return false,
        };
        let room = stored_entries(self.person, field).max(default);
        if room <= *entries {
            return false;
        }
        *entries = room;
        Change::parse(field, value, &rules).is_ok_and(|change| change.is_no_op(self.person))
    }

    /// What the policy and the role catalogue say of a real change. (A list's count was
    /// bounded by the policy when it was parsed.)
    fn check_policy(&self, change: &Change) -> Result<(), ErrorKind> {
        policy_refusal(change, self.policy)?;
        match change {
            Change::Role(id) if self.context.roles().level(id.get()).is_none() => {
                Err(ErrorKind::UnknownRole {})
            }
            Change::Username(_) if self.context.username() == Uniqueness::Taken => {
                Err(ErrorKind::UsernameTaken {})
            }
            _ => Ok(()),
        }
    }
}

/// What the policy alone says of a well-formed change: the rules that read no context,
/// shared by [`decide`] and [`check_stored`].
fn policy_refusal(change: &Change, policy: &Policy) -> Result<(), ErrorKind> {
    match change {
        Change::Email(None) if policy.require_email() => Err(ErrorKind::EmailRequired {}),
        Change::Language(Some(language)) if !policy.allows_language(language) => {
            Err(ErrorKind::LanguageNotAllowed {})
        }
        _ => Ok(()),
    }
}

/// One field's value, checked as the value type of its field.
struct FieldCheck<'d, 'p, 'c, 'v> {
    decision: &'d mut Decision<'p, 'c>,
    field: Field,
    /// Trimmed (the password as sent), not empty.
    value: &'v str,
    /// The field's stored text (`None` for `role` and `password`).
    stored: Option<&'p str>,
}

impl CheckValue for FieldCheck<'_, '_, '_, '_> {
    type Output = ();

    fn check<T: FieldValue>(self, change: impl FnOnce(T) -> Change) {
        let decision = self.decision;
        match T::parse_under(self.value, &decision.rules) {
            // Equal to the stored value in canonical form: no change.
            Ok(value)
                if value
                    .stored()
                    .zip(self.stored)
                    .is_some_and(|(a, b)| same_text(a, b)) => {}
            Ok(value) => decision.take(self.field, change(value)),
            Err(refused) => decision.refuse(self.field, self.value, refused),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_text_is_equality() {
        for (a, b) in [
            ("", ""),
            ("a", "a"),
            ("Dr", "Ms"),
            ("Dr", "Dr"),
            ("abc", "abd"),
            ("abc", "xbc"),
            ("abc", "axc"),
            ("abc", "abcd"),
            ("é", "e"),
            ("Europe/London", "Europe/Paris"),
        ] {
            assert_eq!(super::same_text(a, b), a == b, "{a:?} {b:?}");
            assert_eq!(super::same_text(b, a), a == b, "{b:?} {a:?}");
        }
    }
}
