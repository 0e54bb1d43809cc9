//! The rules that read more than one field: the password against the username it will
//! sit beside, and lock-out protection for the actor's own source list.

use crate::authz::{RequestAddress, Uniqueness};
use crate::error::{Error, ErrorKind};
use crate::field::Field;
use crate::update::{Change, Unsettled};

use super::Decision;

impl Decision<'_, '_> {
    /// Where the change to `field` is.
    pub(super) fn position(&self, field: Field) -> Option<usize> {
        crate::update::position(&self.changes, field)
    }

    /// The password may not equal the username it will sit beside: the new one when
    /// the username changes too.
    pub(super) fn check_password_username(&mut self) {
        let Some(i) = self.position(Field::Password) else {
            return;
        };
        let username = match self.position(Field::Username).map(|i| &self.changes[i]) {
            Some(Change::Username(username)) => username.as_str(),
            _ => &self.person.username,
        };
        let matches =
            matches!(&self.changes[i], Change::Password(p) if p.matches_username(username));
        if matches {
            self.changes.remove(i);
            let kind = ErrorKind::PasswordMatchesUsername {};
            self.errors.push(Error::new("password", kind));
        }
    }

    /// Rule 7: your own new source list must admit the address you are connecting from.
    /// An address stated as unknown leaves it to the caller ([`Unsettled::lock_out`]).
    pub(super) fn check_lock_out(&mut self) {
        let (Some(ip), true) = (self.address.ip(), self.standing.is_own()) else {
            return;
        };
        let Some(i) = self.position(Field::Source) else {
            return;
        };
        if matches!(&self.changes[i], Change::Source(Some(list)) if !list.admits(ip)) {
            self.changes.remove(i);
            self.errors
                .push(Error::new("source", ErrorKind::WouldLockOut {}));
        }
    }

    /// The rules a fact stated as unknown left to the caller: lock-out, for the actor's
    /// own new non-empty source list; uniqueness, for a new username.
    pub(super) fn unsettled(&self) -> Unsettled {
        let changes = |field| self.position(field).map(|i| &self.changes[i]);
        Unsettled {
            lock_out: self.address == RequestAddress::Unknown
                && self.standing.is_own()
                && matches!(changes(Field::Source), Some(Change::Source(Some(_)))),
            username: self.context.username() == Uniqueness::Unknown
                && changes(Field::Username).is_some(),
        }
    }
}
