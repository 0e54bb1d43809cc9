//! The authenticated person making the request, and the caller they become once they
//! may call `people/update` at all.

use crate::authz::Privilege;
use crate::error::{Error, ErrorKind, Report};
use crate::request::Request;

/// Who is making the request: their id, their customer and their role's level.
///
/// An actor can do nothing with a stored person until [`Actor::caller`] has checked that
/// their role may call `people/update` at all (SPEC §4 rule 1), so the answer to an
/// account below `user` never depends on whether a person exists.
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

    /// Rule 1: whether this actor may call `people/update` at all. Call it before the
    /// stored person is looked up; only a [`Caller`] can name the person to look up
    /// ([`Caller::person_id`]) and have a request decided.
    ///
    /// # Errors
    /// `402 function_not_permitted` with key `""`, alone, for a level below `user`.
    pub fn caller(self) -> Result<Caller, Report> {
        if self.level < Privilege::User {
            return Err(Report::from(Error::new(
                "",
                ErrorKind::FunctionNotPermitted {},
            )));
        }
        Ok(Caller(self))
    }
}

/// An actor whose role may call `people/update` (level `user` or above): made only by
/// [`Actor::caller`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller(Actor);

impl Caller {
    /// The actor.
    #[must_use]
    pub const fn actor(&self) -> Actor {
        self.0
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
