//! Reading a request from a JSON object, keeping repeated keys and bad values visible
//! (a plain map would silently keep the last of a repeated key).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::{Error, ErrorKind};
use crate::request::{BadValue, MAX_PARAMETERS, Param, Request, Slot, Span, too_large};

pub(crate) fn read_object(input: &[u8]) -> Result<Request<'_>, Error> {
    read_object_into(input, Request::default(), 0, input.len())
}

/// Reads a JSON object's members into `request`, which holds `count` parameters already
/// (from the URL); `size` is the whole request's.
pub(crate) fn read_object_into<'a>(
    input: &'a [u8],
    request: Request<'a>,
    count: usize,
    size: usize,
) -> Result<Request<'a>, Error> {
    let mut too_many = false;
    let mut de = serde_json::Deserializer::from_slice(input);
    let read = ObjectSeed {
        request,
        count,
        too_many: &mut too_many,
        size,
    }
    .deserialize(&mut de)
    .and_then(|request| de.end().map(|()| request));
    match read {
        Ok(request) => Ok(request),
        Err(_) if too_many => Err(too_large()),
        Err(_) => Err(Error::new("", ErrorKind::MalformedJson {})),
    }
}

struct ObjectSeed<'de, 'f> {
    request: Request<'de>,
    count: usize,
    too_many: &'f mut bool,
    size: usize,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'de, '_> {
    type Value = Request<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'de, '_> {
    type Value = Request<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Request<'de>, A::Error> {
        let (mut request, mut count) = (self.request, self.count);
        while let Some(param) = map.next_key_seed(NameSeed)? {
            if count == MAX_PARAMETERS {
                *self.too_many = true;
                return Err(serde::de::Error::custom("too many parameters"));
            }
            count += 1;
            let validation = param == Ok(Param::Validation);
            let raw: &'de RawValue = map.next_value()?;
            match param {
                Ok(param) => {
                    let value = read_value(raw, &mut request, validation, self.size);
                    request.accept(param, value);
                }
                Err(key) if crate::request::was::is_precondition(&key) => {
                    if request.accept_was_json(key, raw, &mut count).is_err() {
                        *self.too_many = true;
                        return Err(serde::de::Error::custom("too many parameters"));
                    }
                }
                Err(key) => request.accept_unknown(key),
            }
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
        Ok(
            Param::from_name(name.as_bytes())
                .ok_or_else(|| crate::request::key_of(name).to_owned()),
        )
    }
}

/// A parameter's value: strings (borrowed from the input when they have no escapes),
/// integers as their decimal text exactly as written (so that an integer out of any
/// field's range, or `-0`, meets that field's own format check), `true`/`false` for
/// `validation`; anything else is refused.
fn read_value<'de>(
    raw: &'de RawValue,
    request: &mut Request<'de>,
    validation: bool,
    size: usize,
) -> Slot<'de> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => match text.get(1..text.len() - 1) {
            // Valid JSON without a backslash holds its text as it is.
            Some(inner) if !inner.contains('\\') => Slot::Value(Span::Input(inner)),
            // Escapes: unescaped into the request's own buffer, never longer than the input.
            _ => match serde_json::from_str::<String>(text) {
                Ok(owned) => {
                    request.reserve_once(size);
                    Slot::Value(request.own_text(&owned))
                }
                // An escaped lone surrogate (`"\ud800"`): not text.
                Err(_) => Slot::Bad(BadValue::Utf8),
            },
        },
        Some(b'-' | b'0'..=b'9') if is_integer(text) => Slot::Value(Span::Input(text)),
        Some(b't') if validation => Slot::Value(Span::Input("1")),
        Some(b'f') if validation => Slot::Value(Span::Input("0")),
        _ => Slot::Bad(BadValue::Type),
    }
}

/// Whether a JSON number is written as an integer: digits, perhaps after a minus sign.
pub(crate) fn is_integer(number: &str) -> bool {
    let digits = number.strip_prefix('-').unwrap_or(number);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}
