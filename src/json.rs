//! Reading a request from a JSON object, keeping repeated keys and bad values visible
//! (a plain map would silently keep the last of a repeated key).

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind};
use crate::request::{BadValue, MAX_PARAMETERS, Param, Request, too_large};

pub(crate) fn read_object(input: &[u8]) -> Result<Request<'_>, Error> {
    let mut too_many = false;
    let mut de = serde_json::Deserializer::from_slice(input);
    let read = ObjectSeed {
        too_many: &mut too_many,
    }
    .deserialize(&mut de)
    .and_then(|request| de.end().map(|()| request));
    match read {
        Ok(request) => Ok(request),
        Err(_) if too_many => Err(too_large()),
        Err(_) => Err(Error::new("", ErrorKind::MalformedJson {})),
    }
}

struct ObjectSeed<'f> {
    too_many: &'f mut bool,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Request<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Request<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request<'de>, A::Error> {
        let mut request = Request::default();
        let mut count = 0;
        while let Some(Text(name)) = map.next_key::<Text<'de>>()? {
            if count == MAX_PARAMETERS {
                *self.too_many = true;
                return Err(serde::de::Error::custom("too many parameters"));
            }
            count += 1;
            let value = match map.next_value::<Scalar<'de>>()? {
                Scalar::Text(text) => Ok(text),
                Scalar::Bool(flag) if Param::from_name(&name) == Some(Param::Validation) => {
                    Ok(Cow::Borrowed(if flag { "1" } else { "0" }))
                }
                Scalar::Bool(_) | Scalar::Other => Err(BadValue::Type),
            };
            request.accept(name, value);
        }
        Ok(request)
    }
}

/// A JSON string, borrowed from the input when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_str(ScalarVisitor)
            .and_then(|scalar| match scalar {
                Scalar::Text(text) => Ok(Text(text)),
                _ => Err(serde::de::Error::custom("a key must be a string")),
            })
    }
}

/// A parameter's JSON value: text (strings, and integers as their decimal text), a
/// boolean, or anything else, which is skipped and refused.
enum Scalar<'de> {
    Text(Cow<'de, str>),
    Bool(bool),
    Other,
}

impl<'de> serde::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_string())))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_string())))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }

    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        // Nesting is bounded by serde_json's recursion limit.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}
