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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_stands_in_the_layout_once() {
        let mut placed: Vec<Field> = LAYOUT
            .iter()
            .flat_map(|(_, fields)| *fields)
            .copied()
            .collect();
        placed.sort_unstable();
        assert_eq!(placed, Field::ALL);
    }

    #[test]
    fn how_each_field_is_entered() {
        let rows = [
            (Field::Description, false, InputKind::MultiLine),
            (Field::PublicKey, false, InputKind::MultiLine),
            (Field::Password, false, InputKind::Secret),
            (Field::Email, false, InputKind::List),
            (Field::Source, false, InputKind::List),
            (Field::Title, false, InputKind::Text),
            (Field::Timezone, false, InputKind::Text),
            (Field::Language, true, InputKind::Choice),
            (Field::Role, true, InputKind::Choice),
        ];
        for (field, has_choices, expected) in rows {
            assert_eq!(input_kind(field, has_choices), expected, "{field}");
        }
    }
}
