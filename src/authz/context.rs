//! Facts the caller looked up for one request.

use std::net::IpAddr;

use crate::authz::Roles;
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

/// What the caller knows about the request beyond its parameters: the stored person's
/// customer chain, the role catalogue, the request's source address and what the rate
/// plan forbids.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    roles: &'a Roles,
    customer_chain: CustomerChain<'a>,
    request_ip: Option<IpAddr>,
    plan_forbids: FieldSet,
    username_taken: bool,
}

impl<'a> Context<'a> {
    /// A context with the role catalogue and the stored person's customer chain; no
    /// request address, nothing forbidden by the rate plan.
    #[must_use]
    pub const fn new(roles: &'a Roles, customer_chain: CustomerChain<'a>) -> Context<'a> {
        Context {
            roles,
            customer_chain,
            request_ip: None,
            plan_forbids: FieldSet::EMPTY,
            username_taken: false,
        }
    }

    /// Sets the address the request came from (for lock-out protection). An
    /// IPv4-mapped IPv6 address is taken as the IPv4 address it maps.
    #[must_use]
    pub const fn with_request_ip(mut self, ip: IpAddr) -> Context<'a> {
        self.request_ip = Some(ip.to_canonical());
        self
    }

    /// Sets the fields the stored person's customer's rate plan forbids changing.
    #[must_use]
    pub const fn with_plan_forbids(mut self, fields: FieldSet) -> Context<'a> {
        self.plan_forbids = fields;
        self
    }

    /// Says that another person already has the username the request asks for: the
    /// caller looks up the request's `username` (trimmed, as [`crate::Request::value`]
    /// gives it) case-insensitively among everyone but the stored person, so that a
    /// taken username is reported with every other error (`400 username_taken`), with
    /// `validation=1` as without.
    #[must_use]
    pub const fn with_username_taken(mut self, taken: bool) -> Context<'a> {
        self.username_taken = taken;
        self
    }

    /// Whether the requested username is taken by someone else.
    #[must_use]
    pub const fn username_taken(&self) -> bool {
        self.username_taken
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

    /// The request's source address, if known (IPv4-mapped addresses as IPv4).
    #[must_use]
    pub const fn request_ip(&self) -> Option<IpAddr> {
        self.request_ip
    }

    /// The fields the rate plan forbids changing.
    #[must_use]
    pub const fn plan_forbids(&self) -> FieldSet {
        self.plan_forbids
    }
}
