//! The facts a caller states about a request that the request does not carry. Each is
//! stated, known or unknown, in so many words: none has a default that could fail open.

use std::net::IpAddr;

/// The address a request came from, as the caller knows it.
///
/// A server always knows it (the peer address, or the client's address from a proxy it
/// trusts). A client checking a request before sending it does not: it states
/// [`RequestAddress::Unknown`], and the rules that read the address are left to the
/// server (the actor's own source list is not checked, and a change of their own
/// `source` carries [`crate::Obligation::CheckLockOut`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestAddress {
    /// The request came from this address.
    Known(IpAddr),
    /// The caller cannot know where the request will come from.
    Unknown,
}

impl RequestAddress {
    /// The address as rules compare it: an IPv4-mapped IPv6 address is the IPv4 address
    /// it maps; `None` when unknown.
    #[must_use]
    pub const fn ip(self) -> Option<IpAddr> {
        match self {
            RequestAddress::Known(ip) => Some(ip.to_canonical()),
            RequestAddress::Unknown => None,
        }
    }
}

/// Whether someone other than the stored person holds the username the request asks
/// for, looked up ignoring case.
///
/// A server looks the requested username (trimmed, as [`crate::Request::value`] gives
/// it) up in the transaction that writes, backed by a unique index, and states
/// [`Uniqueness::Free`] when the request asks for none. A client that cannot know states
/// [`Uniqueness::Unknown`], and a changed username carries
/// [`crate::Obligation::CheckUsernameUnique`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Uniqueness {
    /// No one else holds it (or no username is asked for).
    Free,
    /// Someone else holds it: `400 username_taken`.
    Taken,
    /// The caller cannot know.
    Unknown,
}
