//! The authenticated person making the request, and the caller they become once they
//! may call `people/update` at all.

use crate::authz::{Privilege, RequestAddress};
use crate::error::{Error, ErrorKind, Report};
use crate::request::Request;
use crate::value::SourceList;

/// Who is making the request: their id, their customer and their role's level.
///
/// An actor can do nothing with a stored person until [`Actor::caller`] has checked that
/// their role may call `people/update` at all (rule 1 of the README's "Who may change
/// what"), so the answer to an account below `user` never depends on whether a person
/// exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    id: u64,
    customer: u64,
    level: Privilege,
}

impl Actor {
    /// The actor with person id `id`, of customer `customer`, whose role has `level`.
    #[must_use]
    pub const fn new(id: u64, customer: u64, level: Privilege) -> Actor {
        Actor {
            id,
            customer,
            level,
        }
    }

    /// The actor's person id.
    #[must_use]
    pub const fn id(&self) -> u64 {
        self.id
    }

    /// The actor's customer id.
    #[must_use]
    pub const fn customer(&self) -> u64 {
        self.customer
    }

    /// The actor's privilege level.
    #[must_use]
    pub const fn level(&self) -> Privilege {
        self.level
    }

    /// Authentication's last step and rule 1, in that order: whether a request from
    /// `address` may come from this actor at all, and whether their role may call
    /// `people/update`. Call it before the stored person is looked up; only a
    /// [`Caller`] can name the person to look up ([`Caller::person_id`]) and have a
    /// request decided.
    ///
    /// `source` is the actor's own stored `source` list, read leniently
    /// ([`SourceList::stored_admits`]): a known address outside a non-empty list is a
    /// `401`. With [`RequestAddress::Unknown`] (a client's check) the list is not
    /// checked; a server always states the address.
    ///
    /// # Errors
    /// `401 authentication_failed` with key `""` for an address the actor's source list
    /// does not admit; `402 function_not_permitted` with key `""`, alone, for a level
    /// below `user`.
    pub fn caller(self, source: &str, address: RequestAddress) -> Result<Caller, Report> {
        if let Some(ip) = address.ip()
            && !SourceList::stored_admits(source, ip)
        {
            return Err(Report::unauthenticated());
        }
        if self.level < Privilege::User {
            return Err(Report::from(Error::new(
                "",
                ErrorKind::FunctionNotPermitted {},
            )));
        }
        Ok(Caller {
            actor: self,
            address,
        })
    }
}

/// An actor whose role may call `people/update` (level `user` or above), from an
/// address their own source list admits (or stated as unknown): made only by
/// [`Actor::caller`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    actor: Actor,
    address: RequestAddress,
}

impl Caller {
    /// The actor.
    #[must_use]
    pub const fn actor(&self) -> Actor {
        self.actor
    }

    /// The address the request came from, as stated to [`Actor::caller`]: rule 7
    /// (lock-out protection) reads it.
    #[must_use]
    pub const fn address(&self) -> RequestAddress {
        self.address
    }

    /// The id of the person the request names, for the caller to look them up.
    ///
    /// # Errors
    /// `missing_parameter`, `duplicate_parameter`, `invalid_utf8`, `invalid_type` or
    /// `invalid_id`, each with key `id`.
    pub fn person_id(&self, request: &Request<'_>) -> Result<u64, Report> {
        request.person_id().map_err(Report::from)
    }
}
