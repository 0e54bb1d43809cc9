//! Facts the caller looked up for one request.

use std::net::IpAddr;

use crate::field::FieldSet;
use crate::privilege::Roles;

/// What the caller knows about the request beyond its parameters: the stored person's
/// customer chain, the role catalogue, the request's source address and what the rate
/// plan forbids.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    roles: &'a Roles,
    customer_chain: &'a [u64],
    request_ip: Option<IpAddr>,
    plan_forbids: FieldSet,
}

impl<'a> Context<'a> {
    /// A context with the role catalogue and the chain of customer ids from the stored
    /// person's customer up to the root (the stored person's own customer first); no
    /// request address, nothing forbidden by the rate plan.
    #[must_use]
    pub const fn new(roles: &'a Roles, customer_chain: &'a [u64]) -> Context<'a> {
        Context {
            roles,
            customer_chain,
            request_ip: None,
            plan_forbids: FieldSet::EMPTY,
        }
    }

    /// Sets the address the request came from (for lock-out protection).
    #[must_use]
    pub const fn with_request_ip(mut self, ip: IpAddr) -> Context<'a> {
        self.request_ip = Some(ip);
        self
    }

    /// Sets the fields the customer's rate plan forbids changing.
    #[must_use]
    pub const fn with_plan_forbids(mut self, fields: FieldSet) -> Context<'a> {
        self.plan_forbids = fields;
        self
    }

    /// The role catalogue.
    #[must_use]
    pub const fn roles(&self) -> &'a Roles {
        self.roles
    }

    /// The customer chain, the stored person's own customer first.
    #[must_use]
    pub const fn customer_chain(&self) -> &'a [u64] {
        self.customer_chain
    }

    /// The request's source address, if known.
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
