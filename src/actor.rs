//! The authenticated person making the request.

use crate::privilege::Privilege;

/// Who is making the request: their id, their customer and their role's level.
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
}
