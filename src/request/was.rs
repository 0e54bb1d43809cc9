//! Preconditions as sent (the README's "Policy", an opt-in extension): `was.<field>` in a
//! query string, the members of `"was"` in a JSON object. They are kept apart from the
//! parameters, by key, and judged by the decision, which knows whether the policy takes
//! them.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::ErrorKind;
use crate::request::{MAX_PARAMETERS, key_of};

/// The name of the JSON member that holds preconditions, and the prefix of a
/// precondition's key.
pub(crate) const WAS: &str = "was";

/// One precondition as sent: its key (`was.title`), and the value, or what is wrong
/// with it (`invalid_utf8`, `invalid_type`, `duplicate_parameter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Was {
    pub(crate) key: String,
    pub(crate) value: Result<String, ErrorKind>,
}

impl Was {
    /// The name after `was.`, if the key has one.
    pub(crate) fn name(&self) -> Option<&str> {
        self.key.strip_prefix(WAS)?.strip_prefix('.')
    }
}

/// Whether a parameter's key is a precondition's: `was`, or `was.` and a name.
pub(crate) fn is_precondition(key: &str) -> bool {
    key.strip_prefix(WAS)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// Adds a precondition, or marks the one already sent under `key` a duplicate. Kept in
/// order of key, so that two requests holding the same preconditions, however sent,
/// hold them alike.
pub(crate) fn push(was: &mut Vec<Was>, key: String, value: Result<String, ErrorKind>) {
    match was.binary_search_by(|w| w.key.as_str().cmp(&key)) {
        Ok(first) => was[first].value = Err(ErrorKind::DuplicateParameter {}),
        Err(at) => was.insert(at, Was { key, value }),
    }
}

/// Whether a precondition cannot be written out as sent: its value has a problem, or
/// its key names no field at all (`was` alone).
pub(crate) fn has_problem(was: &Was) -> bool {
    was.value.is_err() || was.name().is_none()
}

/// The members of a JSON `"was"` object, each a precondition `was.<member>`; a value
/// that is not an object is one bad precondition under `was`. Each member counts as a
/// parameter: `Err(())` past [`MAX_PARAMETERS`] with `count` before.
pub(crate) fn read_object(raw: &RawValue, was: &mut Vec<Was>, count: &mut usize) -> Result<(), ()> {
    let mut members = Vec::new();
    let mut de = serde_json::Deserializer::from_str(raw.get());
    if de.deserialize_map(Members(&mut members)).is_err() {
        push(was, WAS.to_owned(), Err(ErrorKind::InvalidType {}));
        return Ok(());
    }
    for (name, value) in members {
        if *count == MAX_PARAMETERS {
            return Err(());
        }
        *count += 1;
        // Bounded as a whole, as a query's `was.<name>` key is: one request however sent.
        let key = format!("{WAS}.{name}");
        push(was, key_of(&key).to_owned(), value);
    }
    Ok(())
}

/// The members of an object, each value read as a parameter's value is: a string or an
/// integer's text.
struct Members<'m>(&'m mut Vec<(String, Result<String, ErrorKind>)>);

impl<'de> Visitor<'de> for Members<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object of preconditions")
    }

    // Bounded by the object's length: each member takes its bytes.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            let raw: &RawValue = map.next_value()?;
            self.0.push((name, value_of(raw)));
        }
        Ok(())
    }
}

/// A precondition's value: a string, or an integer as written (`people/get` gives ids
/// as numbers); anything else is `invalid_type`, an escaped lone surrogate
/// `invalid_utf8`.
pub(crate) fn value_of(raw: &RawValue) -> Result<String, ErrorKind> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str(text).map_err(|_| ErrorKind::InvalidUtf8 {}),
        Some(b'-' | b'0'..=b'9') if super::json::is_integer(text) => Ok(text.to_owned()),
        _ => Err(ErrorKind::InvalidType {}),
    }
}
