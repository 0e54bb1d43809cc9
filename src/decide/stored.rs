//! Today's rules on a value already stored: what an update sending it would meet, for
//! an operator who wants to know whom a stricter policy or a newer crate touches before
//! people meet refusals on fields they never changed.

use crate::decide::{policy_refusal, rules};
use crate::error::Error;
use crate::field::Field;
use crate::policy::Policy;
use crate::update::Change;

/// What today's rules make of a stored value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredCheck {
    /// Valid, and stored in its canonical form.
    Canonical,
    /// Valid, but stored in another form: an update sending it would store this.
    Rewritten(String),
    /// Refused: the error an update sending it would get (key: the field).
    Refused(Error),
}

/// Checks `stored`, the value of a field stored as text ([`Field::is_text`]), under
/// `policy`, as an update sending it would be checked: its format (trimmed, empty
/// clearing a field that may be cleared), then the policy's own rules (a required email,
/// the allowed languages). `None` for `role` and `password`, which are not stored as
/// text. A list with more entries than the policy allows is refused here, though an
/// update sending it back unchanged would pass as no change.
///
/// ```
/// use enswitch_people::{Field, Policy, StoredCheck, check_stored};
///
/// let policy = Policy::default();
/// let check = |field, value| check_stored(field, value, &policy);
/// assert_eq!(check(Field::Country, "GB"), Some(StoredCheck::Canonical));
/// assert_eq!(check(Field::Country, "gb"), Some(StoredCheck::Rewritten("GB".into())));
/// let Some(StoredCheck::Refused(error)) = check(Field::Country, "UK") else { panic!() };
/// assert_eq!(error.code().as_str(), "unknown_country");
/// assert_eq!(check(Field::Role, "3"), None);
/// ```
#[must_use]
pub fn check_stored(field: Field, stored: &str, policy: &Policy) -> Option<StoredCheck> {
    if !field.is_text() {
        return None;
    }
    let value = crate::value::trim(stored);
    let change = match Change::cleared(field) {
        Some(cleared) if value.is_empty() => Ok(cleared),
        _ => Change::parse(field, value, &rules(policy)),
    };
    let checked = change.and_then(|change| policy_refusal(&change, policy).map(|()| change));
    Some(match checked {
        Err(kind) => StoredCheck::Refused(Error::new(field.as_str(), kind)),
        Ok(change) => match change.stored_text() {
            Some(canonical) if canonical == stored => StoredCheck::Canonical,
            canonical => StoredCheck::Rewritten(canonical.unwrap_or_default().to_owned()),
        },
    })
}
