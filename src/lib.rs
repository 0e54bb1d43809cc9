//! # enswitch-people
//!
//! Decides whether an Enswitch `people/update` request may be carried out: who may
//! change which field of a person, whether every value is valid, and what the update
//! is in canonical form. Servers link it to authorize and validate updates; clients
//! link it to check a request before they send it. Pure functions: no I/O, no global
//! state, no clock.
//!
//! ```
//! use enswitch_people::{
//!     decide, Accepted, Actor, Context, CustomerChain, Envelope, FieldSet, Person, Policy,
//!     Privilege, Request, RequestAddress, Roles, Uniqueness,
//! };
//!
//! let roles: Roles = [(1, Privilege::System), (4, Privilege::User)].into_iter().collect();
//! let request = Request::from_query("id=10;timezone=europe/london;language=EN_gb")?;
//!
//! // Alice herself, from an address her (empty) source list admits. Rule 1 first: may
//! // this actor call people/update at all? Only then look the person up.
//! let address = RequestAddress::Known("192.0.2.1".parse().unwrap());
//! let actor = Actor::new(10, 2, Privilege::User).caller("", address)?;
//! assert_eq!(actor.person_id(&request)?, 10);
//! let alice = Person { id: 10, customer: 2, role: 4, username: "alice".into(), ..Person::default() };
//! // Every fact stated: no username asked for, nothing forbidden by the plan.
//! let chain = CustomerChain::new(&alice, &[2, 1]);
//! let context = Context::new(&roles, chain, Uniqueness::Free, FieldSet::EMPTY);
//!
//! let decision = decide(&alice, &actor, &request, &context, &Policy::default());
//! assert_eq!(Envelope::of(&decision).to_json(), r#"{"responses":[{"code":"204","key":"","message":"OK"}]}"#);
//!
//! let Ok(Accepted::Ready(update)) = decision else { unreachable!() };
//! let after = update.apply();
//! assert_eq!((after.timezone.as_str(), after.language.as_str()), ("Europe/London", "en-GB"));
//!
//! // A plain user may not change their own username.
//! let request = Request::from_query("id=10;username=root")?;
//! let report = decide(&alice, &actor, &request, &context, &Policy::default()).unwrap_err();
//! assert_eq!(Envelope::refused(&report).to_json(),
//!     r#"{"responses":[{"code":"402","key":"username","message":"Your role does not allow this."}]}"#);
//! # Ok::<(), enswitch_people::Report>(())
//! ```
//!
//! The flow: parse a [`Request`] (query string or JSON); authenticate the [`Actor`];
//! [`Actor::caller`] (their own source list against the [`RequestAddress`], then rule 1,
//! before any look-up); look up the stored [`Person`] named by [`Caller::person_id`] and
//! their [`CustomerChain`], and make a [`Context`] with every fact stated;
//! [`decide`]; answer with an [`Envelope`]; carry out a [`Valid<Update>`] and its
//! [`Obligation`]s.
#![forbid(unsafe_code)]
// Every `pub` item is the public API, re-exported here; the rest is `pub(crate)`.
#![warn(unreachable_pub)]

// The layers, each using only those above it (the folders' own children aside):
// error (L0) → value (L1) → field, layout (L2) → request, person, policy (L3) → authz
// (L4) → decide, update (L5) → answer (L6) → form (L7).
mod error;
mod value;

mod field;
mod layout;

mod person;
mod policy;
mod request;

mod authz;

mod decide;
mod update;

mod answer;

mod form;

pub use answer::{Answer, Catalogue, English, Envelope, EnvelopeError, German, Response};
pub use authz::{
    Actor, Caller, Context, CustomerChain, Privilege, RequestAddress, Roles, Uniqueness,
    UnknownPrivilege,
};
pub use decide::{StoredCheck, check_stored, decide};
pub use error::{Error, ErrorCode, ErrorKind, InvalidStatus, Report, Status, UnknownErrorCode};
pub use field::{Field, FieldSet, UnknownField};
pub use form::{Choice, Form, FormField, Refusal, form, form_in};
pub use layout::{Group, InputKind};
pub use person::Person;
pub use policy::{OnUnknownParameter, Policy, PolicyError, PolicySettings};
pub use request::{MAX_KEY_BYTES, MAX_PARAMETERS, MAX_REQUEST_BYTES, Request, RequestBuilder};
pub use update::{Accepted, Change, DiffEntry, HashPassword, Obligation, Update, Valid, Write};
pub use value::{
    Company, Country, DateFormat, Description, EmailList, Extension, Language, Limits, Password,
    PersonName, PhoneNumber, PublicKey, RoleId, SourceList, Text, TimeFormat, TimeZone, Title,
    Username, normalize_password,
};

/// Reads a raw OpenPGP packet sequence as a key block's body is read: the fuzz target's
/// way to the packet reader. Exists only when fuzzing.
#[cfg(fuzzing)]
#[doc(hidden)]
pub fn fuzz_packets(bytes: &[u8]) -> Result<Vec<u8>, ErrorKind> {
    value::fuzz_packets(bytes)
}

/// The README's examples, compiled and run as doc-tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The server walk-through's example, compiled and run as a doc-test.
#[doc = include_str!("../docs/server.md")]
#[cfg(doctest)]
pub struct ServerDoctests;

/// The clients' example, compiled and run as a doc-test.
#[doc = include_str!("../docs/clients.md")]
#[cfg(doctest)]
pub struct ClientDoctests;
