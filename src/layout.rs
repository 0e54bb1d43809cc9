//! Where each field stands in a form, and how it is entered: one table, read by the
//! form description (and so by every page that draws it).

use serde::Serialize;

use crate::field::Field;

/// A group of fields a form shows together, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Title, forename, surname, company.
    Name,
    /// Email, telephone, mobile, fax, extension.
    Contact,
    /// Country, language, time zone, date and time formats.
    Regional,
    /// Username, password, source addresses, public key.
    SignIn,
    /// Role and description.
    Administration,
}

/// How a field's value is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    MultiLine,
    /// Text that is not shown as it is typed (the password).
    Secret,
    /// One value of a closed set ([`crate::FormField::choices`]).
    Choice,
    /// A list of entries, separated by commas.
    List,
}

/// Every field, in the order a form shows it, group by group.
pub(crate) const LAYOUT: [(Group, &[Field]); 5] = [
    (
        Group::Name,
        &[
            Field::Title,
            Field::Forename,
            Field::Surname,
            Field::Company,
        ],
    ),
    (
        Group::Contact,
        &[
            Field::Email,
            Field::Telephone,
            Field::Mobile,
            Field::Fax,
            Field::Extension,
        ],
    ),
    (
        Group::Regional,
        &[
            Field::Country,
            Field::Language,
            Field::Timezone,
            Field::DateFormat,
            Field::TimeFormat,
        ],
    ),
    (
        Group::SignIn,
        &[
            Field::Username,
            Field::Password,
            Field::Source,
            Field::PublicKey,
        ],
    ),
    (Group::Administration, &[Field::Role, Field::Description]),
];

// Every field stands in the layout exactly once.
const _: () = {
    let mut seen = [0u8; Field::COUNT];
    let mut g = 0;
    while g < LAYOUT.len() {
        let fields = LAYOUT[g].1;
        let mut i = 0;
        while i < fields.len() {
            seen[fields[i] as usize] += 1;
            i += 1;
        }
        g += 1;
    }
    let mut f = 0;
    while f < Field::COUNT {
        assert!(
            seen[f] == 1,
            "a field is missing from the layout, or stands twice"
        );
        f += 1;
    }
};

/// How `field` is entered, given whether it has a closed set of choices.
pub(crate) const fn input_kind(field: Field, has_choices: bool) -> InputKind {
    match field {
        _ if has_choices => InputKind::Choice,
        Field::Description | Field::PublicKey => InputKind::MultiLine,
        Field::Password => InputKind::Secret,
        Field::Email | Field::Source => InputKind::List,
        _ => InputKind::Text,
    }
}
