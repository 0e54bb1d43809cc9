//! The stored person, as the caller's database has it.

use serde::{Deserialize, Deserializer, Serialize};

use crate::field::{Field, with_field_table};

/// A person as stored: the record `people/update` changes.
///
/// Values are taken as they are, legacy or even invalid: they are compared with, never
/// re-validated. The password is not part of it. Deserializes from a `people/get`
/// object, where ids may be strings or integers, a missing field is `""`, and fields
/// this crate does not know are ignored.
///
/// Not `#[non_exhaustive]`, on purpose: servers and tests build a person with a struct
/// literal and `..Person::default()`, which that attribute would forbid outside the
/// crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The person's id.
    #[serde(deserialize_with = "id")]
    pub id: u64,
    /// The id of the customer the person belongs to.
    #[serde(deserialize_with = "id")]
    pub customer: u64,
    /// The id of the person's role.
    #[serde(deserialize_with = "id")]
    pub role: u64,
    /// The stored `username`.
    #[serde(default, deserialize_with = "text")]
    pub username: String,
    /// The stored `forename`.
    #[serde(default, deserialize_with = "text")]
    pub forename: String,
    /// The stored `surname`.
    #[serde(default, deserialize_with = "text")]
    pub surname: String,
    /// The stored `title`.
    #[serde(default, deserialize_with = "text")]
    pub title: String,
    /// The stored `company`.
    #[serde(default, deserialize_with = "text")]
    pub company: String,
    /// The stored `description`.
    #[serde(default, deserialize_with = "text")]
    pub description: String,
    /// The stored `email`.
    #[serde(default, deserialize_with = "text")]
    pub email: String,
    /// The stored `telephone`.
    #[serde(default, deserialize_with = "text")]
    pub telephone: String,
    /// The stored `mobile`.
    #[serde(default, deserialize_with = "text")]
    pub mobile: String,
    /// The stored `fax`.
    #[serde(default, deserialize_with = "text")]
    pub fax: String,
    /// The stored `extension`.
    #[serde(default, deserialize_with = "text")]
    pub extension: String,
    /// The stored `country`.
    #[serde(default, deserialize_with = "text")]
    pub country: String,
    /// The stored `language`.
    #[serde(default, deserialize_with = "text")]
    pub language: String,
    /// The stored `timezone`.
    #[serde(default, deserialize_with = "text")]
    pub timezone: String,
    /// The stored `date_format`.
    #[serde(default, deserialize_with = "text")]
    pub date_format: String,
    /// The stored `time_format`.
    #[serde(default, deserialize_with = "text")]
    pub time_format: String,
    /// The stored `source`.
    #[serde(default, deserialize_with = "text")]
    pub source: String,
    /// The stored `public_key`.
    #[serde(default, deserialize_with = "text")]
    pub public_key: String,
}

/// A person's text member for a row of the field table: `text` rows are stored as
/// text; the role (`id`) and the password (`secret`) are not.
macro_rules! member {
    (text, $($member:tt)*) => {
        Some($($member)*)
    };
    (id, $($member:tt)*) => {
        None
    };
    (secret, $($member:tt)*) => {
        None
    };
}

macro_rules! define_person_text {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:ident : $ty:ty, $store:ident, $clear:ident $(($clear_setter:ident))?;
    )*) => {
        impl Person {
            /// The stored text of a field; `None` for the fields not stored as text
            /// (`password`, never stored here, and `role`, an id).
            #[must_use]
            #[inline]
            pub fn text(&self, field: Field) -> Option<&str> {
                match field { $( Field::$variant => member!($store, self.$name.as_str()), )* }
            }

            /// The stored text of a field, to set it (a server mapping a database row,
            /// say); `None` for `password` and `role`.
            pub fn text_mut(&mut self, field: Field) -> Option<&mut String> {
                match field { $( Field::$variant => member!($store, &mut self.$name), )* }
            }
        }
    };
}

with_field_table!(define_person_text);

/// An id written as an integer or as a string of digits (Enswitch sends both).
fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match Scalar::deserialize(deserializer)? {
        Scalar::Integer(id) => Ok(id),
        Scalar::Text(text) => text.trim().parse().map_err(|_| {
            serde::de::Error::custom(format!("an id must be an integer, not \"{text}\""))
        }),
    }
}

/// A text field written as a string, or as an integer (an extension, say).
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(match Option::<Scalar>::deserialize(deserializer)? {
        Some(Scalar::Integer(n)) => n.to_string(),
        Some(Scalar::Text(text)) => text,
        None => String::new(),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Integer(u64),
    Text(String),
}
