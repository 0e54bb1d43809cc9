//! Messages and a form's words in other languages.

use crate::error::ErrorKind;
use crate::field::Field;
use crate::layout::Group;

/// Renders an error's message, and names a form's fields and groups. [`English`] is the
/// crate's own; implement this trait to answer in another language, using the error's
/// typed parameters. The form's words default to English.
pub trait Catalogue {
    /// The message for `kind`.
    fn message(&self, kind: &ErrorKind) -> String;

    /// A field's label in a form.
    fn label(&self, field: Field) -> &'static str {
        english_label(field)
    }

    /// A field's help in a form: what it holds, in one sentence (empty when the label
    /// says it all).
    fn help(&self, field: Field) -> &'static str {
        english_help(field)
    }

    /// A group's heading in a form.
    fn group(&self, group: Group) -> &'static str {
        match group {
            Group::Name => "Name",
            Group::Contact => "Contact",
            Group::Regional => "Regional settings",
            Group::SignIn => "Sign-in and security",
            Group::Administration => "Administration",
        }
    }
}

/// The English messages of the error table.
#[derive(Debug, Clone, Copy, Default)]
pub struct English;

impl Catalogue for English {
    fn message(&self, kind: &ErrorKind) -> String {
        kind.to_string()
    }
}

fn english_label(field: Field) -> &'static str {
    match field {
        Field::Company => "Company",
        Field::Country => "Country",
        Field::DateFormat => "Date format",
        Field::Description => "Description",
        Field::Email => "Email",
        Field::Extension => "Extension",
        Field::Fax => "Fax",
        Field::Forename => "Forename",
        Field::Language => "Language",
        Field::Mobile => "Mobile",
        Field::Password => "New password",
        Field::PublicKey => "OpenPGP public key",
        Field::Role => "Role",
        Field::Source => "Allowed source addresses",
        Field::Surname => "Surname",
        Field::Telephone => "Telephone",
        Field::TimeFormat => "Time format",
        Field::Timezone => "Time zone",
        Field::Title => "Title",
        Field::Username => "Username",
    }
}

fn english_help(field: Field) -> &'static str {
    match field {
        Field::Company | Field::Forename | Field::Surname | Field::Role => "",
        Field::Country => "Two letters, such as GB.",
        Field::DateFormat => "How dates are shown to this person.",
        Field::Description => "Notes about this person; several lines are fine.",
        Field::Email => "One or more addresses, separated by commas.",
        Field::Extension => "The number dial by name forwards to.",
        Field::Fax | Field::Mobile | Field::Telephone => {
            "In international form, such as +44 20 7946 0000."
        }
        Field::Language => "A language tag, such as en-GB.",
        Field::Password => "Leave empty to keep the current one.",
        Field::PublicKey => "An OpenPGP public key block, as gpg --export --armor writes it.",
        Field::Source => {
            "The addresses this person may sign in from, such as 192.0.2.0/24; empty for anywhere."
        }
        Field::TimeFormat => "12 or 24 hours.",
        Field::Timezone => "A time zone such as Europe/London.",
        Field::Title => "Such as Dr or Ms.",
        Field::Username => "What this person signs in with.",
    }
}
