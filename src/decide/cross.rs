//! The rules that read more than one field: the password against the username it will
//! sit beside, and lock-out protection for the actor's own source list.

use crate::error::{Error, ErrorKind};
use crate::field::Field;
use crate::update::Change;

use super::Decision;

impl Decision<'_, '_> {
    /// The password may not equal the username it will sit beside: the new one when
    /// the username changes too.
    pub(super) fn check_password_username(&mut self) {
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
    pub(super) fn check_lock_out(&mut self) {
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
