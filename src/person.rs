//! The stored person, as the caller's database has it.

use serde::{Deserialize, Deserializer, Serialize};

use crate::field::Field;

/// A person as stored: the record `people/update` changes.
///
/// Values are taken as they are, legacy or even invalid: they are compared with, never
/// re-validated. The password is not part of it. Deserializes from a `people/get`
/// object, where ids may be strings or integers, a missing field is `""`, and fields
/// this crate does not know are ignored.
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

impl Person {
    /// The stored text of a field; `None` for the fields not stored as text
    /// (`password`, never stored here, and `role`, an id).
    #[must_use]
    pub fn text(&self, field: Field) -> Option<&str> {
        self.text_slot(field).map(String::as_str)
    }

    fn text_slot(&self, field: Field) -> Option<&String> {
        Some(match field {
            Field::Company => &self.company,
            Field::Country => &self.country,
            Field::DateFormat => &self.date_format,
            Field::Description => &self.description,
            Field::Email => &self.email,
            Field::Extension => &self.extension,
            Field::Fax => &self.fax,
            Field::Forename => &self.forename,
            Field::Language => &self.language,
            Field::Mobile => &self.mobile,
            Field::PublicKey => &self.public_key,
            Field::Source => &self.source,
            Field::Surname => &self.surname,
            Field::Telephone => &self.telephone,
            Field::TimeFormat => &self.time_format,
            Field::Timezone => &self.timezone,
            Field::Title => &self.title,
            Field::Username => &self.username,
            Field::Password | Field::Role => return None,
        })
    }

    pub(crate) fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Company => &mut self.company,
            Field::Country => &mut self.country,
            Field::DateFormat => &mut self.date_format,
            Field::Description => &mut self.description,
            Field::Email => &mut self.email,
            Field::Extension => &mut self.extension,
            Field::Fax => &mut self.fax,
            Field::Forename => &mut self.forename,
            Field::Language => &mut self.language,
            Field::Mobile => &mut self.mobile,
            Field::PublicKey => &mut self.public_key,
            Field::Source => &mut self.source,
            Field::Surname => &mut self.surname,
            Field::Telephone => &mut self.telephone,
            Field::TimeFormat => &mut self.time_format,
            Field::Timezone => &mut self.timezone,
            Field::Title => &mut self.title,
            Field::Username => &mut self.username,
            Field::Password | Field::Role => return None,
        })
    }
}

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
