//! The updatable fields of a person, and sets of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! fields {
    ($( $(#[$doc:meta])* $variant:ident => $name:literal, )*) => {
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
            pub const COUNT: usize = [$($name),*].len();

            /// The parameter name, as in the request.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $( Field::$variant => $name, )* }
            }
        }

        impl FromStr for Field {
            type Err = UnknownField;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $name => Ok(Field::$variant), )*
                    _ => Err(UnknownField),
                }
            }
        }
    };
}

fields! {
    /// Company name.
    Company => "company",
    /// Two-letter country code.
    Country => "country",
    /// Date format.
    DateFormat => "date_format",
    /// Free-text description.
    Description => "description",
    /// Email address(es).
    Email => "email",
    /// Number to forward to in dial by name.
    Extension => "extension",
    /// Fax number.
    Fax => "fax",
    /// First name.
    Forename => "forename",
    /// Language tag.
    Language => "language",
    /// Mobile number.
    Mobile => "mobile",
    /// Password (write-only).
    Password => "password",
    /// OpenPGP public key.
    PublicKey => "public_key",
    /// Role id.
    Role => "role",
    /// Source IP allow-list.
    Source => "source",
    /// Last name.
    Surname => "surname",
    /// Telephone number.
    Telephone => "telephone",
    /// Time format.
    TimeFormat => "time_format",
    /// Time zone.
    Timezone => "timezone",
    /// Title.
    Title => "title",
    /// User name.
    Username => "username",
}

impl Field {
    /// Whether an empty value clears this field (otherwise it is an error).
    #[must_use]
    pub const fn is_clearable(self) -> bool {
        !matches!(
            self,
            Field::Country
                | Field::DateFormat
                | Field::Password
                | Field::Role
                | Field::TimeFormat
                | Field::Username
        )
    }

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

    /// Whether the set is empty.
    #[must_use]
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in the set, in alphabetical order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(move |f| self.contains(*f))
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
