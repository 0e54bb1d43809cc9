//! Facts the caller looked up for one request.

use crate::authz::{Roles, Uniqueness};
use crate::field::FieldSet;
use crate::person::Person;

/// The chain of customer ids from one person's customer up to the root, made for that
/// person.
///
/// A chain knows whose it is: [`crate::decide`] answers `404` when it was made for
/// another person, or does not begin with the stored person's own customer, so a chain
/// built for the actor by mistake can never widen their reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerChain<'a> {
    person: u64,
    ids: &'a [u64],
}

impl<'a> CustomerChain<'a> {
    /// The chain of `person`: `ids` runs from their own customer (first) up to the root.
    #[must_use]
    pub const fn new(person: &Person, ids: &'a [u64]) -> CustomerChain<'a> {
        CustomerChain {
            person: person.id,
            ids,
        }
    }

    /// The customer ids, the person's own first.
    #[must_use]
    pub const fn ids(&self) -> &'a [u64] {
        self.ids
    }

    /// Whether this is `person`'s chain: made for them, beginning with their customer.
    #[must_use]
    pub fn is_of(&self, person: &Person) -> bool {
        self.person == person.id && self.ids.first() == Some(&person.customer)
    }
}

/// What the caller looked up for one request: the stored person's customer chain, the
/// role catalogue, and the facts that are stated, never defaulted: whether the requested
/// username is taken, and the fields the customer's rate plan forbids changing. (The
/// request's address is stated to [`crate::Actor::caller`].)
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    roles: &'a Roles,
    customer_chain: CustomerChain<'a>,
    username: Uniqueness,
    plan_forbids: FieldSet,
}

impl<'a> Context<'a> {
    /// The context of one decision. `username` says whether someone else holds the
    /// username the request asks for ([`Uniqueness`]: a server looks it up, in the
    /// transaction that writes); `plan_forbids` is the set of fields the stored
    /// person's customer's rate plan forbids changing (rule 6; [`FieldSet::EMPTY`] when
    /// the plan forbids none).
    #[must_use]
    pub const fn new(
        roles: &'a Roles,
        customer_chain: CustomerChain<'a>,
        username: Uniqueness,
        plan_forbids: FieldSet,
    ) -> Context<'a> {
        Context {
            roles,
            customer_chain,
            username,
            plan_forbids,
        }
    }

    /// Whether the requested username is held by someone else, as stated.
    #[must_use]
    pub const fn username(&self) -> Uniqueness {
        self.username
    }

    /// The role catalogue.
    #[must_use]
    pub const fn roles(&self) -> &'a Roles {
        self.roles
    }

    /// The stored person's customer chain.
    #[must_use]
    pub const fn customer_chain(&self) -> CustomerChain<'a> {
        self.customer_chain
    }

    /// The fields the rate plan forbids changing.
    #[must_use]
    pub const fn plan_forbids(&self) -> FieldSet {
        self.plan_forbids
    }
}
