//! Messages in other languages.

use crate::error::ErrorKind;

/// Renders an error's message. [`English`] is the crate's own; implement this trait to
/// answer in another language, using the error's typed parameters.
pub trait Catalogue {
    /// The message for `kind`.
    fn message(&self, kind: &ErrorKind) -> String;
}

/// The English messages of the error table.
#[derive(Debug, Clone, Copy, Default)]
pub struct English;

impl Catalogue for English {
    fn message(&self, kind: &ErrorKind) -> String {
        kind.to_string()
    }
}
