//! The answer: Enswitch's response envelope, and the catalogues its messages come from.

mod catalogue;
mod envelope;
mod german;

pub use catalogue::{Catalogue, English};
pub use envelope::{Answer, Envelope, EnvelopeError, Response};
pub use german::German;
