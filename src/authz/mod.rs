//! Who may change what (the README's rules 1–7): privilege levels and the role
//! catalogue, the actor and the caller they become, the facts a caller states, the
//! context with its customer chain made for one person, reach and rules 3–6.

mod actor;
mod context;
mod facts;
pub(crate) mod permission;
mod privilege;

pub use actor::{Actor, Caller};
pub use context::{Context, CustomerChain};
pub use facts::{RequestAddress, Uniqueness};
pub use privilege::{Privilege, Roles, UnknownPrivilege};
