//! Reading a request from a JSON object, keeping repeated keys and bad values visible
//! (a plain map would silently keep the last of a repeated key).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::{Error, ErrorKind};
use crate::request::{BadValue, MAX_PARAMETERS, Param, Request, Slot, Text, too_large};

pub(crate) fn read_object(input: &[u8]) -> Result<Request<'_>, Error> {
    let mut too_many = false;
    let mut de = serde_json::Deserializer::from_slice(input);
    let read = ObjectSeed {
        too_many: &mut too_many,
        size: input.len(),
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
    size: usize,
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
        while let Some(param) = map.next_key_seed(NameSeed)? {
            if count == MAX_PARAMETERS {
                *self.too_many = true;
                return Err(serde::de::Error::custom("too many parameters"));
            }
            count += 1;
            let validation = param == Ok(Param::Validation);
            let value = map.next_value_seed(ValueSeed {
                request: &mut request,
                validation,
                size: self.size,
            })?;
            request.accept(param, value);
        }
        Ok(request)
    }
}

/// A key, looked up as it is read: a parameter, or the name of an unknown one.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Result<Param, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for NameSeed {
    type Value = Result<Param, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a parameter name")
    }

    fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Param::from_name(name).ok_or_else(|| name.to_owned()))
    }
}

/// A parameter's value: text (strings, and integers as their decimal text, borrowed
/// from the input when they have no escapes), `true`/`false` for `validation`; anything
/// else is read past and refused.
struct ValueSeed<'r, 'de> {
    request: &'r mut Request<'de>,
    validation: bool,
    size: usize,
}

impl<'de> ValueSeed<'_, 'de> {
    fn own(self, text: &str) -> Text<'de> {
        // A request's own text is never longer than its input.
        self.request.reserve_once(self.size);
        self.request.own_text(text)
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, 'de> {
    type Value = Slot<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, 'de> {
    type Value = Slot<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an integer")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Slot::Value(Text::Input(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Slot::Value(self.own(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Slot::Value(self.own(&v.to_string())))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Slot::Value(self.own(&v.to_string())))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(if self.validation {
            Slot::Value(Text::Input(if v { "1" } else { "0" }))
        } else {
            Slot::Bad(BadValue::Type)
        })
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Slot::Bad(BadValue::Type))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Slot::Bad(BadValue::Type))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // Nesting is bounded by serde_json's recursion limit.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Slot::Bad(BadValue::Type))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Slot::Bad(BadValue::Type))
    }
}
