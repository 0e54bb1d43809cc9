//! The updatable fields of a person, and sets of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The one table of fields, read by every part that needs the list: the [`Field`] enum,
/// [`crate::Change`], the person's text accessors, parsing in [`crate::decide`], the
/// request builder's setters and the form description.
///
/// A row: the variant; the parameter name (also the [`crate::Person`] member and the
/// builder setter); the value type; how the person stores it (`text`, the role `id`, or
/// never: `secret`); and whether an empty value clears it (with the builder's clearing
/// setter) or is an error (`required`). Rows are in alphabetical order of name, so the
/// derived `Ord` of `Field` is the order errors and changes are reported in.
macro_rules! with_field_table {
    ($callback:ident) => {
        $callback! {
            /// Company name.
            Company => company: crate::value::Company, text, clearable(clear_company);
            /// Two-letter country code.
            Country => country: crate::value::Country, text, required;
            /// Date format.
            DateFormat => date_format: crate::value::DateFormat, text, required;
            /// Free-text description.
            Description => description: crate::value::Description, text, clearable(clear_description);
            /// Email address(es).
            Email => email: crate::value::EmailList, text, clearable(clear_email);
            /// Number to forward to in dial by name.
            Extension => extension: crate::value::Extension, text, clearable(clear_extension);
            /// Fax number.
            Fax => fax: crate::value::PhoneNumber, text, clearable(clear_fax);
            /// First name.
            Forename => forename: crate::value::PersonName, text, clearable(clear_forename);
            /// Language tag.
            Language => language: crate::value::Language, text, clearable(clear_language);
            /// Mobile number.
            Mobile => mobile: crate::value::PhoneNumber, text, clearable(clear_mobile);
            /// Password (write-only).
            Password => password: crate::value::Password, secret, required;
            /// OpenPGP public key.
            PublicKey => public_key: crate::value::PublicKey, text, clearable(clear_public_key);
            /// Role id.
            Role => role: crate::value::RoleId, id, required;
            /// Source IP allow-list.
            Source => source: crate::value::SourceList, text, clearable(clear_source);
            /// Last name.
            Surname => surname: crate::value::PersonName, text, clearable(clear_surname);
            /// Telephone number.
            Telephone => telephone: crate::value::PhoneNumber, text, clearable(clear_telephone);
            /// Time format.
            TimeFormat => time_format: crate::value::TimeFormat, text, required;
            /// Time zone.
            Timezone => timezone: crate::value::TimeZone, text, clearable(clear_timezone);
            /// Title.
            Title => title: crate::value::Title, text, clearable(clear_title);
            /// User name.
            Username => username: crate::value::Username, text, required;
        }
    };
}
pub(crate) use with_field_table;

/// Whether a row's field is stored as text.
macro_rules! is_text {
    (text) => {
        true
    };
    (id) => {
        false
    };
    (secret) => {
        false
    };
}

/// Whether a row's empty value clears the field.
macro_rules! is_clearable {
    (clearable) => {
        true
    };
    (required) => {
        false
    };
}

macro_rules! define_field {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:ident : $ty:ty, $store:ident, $clear:ident $(($clear_setter:ident))?;
    )*) => {
        /// A field of a person that `people/update` can change.
        ///
        /// Variants are in alphabetical order of their names, so the derived `Ord` is the
        /// order errors and changes are reported in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field {
            $( $(#[$doc])* $variant, )*
        }

        impl Field {
            /// Every field, in alphabetical order.
            pub const ALL: [Field; Field::COUNT] = [$(Field::$variant),*];
            /// How many fields there are.
            pub const COUNT: usize = [$(stringify!($name)),*].len();

            /// The parameter name, as in the request.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $( Field::$variant => stringify!($name), )* }
            }

            /// Whether the person stores this field as text (a column of its own); the
            /// role is stored as an id, and the password only as its hash.
            #[must_use]
            pub const fn is_text(self) -> bool {
                match self { $( Field::$variant => is_text!($store), )* }
            }

            /// Whether an empty value clears this field (otherwise it is an error).
            #[must_use]
            pub const fn is_clearable(self) -> bool {
                match self { $( Field::$variant => is_clearable!($clear), )* }
            }
        }

        impl FromStr for Field {
            type Err = UnknownField;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( stringify!($name) => Ok(Field::$variant), )*
                    _ => Err(UnknownField),
                }
            }
        }
    };
}

with_field_table!(define_field);

// A `FieldSet` is a `u32` bit set.
const _: () = assert!(Field::COUNT <= 32);

const _: () = {
    // The table is in alphabetical order of name, as `Ord` promises.
    let mut i = 1;
    while i < Field::COUNT {
        let (a, b) = (
            Field::ALL[i - 1].as_str().as_bytes(),
            Field::ALL[i].as_str().as_bytes(),
        );
        let mut j = 0;
        while j < a.len() && j < b.len() && a[j] == b[j] {
            j += 1;
        }
        assert!(j == a.len() || (j < b.len() && a[j] < b[j]));
        i += 1;
    }
};

impl Field {
    const fn bit(self) -> u32 {
        1 << self as u32
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A name that is not one of the updatable fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a field of people/update")]
pub struct UnknownField;

/// A set of fields (for example the self-service set, or what a rate plan forbids).
///
/// Serializes as a list of field names in alphabetical order; an unknown name is an
/// error when it is loaded.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FieldSet(u32);

impl FieldSet {
    /// The empty set.
    pub const EMPTY: FieldSet = FieldSet(0);

    /// Whether `field` is in the set.
    #[must_use]
    pub const fn contains(self, field: Field) -> bool {
        self.0 & field.bit() != 0
    }

    /// The set with `field` added.
    #[must_use]
    pub const fn with(self, field: Field) -> FieldSet {
        FieldSet(self.0 | field.bit())
    }

    /// Adds `field`.
    pub fn insert(&mut self, field: Field) {
        *self = self.with(field);
    }

    /// Takes `field` out.
    pub fn remove(&mut self, field: Field) {
        self.0 &= !field.bit();
    }

    /// How many fields the set holds.
    #[must_use]
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in the set, in alphabetical order: one step per field in the set,
    /// lowest bit first.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            let field = Field::ALL.get(bits.trailing_zeros() as usize).copied()?;
            bits &= bits - 1;
            Some(field)
        })
    }
}

impl FromIterator<Field> for FieldSet {
    fn from_iter<I: IntoIterator<Item = Field>>(iter: I) -> Self {
        iter.into_iter().fold(FieldSet::EMPTY, FieldSet::with)
    }
}

impl<const N: usize> From<[Field; N]> for FieldSet {
    fn from(fields: [Field; N]) -> Self {
        fields.into_iter().collect()
    }
}

impl fmt::Debug for FieldSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl Serialize for FieldSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Field::as_str))
    }
}

impl<'de> Deserialize<'de> for FieldSet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = FieldSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of people/update field names")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FieldSet, A::Error> {
                let mut set = FieldSet::EMPTY;
                // Bounded: every accepted name is new, so at most COUNT + 1 are read.
                while let Some(name) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    let field = name.parse::<Field>().map_err(|_| {
                        serde::de::Error::custom(format!("unknown field name \"{name}\""))
                    })?;
                    if set.contains(field) {
                        return Err(serde::de::Error::custom(format!(
                            "field \"{name}\" is listed twice"
                        )));
                    }
                    set.insert(field);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_iterate_in_alphabetical_order() {
        for (set, expected) in [
            (FieldSet::EMPTY, &[][..]),
            (FieldSet::from([Field::Username]), &[Field::Username]),
            (FieldSet::from([Field::Company]), &[Field::Company]),
            (
                FieldSet::from([Field::Title, Field::Company, Field::Email]),
                &[Field::Company, Field::Email, Field::Title],
            ),
        ] {
            assert_eq!(set.iter().collect::<Vec<_>>(), expected);
            assert_eq!(set.len(), expected.len());
        }
        let all: FieldSet = Field::ALL.into_iter().collect();
        assert_eq!(all.iter().collect::<Vec<_>>(), Field::ALL);
    }
}
