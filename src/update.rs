//! A validated update: its changes, its audit diff and what the caller must do.

use std::borrow::Cow;
use std::ops::Deref;

use serde::Serialize;

use crate::field::Field;
use crate::person::Person;
use crate::status::Status;
use crate::value::{
    Company, Country, DateFormat, Description, EmailList, Extension, Language, Password,
    PersonName, PhoneNumber, PublicKey, RoleId, SourceList, TimeFormat, TimeZone, Title, Username,
};

/// One field's change, in canonical form. For the fields that can be cleared, `None`
/// clears the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The new `company` (`None` clears it).
    Company(Option<Company>),
    /// The new `country`.
    Country(Country),
    /// The new `date_format`.
    DateFormat(DateFormat),
    /// The new `description` (`None` clears it).
    Description(Option<Description>),
    /// The new `email` (`None` clears it).
    Email(Option<EmailList>),
    /// The new `extension` (`None` clears it).
    Extension(Option<Extension>),
    /// The new `fax` (`None` clears it).
    Fax(Option<PhoneNumber>),
    /// The new `forename` (`None` clears it).
    Forename(Option<PersonName>),
    /// The new `language` (`None` clears it).
    Language(Option<Language>),
    /// The new `mobile` (`None` clears it).
    Mobile(Option<PhoneNumber>),
    /// The new `password`.
    Password(Password),
    /// The new `public_key` (`None` clears it).
    PublicKey(Option<PublicKey>),
    /// The new `role`.
    Role(RoleId),
    /// The new `source` (`None` clears it).
    Source(Option<SourceList>),
    /// The new `surname` (`None` clears it).
    Surname(Option<PersonName>),
    /// The new `telephone` (`None` clears it).
    Telephone(Option<PhoneNumber>),
    /// The new `time_format`.
    TimeFormat(TimeFormat),
    /// The new `timezone` (`None` clears it).
    Timezone(Option<TimeZone>),
    /// The new `title` (`None` clears it).
    Title(Option<Title>),
    /// The new `username`.
    Username(Username),
}

/// How the password is shown wherever a value would be.
const REDACTED: &str = "********";

fn text<T>(value: Option<&T>, as_str: impl Fn(&T) -> &str) -> &str {
    value.map_or("", as_str)
}

impl Change {
    /// The field this change is to.
    #[must_use]
    pub fn field(&self) -> Field {
        match self {
            Change::Company(_) => Field::Company,
            Change::Country(_) => Field::Country,
            Change::DateFormat(_) => Field::DateFormat,
            Change::Description(_) => Field::Description,
            Change::Email(_) => Field::Email,
            Change::Extension(_) => Field::Extension,
            Change::Fax(_) => Field::Fax,
            Change::Forename(_) => Field::Forename,
            Change::Language(_) => Field::Language,
            Change::Mobile(_) => Field::Mobile,
            Change::Password(_) => Field::Password,
            Change::PublicKey(_) => Field::PublicKey,
            Change::Role(_) => Field::Role,
            Change::Source(_) => Field::Source,
            Change::Surname(_) => Field::Surname,
            Change::Telephone(_) => Field::Telephone,
            Change::TimeFormat(_) => Field::TimeFormat,
            Change::Timezone(_) => Field::Timezone,
            Change::Title(_) => Field::Title,
            Change::Username(_) => Field::Username,
        }
    }

    /// The new value as the person's record stores it (`""` when cleared); `None` for
    /// `role` (an id, see [`Change::Role`]) and `password` (not stored, never shown).
    #[must_use]
    pub fn stored_text(&self) -> Option<&str> {
        Some(match self {
            Change::Company(v) => text(v.as_ref(), Company::as_str),
            Change::Title(v) => text(v.as_ref(), Title::as_str),
            Change::Country(v) => v.as_str(),
            Change::DateFormat(v) => v.as_str(),
            Change::Description(v) => text(v.as_ref(), Description::as_str),
            Change::Email(v) => text(v.as_ref(), EmailList::as_str),
            Change::Extension(v) => text(v.as_ref(), Extension::as_str),
            Change::Fax(v) | Change::Mobile(v) | Change::Telephone(v) => {
                text(v.as_ref(), PhoneNumber::as_str)
            }
            Change::Forename(v) | Change::Surname(v) => text(v.as_ref(), PersonName::as_str),
            Change::Language(v) => text(v.as_ref(), Language::as_str),
            Change::PublicKey(v) => text(v.as_ref(), PublicKey::as_str),
            Change::Source(v) => text(v.as_ref(), SourceList::as_str),
            Change::TimeFormat(v) => v.as_str(),
            Change::Timezone(v) => v.as_ref().map_or("", TimeZone::as_str),
            Change::Username(v) => v.as_str(),
            Change::Password(_) | Change::Role(_) => return None,
        })
    }

    /// The change that clears `field`; `None` for the fields that cannot be cleared.
    #[must_use]
    pub fn cleared(field: Field) -> Option<Change> {
        Some(match field {
            Field::Company => Change::Company(None),
            Field::Description => Change::Description(None),
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
            | Field::Username => return None,
        })
    }

    /// Whether this change would leave `person` as it is.
    pub(crate) fn is_no_op(&self, person: &Person) -> bool {
        match self {
            Change::Role(id) => id.get() == person.role,
            Change::Password(_) => false,
            _ => self.stored_text() == person.text(self.field()),
        }
    }

    /// The value for the audit diff: the password redacted.
    fn shown(&self) -> Cow<'_, str> {
        match self {
            Change::Role(id) => Cow::Owned(id.to_string()),
            Change::Password(_) => Cow::Borrowed(REDACTED),
            _ => Cow::Borrowed(self.stored_text().unwrap_or_default()),
        }
    }
}

/// One line of the audit diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEntry<'u> {
    /// The field changed.
    pub field: Field,
    /// The stored value before (`********` for the password).
    pub old: Cow<'u, str>,
    /// The value after (`********` for the password).
    pub new: Cow<'u, str>,
}

/// Something the caller must do when it carries out the update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obligation<'u> {
    /// The username changed: check that no one else has it.
    CheckUsernameUnique(&'u Username),
    /// The password changed: hash it and store the hash.
    HashPassword(HashPassword<'u>),
    /// New email addresses: verify each of them.
    VerifyEmail(Vec<&'u str>),
    /// The username, email or password changed: tell the person.
    NotifyPerson,
    /// The password, role or source changed: end the person's sessions.
    EndSessions,
}

impl Obligation<'_> {
    /// The obligation's stable name, such as `hash_password`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Obligation::CheckUsernameUnique(_) => "check_username_unique",
            Obligation::HashPassword(_) => "hash_password",
            Obligation::VerifyEmail(_) => "verify_email",
            Obligation::NotifyPerson => "notify_person",
            Obligation::EndSessions => "end_sessions",
        }
    }
}

/// The obligation to hash the new password: the only place it can be read.
#[derive(Clone, PartialEq, Eq)]
pub struct HashPassword<'u>(&'u Password);

impl<'u> HashPassword<'u> {
    /// The new password, to be hashed. Do not log or store it.
    #[must_use]
    pub fn password(&self) -> &'u str {
        self.0.expose()
    }
}

impl std::fmt::Debug for HashPassword<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HashPassword(********)")
    }
}

/// The changes a request makes to a stored person, checked and in canonical form.
///
/// Only [`crate::decide`] makes one. It can be inspected; to carry it out you need a
/// [`Valid<Update>`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update<'p> {
    person: &'p Person,
    /// One per changed field, in field order.
    changes: Vec<Change>,
}

impl<'p> Update<'p> {
    pub(crate) fn new(person: &'p Person, changes: Vec<Change>) -> Update<'p> {
        Update { person, changes }
    }

    /// The changes, one per changed field, in alphabetical order of field.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// The change to `field`, if any.
    #[must_use]
    pub fn change(&self, field: Field) -> Option<&Change> {
        self.changes.iter().find(|c| c.field() == field)
    }

    /// Whether nothing changes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The audit diff, one entry per change, the password redacted.
    #[must_use]
    pub fn diff(&self) -> Vec<DiffEntry<'_>> {
        self.changes
            .iter()
            .map(|change| {
                let field = change.field();
                let old = match field {
                    Field::Role => Cow::Owned(self.person.role.to_string()),
                    Field::Password => Cow::Borrowed(REDACTED),
                    _ => Cow::Borrowed(self.person.text(field).unwrap_or_default()),
                };
                DiffEntry {
                    field,
                    old,
                    new: change.shown(),
                }
            })
            .collect()
    }

    /// What the caller must do to carry out the update, in a fixed order:
    /// `check_username_unique`, `hash_password`, `verify_email`, `notify_person`,
    /// `end_sessions`.
    #[must_use]
    pub fn obligations(&self) -> Vec<Obligation<'_>> {
        let mut out = Vec::new();
        if let Some(Change::Username(username)) = self.change(Field::Username) {
            out.push(Obligation::CheckUsernameUnique(username));
        }
        if let Some(Change::Password(password)) = self.change(Field::Password) {
            out.push(Obligation::HashPassword(HashPassword(password)));
        }
        if let Some(Change::Email(Some(list))) = self.change(Field::Email) {
            // The stored list may be legacy: split it as a list is split, nothing more.
            let old = &self.person.email;
            let known = |address: &str| {
                old.split(crate::value::is_email_separator)
                    .any(|o| o.eq_ignore_ascii_case(address))
            };
            let new: Vec<&str> = list.addresses().filter(|a| !known(a)).collect();
            if !new.is_empty() {
                out.push(Obligation::VerifyEmail(new));
            }
        }
        let changed = |fields: &[Field]| fields.iter().any(|f| self.change(*f).is_some());
        if changed(&[Field::Username, Field::Email, Field::Password]) {
            out.push(Obligation::NotifyPerson);
        }
        if changed(&[Field::Password, Field::Role, Field::Source]) {
            out.push(Obligation::EndSessions);
        }
        out
    }

    /// The person as stored before the update.
    #[must_use]
    pub fn person(&self) -> &'p Person {
        self.person
    }
}

/// A value that passed validation. Only this crate makes one; [`Valid<Update>`] is the
/// only form of an update that can be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid<T>(T);

impl<T> Valid<T> {
    pub(crate) fn new(value: T) -> Valid<T> {
        Valid(value)
    }

    /// The validated value.
    #[must_use]
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Valid<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl Valid<Update<'_>> {
    /// The person after the update: the stored person with every change applied, all
    /// other fields exactly as stored. (The new password is not part of a person: see
    /// [`Obligation::HashPassword`].)
    #[must_use]
    pub fn apply(&self) -> Person {
        let mut person = self.0.person.clone();
        for change in &self.0.changes {
            if let Change::Role(id) = change {
                person.role = id.get();
            } else if let (Some(slot), Some(text)) =
                (person.text_mut(change.field()), change.stored_text())
            {
                text.clone_into(slot);
            }
        }
        person
    }
}

/// A request that may be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accepted<'p> {
    /// `validation=1`: the input passed; nothing is to be applied (`201`).
    Validated(Update<'p>),
    /// The update is to be carried out (`204`).
    Ready(Valid<Update<'p>>),
}

impl<'p> Accepted<'p> {
    /// `201` or `204`.
    #[must_use]
    pub fn status(&self) -> Status {
        match self {
            Accepted::Validated(_) => Status::VALIDATED,
            Accepted::Ready(_) => Status::OK,
        }
    }

    /// The update, to inspect either way.
    #[must_use]
    pub fn update(&self) -> &Update<'p> {
        match self {
            Accepted::Validated(update) => update,
            Accepted::Ready(valid) => valid,
        }
    }
}
