//! A validated update: its changes, its audit diff and what the caller must do.

use std::borrow::Cow;
use std::ops::Deref;

use serde::Serialize;

use crate::error::{ErrorKind, Status};
use crate::field::{Field, with_field_table};
use crate::person::Person;
use crate::value::{FieldValue, Password, Rules, SourceList, Username, list_entries};

/// The type a change holds: the value, or `None` to clear a clearable field.
macro_rules! change_type {
    (clearable $ty:ty) => { Option<$ty> };
    (required $ty:ty) => { $ty };
}

/// The stored text of a change's value (`""` for a cleared field).
macro_rules! stored_text {
    (clearable $value:expr) => {
        match $value {
            Some(value) => FieldValue::stored(value),
            None => Some(""),
        }
    };
    (required $value:expr) => {
        FieldValue::stored($value)
    };
}

/// The change that clears a field, for the rows that may be cleared.
macro_rules! cleared {
    (clearable $variant:ident) => {
        Some(Change::$variant(None))
    };
    (required $variant:ident) => {
        None
    };
}

/// A value of a field's type as its change.
macro_rules! wrap_change {
    (clearable $variant:ident, $value:expr) => {
        Change::$variant(Some($value))
    };
    (required $variant:ident, $value:expr) => {
        Change::$variant($value)
    };
}

/// What is done with a field's value as the value type of its field: the decision
/// checks a value as its own type, and makes it a [`Change`] only once it is one.
pub(crate) trait CheckValue {
    type Output;

    /// Checks a value of type `T`; `change` makes one a change.
    fn check<T: FieldValue>(self, change: impl FnOnce(T) -> Change) -> Self::Output;
}

macro_rules! define_change {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:ident : $ty:ty, $store:ident, $clear:ident $(($clear_setter:ident))?;
    )*) => {
        /// One field's change, in canonical form. For the fields that can be cleared,
        /// `None` clears the field.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Change {
            $(
                #[doc = concat!("The new `", stringify!($name), "`.")]
                $variant(change_type!($clear $ty)),
            )*
        }

        impl Change {
            /// The field this change is to.
            #[must_use]
            pub fn field(&self) -> Field {
                match self { $( Change::$variant(_) => Field::$variant, )* }
            }

            /// The new value as the person's record stores it (`""` when cleared);
            /// `None` for `role` (an id, see [`Change::Role`]) and `password` (not
            /// stored, never shown).
            #[must_use]
            pub fn stored_text(&self) -> Option<&str> {
                match self { $( Change::$variant(value) => stored_text!($clear value), )* }
            }

            /// The change that clears `field`; `None` for the fields that cannot be
            /// cleared.
            #[must_use]
            pub fn cleared(field: Field) -> Option<Change> {
                match field { $( Field::$variant => cleared!($clear $variant), )* }
            }

            /// Hands `check` the value type of `field`.
            // Into the decision's loop (it has a second caller, so the compiler would
            // call it): there each field's check is then made for its own type, which
            // saves moving a change's `Result` about (about 400 instructions on the
            // full administrator request).
            #[inline(always)]
            pub(crate) fn check_as<C: CheckValue>(field: Field, check: C) -> C::Output {
                match field {
                    $( Field::$variant => check.check::<$ty>(|value| wrap_change!($clear $variant, value)), )*
                }
            }
        }
    };
}

with_field_table!(define_change);

impl Change {
    /// The canonical change for a trimmed, non-empty value (the password as sent): its
    /// format only.
    pub(crate) fn parse(field: Field, value: &str, rules: &Rules) -> Result<Change, ErrorKind> {
        /// A value parsed as its field's type, and made a change.
        struct Parse<'v> {
            value: &'v str,
            rules: &'v Rules,
        }

        impl CheckValue for Parse<'_> {
            type Output = Result<Change, ErrorKind>;

            fn check<T: FieldValue>(self, change: impl FnOnce(T) -> Change) -> Self::Output {
                T::parse_under(self.value, self.rules).map(change)
            }
        }

        Change::check_as(field, Parse { value, rules })
    }
}

/// How the password is shown wherever a value would be.
const REDACTED: &str = "********";

impl Change {
    /// Whether this change would leave `person` as it is.
    pub(crate) fn is_no_op(&self, person: &Person) -> bool {
        self.leaves(person.text(self.field()), person.role)
    }

    /// Whether this change leaves its field as it is, the field's stored text being
    /// `stored` (`None` for `role` and `password`) and the stored role `role`.
    pub(crate) fn leaves(&self, stored: Option<&str>, role: u64) -> bool {
        match self {
            Change::Role(id) => id.get() == role,
            Change::Password(_) => false,
            _ => self.stored_text() == stored,
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
///
/// Not `#[non_exhaustive]`, on purpose: a server matches every obligation, and a new
/// one must fail to compile there rather than be skipped by a wildcard arm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obligation<'u> {
    /// The username changed and the context stated its uniqueness as unknown
    /// ([`crate::Uniqueness::Unknown`]): check, ignoring case, that no one else has it.
    /// (A server states it instead, so that a taken username is a `400` among the
    /// other errors.)
    CheckUsernameUnique(&'u Username),
    /// The actor changed their own `source` to a non-empty list and the request's
    /// address was stated as unknown ([`crate::RequestAddress::Unknown`]): check that
    /// the list admits the address the request comes from (rule 7).
    CheckLockOut(&'u SourceList),
    /// The password changed: hash it and store the hash.
    HashPassword(HashPassword<'u>),
    /// New email addresses: verify each of them.
    VerifyEmail(Vec<&'u str>),
    /// The username, email or password changed: tell the person, at these addresses,
    /// each once: the stored ones (read leniently: every entry of the stored list that
    /// holds an `@`), then the new ones not among them.
    NotifyPerson(Vec<&'u str>),
    /// The password, role or source changed: end the person's sessions.
    EndSessions,
}

impl Obligation<'_> {
    /// Whether this is a check a fact stated as unknown left to the caller
    /// (`check_username_unique`, `check_lock_out`), to make before anything is written,
    /// rather than something to do once it is.
    #[must_use]
    pub const fn is_check(&self) -> bool {
        matches!(
            self,
            Obligation::CheckUsernameUnique(_) | Obligation::CheckLockOut(_)
        )
    }

    /// The obligation's stable name, such as `hash_password`.
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Obligation::CheckUsernameUnique(_) => "check_username_unique",
            Obligation::CheckLockOut(_) => "check_lock_out",
            Obligation::HashPassword(_) => "hash_password",
            Obligation::VerifyEmail(_) => "verify_email",
            Obligation::NotifyPerson(_) => "notify_person",
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

/// Where the change to `field` is: changes are made in field order, one per field.
pub(crate) fn position(changes: &[Change], field: Field) -> Option<usize> {
    changes.binary_search_by_key(&field, Change::field).ok()
}

/// The changes of one update: a self-service request changes a few fields, which are
/// kept inline rather than in an allocation of their own.
pub(crate) type Changes = smallvec::SmallVec<[Change; INLINE_CHANGES]>;

/// How many changes an update keeps inline.
const INLINE_CHANGES: usize = 4;

/// Room for `count` changes: inline, or an allocation made at once (`with_capacity`
/// past the inline room grows an empty list through the general path, which costs
/// more than the allocation itself).
pub(crate) fn changes_for(count: usize) -> Changes {
    if count <= INLINE_CHANGES {
        Changes::new()
    } else {
        Changes::from_vec(Vec::with_capacity(count))
    }
}

/// The rules a fact stated as unknown left to the caller, for the obligations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unsettled {
    /// Rule 7, for the actor's own new source list: the address was unknown.
    pub(crate) lock_out: bool,
    /// `username_taken`, for a new username: its uniqueness was unknown.
    pub(crate) username: bool,
}

/// The changes a request makes to a stored person, checked and in canonical form.
///
/// Only [`crate::decide`] makes one. It shows what would change ([`Update::diff`]); the
/// changes to write, the obligations and the person after are reached only through a
/// [`Valid<Update>`], which a `validation=1` answer ([`Accepted::Validated`]) does not
/// hold:
///
/// ```compile_fail,E0599
/// # use enswitch_people::Update;
/// fn carry_out(update: &Update<'_>) {
///     for write in update.writes() {} // only a Valid<Update> has writes
/// }
/// ```
///
/// ```
/// # use enswitch_people::{Update, Valid};
/// fn carry_out(update: &Valid<Update<'_>>) {
///     for write in update.writes() {}
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update<'p> {
    person: Cow<'p, Person>,
    /// One per changed field, in field order.
    changes: Changes,
    unsettled: Unsettled,
}

/// One column to write: the new value, and the value the update was decided against,
/// for a compare-and-set (`UPDATE … SET col = ? WHERE id = ? AND col = ?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write<'u> {
    /// A text column (a field for which [`Field::is_text`] holds; `""` clears it).
    Text {
        /// The field, whose name is the column's.
        field: Field,
        /// The stored text the decision read.
        expected: &'u str,
        /// The text to store.
        value: &'u str,
    },
    /// The role column.
    Role {
        /// The role id the decision read.
        expected: u64,
        /// The role id to store.
        value: u64,
    },
}

impl Write<'_> {
    /// The field written, whose name is the column's.
    #[must_use]
    pub const fn field(&self) -> Field {
        match self {
            Write::Text { field, .. } => *field,
            Write::Role { .. } => Field::Role,
        }
    }
}

impl<'p> Update<'p> {
    pub(crate) fn new(person: &'p Person, changes: Changes, unsettled: Unsettled) -> Update<'p> {
        Update {
            person: Cow::Borrowed(person),
            changes,
            unsettled,
        }
    }

    /// The same update, owning the stored person, so that it can outlive the borrow it
    /// was decided on (cross an `.await`, move to another thread).
    #[must_use]
    pub fn into_owned(self) -> Update<'static> {
        Update {
            person: Cow::Owned(self.person.into_owned()),
            changes: self.changes,
            unsettled: self.unsettled,
        }
    }

    /// How many fields change.
    #[must_use]
    pub fn len(&self) -> usize {
        self.changes.len()
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

    /// The person as stored before the update.
    #[must_use]
    pub fn person(&self) -> &Person {
        &self.person
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
    /// The columns to write, one per changed field but the password (whose hash the
    /// [`Obligation::HashPassword`] gives), each with the value it was decided against.
    /// If a precondition fails in the database, another writer came between: read the
    /// person again and decide again.
    pub fn writes(&self) -> impl Iterator<Item = Write<'_>> {
        self.0.changes.iter().filter_map(|change| match change {
            Change::Role(id) => Some(Write::Role {
                expected: self.0.person.role,
                value: id.get(),
            }),
            _ => Some(Write::Text {
                field: change.field(),
                expected: self.0.person.text(change.field())?,
                value: change.stored_text()?,
            }),
        })
    }

    /// The changes, one per changed field, in alphabetical order of field.
    #[must_use]
    pub fn changes(&self) -> &[Change] {
        &self.0.changes
    }

    /// The change to `field`, if any.
    #[must_use]
    pub fn change(&self, field: Field) -> Option<&Change> {
        self.0.changes.get(position(&self.0.changes, field)?)
    }

    /// What the caller must do to carry out the update, in a fixed order:
    /// `check_username_unique`, `check_lock_out` (the checks, before anything is
    /// written), `hash_password`, `verify_email`, `notify_person`, `end_sessions`.
    #[must_use]
    pub fn obligations(&self) -> Vec<Obligation<'_>> {
        let update = &self.0;
        let mut out = Vec::new();
        if let Some(Change::Username(username)) = self.change(Field::Username)
            && update.unsettled.username
        {
            out.push(Obligation::CheckUsernameUnique(username));
        }
        if let Some(Change::Source(Some(list))) = self.change(Field::Source)
            && update.unsettled.lock_out
        {
            out.push(Obligation::CheckLockOut(list));
        }
        if let Some(Change::Password(password)) = self.change(Field::Password) {
            out.push(Obligation::HashPassword(HashPassword(password)));
        }
        // The stored list may be legacy: split as a list is split, an entry with an `@`
        // taken as an address, nothing more.
        let stored = || list_entries(&update.person.email).filter(|entry| entry.contains('@'));
        let known = |address: &str| stored().any(|old| old.eq_ignore_ascii_case(address));
        let added: Vec<&str> = match self.change(Field::Email) {
            Some(Change::Email(Some(list))) => list.addresses().filter(|a| !known(a)).collect(),
            _ => Vec::new(),
        };
        if !added.is_empty() {
            out.push(Obligation::VerifyEmail(added.clone()));
        }
        let changed = |fields: &[Field]| fields.iter().any(|f| self.change(*f).is_some());
        if changed(&[Field::Username, Field::Email, Field::Password]) {
            let mut addresses: Vec<&str> = Vec::new();
            for address in stored() {
                if !addresses.iter().any(|a| a.eq_ignore_ascii_case(address)) {
                    addresses.push(address);
                }
            }
            addresses.extend(added);
            out.push(Obligation::NotifyPerson(addresses));
        }
        if changed(&[Field::Password, Field::Role, Field::Source]) {
            out.push(Obligation::EndSessions);
        }
        out
    }

    /// The person after the update: the stored person with every change applied, all
    /// other fields exactly as stored. (The new password is not part of a person: see
    /// [`Obligation::HashPassword`].)
    #[must_use]
    pub fn apply(&self) -> Person {
        let mut person = self.0.person.clone().into_owned();
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

impl Valid<Update<'_>> {
    /// The same validated update, owning the stored person.
    #[must_use]
    pub fn into_owned(self) -> Valid<Update<'static>> {
        Valid(self.0.into_owned())
    }
}

impl<'p> Accepted<'p> {
    /// The same outcome, owning the stored person.
    #[must_use]
    pub fn into_owned(self) -> Accepted<'static> {
        match self {
            Accepted::Validated(update) => Accepted::Validated(update.into_owned()),
            Accepted::Ready(valid) => Accepted::Ready(valid.into_owned()),
        }
    }

    /// `201` or `204`.
    #[must_use]
    pub fn status(&self) -> Status {
        match self {
            Accepted::Validated(_) => Status::VALIDATED,
            Accepted::Ready(_) => Status::UPDATED,
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

#[cfg(test)]
mod tests {
    use super::{Change, INLINE_CHANGES, changes_for};
    use crate::field::Field;
    use crate::person::Person;
    use crate::policy::Policy;

    /// Whether the change that `value` makes to `field` would leave `person` as it is.
    #[track_caller]
    fn no_op(field: Field, value: &str, person: &Person) -> bool {
        let rules = crate::decide::rules(&Policy::default());
        Change::parse(field, value, &rules)
            .unwrap()
            .is_no_op(person)
    }

    #[test]
    fn a_change_is_a_no_op_only_when_it_leaves_the_stored_value() {
        let person = Person {
            role: 3,
            title: "Dr".into(),
            ..Person::default()
        };
        assert!(no_op(Field::Title, "Dr", &person));
        assert!(!no_op(Field::Title, "Ms", &person));
        // The role compares ids; a password is never stored, so always a change.
        assert!(no_op(Field::Role, "3", &person));
        assert!(!no_op(Field::Role, "4", &person));
        assert!(!no_op(Field::Password, "correct horse battery", &person));
    }

    /// Room for every change asked for, inline up to the inline room and in one
    /// allocation past it.
    #[test]
    fn changes_for_has_room() {
        for (count, spilled) in [(0, false), (1, false), (4, false), (5, true), (20, true)] {
            let changes = changes_for(count);
            assert!(changes.is_empty(), "{count}");
            assert!(changes.capacity() >= count, "{count}");
            assert_eq!(changes.spilled(), spilled, "{count}");
            assert_eq!(changes.capacity() == INLINE_CHANGES, !spilled, "{count}");
        }
    }
}
