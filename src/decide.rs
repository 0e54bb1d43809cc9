//! The decision: authorize and validate one request against a stored person.

use crate::actor::Actor;
use crate::context::Context;
use crate::error::{Error, ErrorCode, ErrorKind};
use crate::field::Field;
use crate::permission::{self, Standing};
use crate::person::Person;
use crate::policy::{Policy, UnknownParameters};
use crate::privilege::Privilege;
use crate::report::Report;
use crate::request::Request;
use crate::update::{Accepted, Change, Update, Valid};
use crate::value::{EmailList, Password, SourceList};

/// Decides whether `actor` may carry out `request` on the stored `person`.
///
/// # Errors
/// A [`Report`] of every failing parameter, one entry per key, ordered as Enswitch
/// answers: a `402` alone when the actor may not call `people/update` at all; a `404`
/// alone when the person is out of reach; otherwise `402`s, then `403`s, then `400`s,
/// each by key.
pub fn decide<'p>(
    person: &'p Person,
    actor: &Actor,
    request: &Request<'_>,
    context: &Context<'_>,
    policy: &Policy,
) -> Result<Accepted<'p>, Report> {
    if actor.level() < Privilege::User {
        return Err(Report::from(Error::new(
            "",
            ErrorKind::FunctionNotPermitted {},
        )));
    }
    let Some(standing) = permission::reach(actor, person, context) else {
        return Err(Report::from(Error::new("id", ErrorKind::PersonNotFound {})));
    };
    let mut decision = Decision {
        person,
        standing,
        context,
        policy,
        errors: Vec::new(),
        changes: Vec::with_capacity(
            Field::ALL
                .iter()
                .filter(|f| request.value(**f).is_some())
                .count(),
        ),
    };
    decision.check_request(request);
    for field in Field::ALL {
        if let Some(raw) = request.value(field) {
            decision.check_field(field, raw);
        }
    }
    decision.check_password_username();
    decision.check_lock_out();
    let validation_only = decision.validation_only(request);
    let Decision {
        errors, changes, ..
    } = decision;
    if !errors.is_empty() {
        return Err(Report::new(errors));
    }
    let update = Update::new(person, changes);
    Ok(if validation_only {
        Accepted::Validated(update)
    } else {
        Accepted::Ready(Valid::new(update))
    })
}

struct Decision<'p, 'c> {
    person: &'p Person,
    standing: Standing,
    context: &'c Context<'c>,
    policy: &'c Policy,
    errors: Vec<Error>,
    changes: Vec<Change>,
}

impl Decision<'_, '_> {
    /// Problems with the request's own parameters: parsing, and `id`.
    fn check_request(&mut self, request: &Request<'_>) {
        let ignore_unknown = self.policy.unknown_parameters() == UnknownParameters::Ignore;
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

    /// One field: unchanged values pass untouched; a change must be allowed (rules
    /// 3–6) and then valid.
    fn check_field(&mut self, field: Field, raw: &str) {
        // The password is never trimmed and never equal to anything stored.
        let value = if field == Field::Password {
            raw
        } else {
            raw.trim()
        };
        if self.person.text(field) == Some(value) {
            return;
        }
        let parsed = self.parse(field, value);
        if parsed
            .as_ref()
            .is_ok_and(|change| change.is_no_op(self.person))
        {
            return;
        }
        let new_role = match &parsed {
            Ok(Change::Role(id)) => self.context.roles().level(id.get()),
            _ => None,
        };
        let allowed = self
            .standing
            .may_change(field, new_role, self.policy, self.context);
        match allowed.and(parsed) {
            Ok(change) => self.changes.push(change),
            Err(kind) => self.errors.push(Error::new(field.as_str(), kind)),
        }
    }

    /// The canonical change for a trimmed value (the password untrimmed).
    fn parse(&self, field: Field, value: &str) -> Result<Change, ErrorKind> {
        if value.is_empty() && field.is_clearable() {
            return self.cleared(field);
        }
        Ok(match field {
            Field::Company => Change::Company(Some(value.parse()?)),
            Field::Country => Change::Country(value.parse()?),
            Field::DateFormat => Change::DateFormat(value.parse()?),
            Field::Description => Change::Description(Some(value.parse()?)),
            Field::Email => Change::Email(Some(EmailList::parse(
                value,
                self.policy.max_email_addresses(),
            )?)),
            Field::Extension => Change::Extension(Some(value.parse()?)),
            Field::Fax => Change::Fax(Some(value.parse()?)),
            Field::Forename => Change::Forename(Some(value.parse()?)),
            Field::Language => {
                let language = value.parse()?;
                if !self.policy.allows_language(&language) {
                    return Err(ErrorKind::LanguageNotAllowed {});
                }
                Change::Language(Some(language))
            }
            Field::Mobile => Change::Mobile(Some(value.parse()?)),
            Field::Password => {
                let (min, max) = self.policy.password_lengths();
                Change::Password(Password::new(value, min, max)?)
            }
            Field::PublicKey => Change::PublicKey(Some(value.parse()?)),
            Field::Role => {
                let id: crate::value::RoleId = value.parse()?;
                if self.context.roles().level(id.get()).is_none() {
                    return Err(ErrorKind::UnknownRole {});
                }
                Change::Role(id)
            }
            Field::Source => Change::Source(Some(SourceList::parse(
                value,
                self.policy.max_source_entries(),
            )?)),
            Field::Surname => Change::Surname(Some(value.parse()?)),
            Field::Telephone => Change::Telephone(Some(value.parse()?)),
            Field::TimeFormat => Change::TimeFormat(value.parse()?),
            Field::Timezone => Change::Timezone(Some(value.parse()?)),
            Field::Title => Change::Title(Some(value.parse()?)),
            Field::Username => Change::Username(value.parse()?),
        })
    }

    fn cleared(&self, field: Field) -> Result<Change, ErrorKind> {
        Ok(match field {
            Field::Company => Change::Company(None),
            Field::Description => Change::Description(None),
            Field::Email if self.policy.require_email() => return Err(ErrorKind::EmailRequired {}),
            Field::Email => Change::Email(None),
            Field::Extension => Change::Extension(None),
            Field::Fax => Change::Fax(None),
            Field::Forename => Change::Forename(None),
            Field::Language => Change::Language(None),
            Field::Mobile => Change::Mobile(None),
            Field::PublicKey => Change::PublicKey(None),
            Field::Source => Change::Source(None),
            Field::Surname => Change::Surname(None),
            Field::Telephone => Change::Telephone(None),
            Field::Timezone => Change::Timezone(None),
            Field::Title => Change::Title(None),
            Field::Country
            | Field::DateFormat
            | Field::Password
            | Field::Role
            | Field::TimeFormat
            | Field::Username => return Err(ErrorKind::EmptyValue {}),
        })
    }

    /// The password may not equal the username it will sit beside: the new one when
    /// the username changes too.
    fn check_password_username(&mut self) {
        let Some(i) = self
            .changes
            .iter()
            .position(|c| c.field() == Field::Password)
        else {
            return;
        };
        let username = self
            .changes
            .iter()
            .find_map(|c| match c {
                Change::Username(username) => Some(username.as_str()),
                _ => None,
            })
            .unwrap_or(&self.person.username);
        let matches =
            matches!(&self.changes[i], Change::Password(p) if p.matches_username(username));
        if matches {
            self.changes.remove(i);
            let kind = ErrorKind::PasswordMatchesUsername {};
            self.errors.push(Error::new("password", kind));
        }
    }

    /// Rule 7: your own new source list must admit the address you are connecting from.
    fn check_lock_out(&mut self) {
        let (Some(ip), true) = (self.context.request_ip(), self.standing.is_own()) else {
            return;
        };
        let Some(i) = self.changes.iter().position(|c| c.field() == Field::Source) else {
            return;
        };
        if matches!(&self.changes[i], Change::Source(Some(list)) if !list.admits(ip)) {
            self.changes.remove(i);
            self.errors
                .push(Error::new("source", ErrorKind::WouldLockOut {}));
        }
    }
}
