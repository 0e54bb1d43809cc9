//! The request: its parameters, parsed from a query string or a JSON object, or built
//! with types.

use std::fmt;

mod builder;
mod json;
mod param;
pub(crate) mod query;
mod was;

pub use builder::RequestBuilder;
pub(crate) use param::Param;
pub(crate) use was::Was;

use crate::error::{Error, ErrorKind};
use crate::field::{Field, FieldSet};

/// Most parameters one request may carry.
pub const MAX_PARAMETERS: usize = 100;
/// Most bytes one request may be.
pub const MAX_REQUEST_BYTES: usize = 256 * 1024;

/// A value that was sent but cannot be used, known while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadValue {
    Utf8,
    Type,
}

/// Where a value's text is: in the input, or in the request's own buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Span<'a> {
    Input(&'a str),
    Own { start: usize, end: usize },
}

impl<'a> Span<'a> {
    /// Appends `text` to `own` and refers to it there.
    pub(crate) fn own(own: &mut String, text: &str) -> Span<'a> {
        let start = own.len();
        own.push_str(text);
        Span::Own {
            start,
            end: own.len(),
        }
    }

    /// The text, from the input or from the request's own buffer `own`.
    ///
    /// # Panics
    /// If the span is not in `own`: a bug of the request's, which must never read as
    /// an empty value (that would clear a field).
    pub(crate) fn as_str<'s>(self, own: &'s str) -> &'s str
    where
        'a: 's,
    {
        match self {
            Span::Input(text) => text,
            Span::Own { start, end } => own
                .get(start..end)
                .expect("a span of the request's own buffer lies within it"),
        }
    }
}

/// What the request holds for one parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Slot<'a> {
    #[default]
    Absent,
    Value(Span<'a>),
    Bad(BadValue),
    Duplicate,
}

/// The parameters of one `people/update` request, before they are checked.
///
/// Parse one with [`Request::from_query`] or [`Request::from_json`] (borrowing the input
/// where nothing needs decoding), or build one with [`Request::builder`]. Parsing keeps
/// problems with single parameters (a duplicate, an unknown name, a value that is not
/// UTF-8) for [`crate::decide`] to report with everything else; only a request that is
/// refused as a whole is an `Err`.
///
/// Two requests are equal when they hold the same parameters, whatever their encoding.
/// `Debug` shows neither password.
#[derive(Clone)]
pub struct Request<'a> {
    slots: [Slot<'a>; Param::COUNT],
    /// Names that are not parameters of `people/update`, once each, in order of arrival.
    unknown: Vec<String>,
    /// The preconditions sent (`was.<field>`), in order of key: the decision judges
    /// them under the policy.
    was: Vec<Was>,
    /// Values that could not be borrowed from the input (decoded, unescaped, built).
    own: String,
    /// Whether a slot is bad or a duplicate, kept as they are taken so that the common
    /// answer (none) needs no look at every slot.
    bad_slots: bool,
    /// The fields whose slot holds a value, kept as they are taken for the same reason.
    sent: FieldSet,
}

impl Default for Request<'_> {
    fn default() -> Self {
        Request {
            slots: [Slot::Absent; Param::COUNT],
            unknown: Vec::new(),
            was: Vec::new(),
            own: String::new(),
            bad_slots: false,
            sent: FieldSet::EMPTY,
        }
    }
}

impl<'a> Request<'a> {
    /// Parses a query string: pairs separated by `;` or `&`, form-urlencoded.
    ///
    /// # Errors
    /// `request_too_large` (key `""`) past [`MAX_REQUEST_BYTES`] or [`MAX_PARAMETERS`].
    pub fn from_query(input: &'a str) -> Result<Request<'a>, Error> {
        Request::read_query(input.as_bytes(), Some(input))
    }

    /// Parses a query string given as bytes, as it arrives from the network; names and
    /// values must decode to UTF-8.
    ///
    /// # Errors
    /// As [`Request::from_query`].
    pub fn from_query_bytes(input: &'a [u8]) -> Result<Request<'a>, Error> {
        Request::read_query(input, std::str::from_utf8(input).ok())
    }

    /// Reads a query string; `whole` is the input as text when it is UTF-8 as a whole
    /// (then no piece of it needs a check of its own).
    fn read_query(input: &'a [u8], whole: Option<&'a str>) -> Result<Request<'a>, Error> {
        check_size(input.len())?;
        let mut request = Request::default();
        request.read_pairs(input, whole, input.len(), 0)?;
        Ok(request)
    }

    /// Parses a request whose parameters come from the URL's query string and a body
    /// together (Enswitch's own examples send the credentials in the URL and the fields
    /// in a body). `content_type` chooses how the body is read: a query string
    /// (`application/x-www-form-urlencoded`, or none) or a JSON object
    /// (`application/json`); its parameters, such as `charset`, are ignored. The URL's
    /// and the body's parameters meet every rule together: a name in both is a
    /// `duplicate_parameter`, the bounds count both, and both are decoded under the same
    /// UTF-8 rule. A server hands the crate the raw bytes and decodes nothing itself.
    ///
    /// # Errors
    /// `request_too_large` past the bounds of both together, `unsupported_content_type`
    /// for any other content type, `malformed_json` for a JSON body that is not one
    /// object; each with key `""`.
    pub fn from_parts(
        url_query: &'a [u8],
        content_type: Option<&str>,
        body: &'a [u8],
    ) -> Result<Request<'a>, Error> {
        let total = url_query.len() + body.len();
        check_size(total)?;
        let media_type = content_type.map(|value| {
            let essence = value.split(';').next().unwrap_or_default();
            essence.trim().to_ascii_lowercase()
        });
        let json = match media_type.as_deref() {
            None | Some("application/x-www-form-urlencoded") => false,
            Some("application/json") => true,
            Some(_) => return Err(Error::new("", ErrorKind::UnsupportedContentType {})),
        };
        let mut request = Request::default();
        let url_text = std::str::from_utf8(url_query).ok();
        let count = request.read_pairs(url_query, url_text, total, 0)?;
        if json {
            json::read_object_into(body, request, count, total)
        } else {
            request.read_pairs(body, std::str::from_utf8(body).ok(), total, count)?;
            Ok(request)
        }
    }

    /// Reads the pairs of a query string into this request; `count` is the number of
    /// parameters read so far (the bound counts every part of the request), `total` the
    /// size of the whole request. Gives the count after.
    // Inlined: into `read_query`, where most requests are read, it saves the call and
    // the request's move.
    #[inline]
    fn read_pairs(
        &mut self,
        input: &'a [u8],
        whole: Option<&'a str>,
        total: usize,
        mut count: usize,
    ) -> Result<usize, Error> {
        let request = self;
        let piece = |range: std::ops::Range<usize>| piece(input, whole, range);
        for pair in query::pairs(input) {
            if count == MAX_PARAMETERS {
                return Err(too_large());
            }
            count += 1;
            // A name is looked up as bytes; one that names nothing as it is sent (an
            // encoded one, holding `+` or `%`, never does) takes the cold path, and an
            // unknown name's value is not read.
            let raw_name = &input[pair.name.clone()];
            let param = match Param::from_name(raw_name) {
                Some(param) => param,
                None => match request.unknown_name(input, whole, pair.clone(), total) {
                    Some(param) => param,
                    None => continue,
                },
            };
            let value = match piece(pair.value) {
                Some(raw) if !pair.value_encoded => Slot::Value(Span::Input(raw)),
                Some(raw) => request.decoded_value(raw, total),
                None => Slot::Bad(BadValue::Utf8),
            };
            request.accept(param, value);
        }
        Ok(count)
    }

    /// A pair whose name names no parameter as it is sent: the parameter it names once
    /// decoded, or `None` with its key kept among the unknown names, or with its value
    /// kept as a precondition (`was.<field>`). `input` is the query string, `whole` the
    /// same as text when it is UTF-8.
    #[cold]
    #[inline(never)]
    fn unknown_name(
        &mut self,
        input: &[u8],
        whole: Option<&str>,
        query::Pair {
            name,
            value,
            name_encoded,
            value_encoded,
        }: query::Pair,
        total: usize,
    ) -> Option<Param> {
        let raw = &input[name.clone()];
        let found = match piece(input, whole, name) {
            Some(name) if !name_encoded => Err(key_of(name).to_owned()),
            name => self.decoded_name(name, raw, total),
        };
        match found {
            Ok(param) => Some(param),
            Err(key) if was::is_precondition(&key) => {
                let value = match (piece(input, whole, value), value_encoded) {
                    (Some(text), false) => Ok(text.to_owned()),
                    (Some(text), true) => {
                        let mut decoded = String::new();
                        query::decode(text, &mut decoded)
                            .map(|_| decoded)
                            .ok_or(ErrorKind::InvalidUtf8 {})
                    }
                    (None, _) => Err(ErrorKind::InvalidUtf8 {}),
                };
                was::push(&mut self.was, key, value);
                None
            }
            Err(key) => {
                self.accept_unknown(key);
                None
            }
        }
    }

    /// The preconditions sent, in order of key.
    pub(crate) fn preconditions(&self) -> &[Was] {
        &self.was
    }

    /// Keeps a precondition read from JSON (`"was": {…}`, or a `was.<field>` member).
    /// `Err(())` when its members pass [`MAX_PARAMETERS`].
    pub(crate) fn accept_was_json(
        &mut self,
        key: String,
        raw: &serde_json::value::RawValue,
        count: &mut usize,
    ) -> Result<(), ()> {
        if key == was::WAS {
            was::read_object(raw, &mut self.was, count)
        } else {
            was::push(&mut self.was, key, was::value_of(raw));
            Ok(())
        }
    }

    /// The parameter an encoded name (or one that is not UTF-8) names, or its key when
    /// it is unknown; `name` is its text in the input, if UTF-8.
    fn decoded_name(
        &mut self,
        name: Option<&str>,
        raw: &[u8],
        total: usize,
    ) -> Result<Param, String> {
        self.reserve_once(total);
        let mark = self.own.len();
        let decoded = name.and_then(|name| query::decode(name, &mut self.own));
        let param = if let Some(name) = decoded {
            let name = name.as_str(&self.own);
            Param::from_name(name.as_bytes()).ok_or_else(|| key_of(name).to_owned())
        } else {
            // Decoded leniently, so that an encoded `=` still cuts the key.
            let decoded = query::decode_lossy(raw);
            Err(key_of(&String::from_utf8_lossy(&decoded)).to_owned())
        };
        // The name is looked up; only values are kept.
        self.own.truncate(mark);
        param
    }

    /// An encoded value, decoded into the request's own buffer; bad if it is not UTF-8
    /// once decoded.
    #[inline(never)]
    fn decoded_value(&mut self, raw: &'a str, total: usize) -> Slot<'a> {
        self.reserve_once(total);
        query::decode(raw, &mut self.own).map_or(Slot::Bad(BadValue::Utf8), Slot::Value)
    }

    /// Parses a JSON object whose values are strings or integers (`validation` may also
    /// be `true` or `false`).
    ///
    /// # Errors
    /// `request_too_large` as for a query string, and `malformed_json` (key `""`) for
    /// anything that is not one JSON object.
    pub fn from_json(input: &'a str) -> Result<Request<'a>, Error> {
        Request::from_json_bytes(input.as_bytes())
    }

    /// Parses a JSON object given as bytes.
    ///
    /// # Errors
    /// As [`Request::from_json`].
    pub fn from_json_bytes(input: &'a [u8]) -> Result<Request<'a>, Error> {
        check_size(input.len())?;
        crate::request::json::read_object(input)
    }

    /// Starts building a request for the person with id `id`.
    pub fn builder(id: u64) -> RequestBuilder {
        RequestBuilder::new(id)
    }

    /// Parses either form: a JSON object when the input starts with `{` (after white
    /// space), a query string otherwise.
    ///
    /// # Errors
    /// As [`Request::from_query`] and [`Request::from_json`].
    pub fn parse(input: &'a str) -> Result<Request<'a>, Error> {
        if input.trim_start().starts_with('{') {
            Request::from_json(input)
        } else {
            Request::from_query(input)
        }
    }

    /// The same request, owning every value, so that it can outlive its input.
    #[must_use]
    pub fn into_owned(mut self) -> Request<'static> {
        let mut slots = [Slot::Absent; Param::COUNT];
        for (owned, slot) in slots.iter_mut().zip(self.slots) {
            *owned = match slot {
                Slot::Value(Span::Input(text)) => Slot::Value(Span::own(&mut self.own, text)),
                Slot::Value(Span::Own { start, end }) => Slot::Value(Span::Own { start, end }),
                Slot::Absent => Slot::Absent,
                Slot::Bad(bad) => Slot::Bad(bad),
                Slot::Duplicate => Slot::Duplicate,
            };
        }
        Request {
            slots,
            unknown: self.unknown,
            was: self.was,
            own: self.own,
            bad_slots: self.bad_slots,
            sent: self.sent,
        }
    }

    /// Takes a parameter's value, or a bad one.
    // Inlined: it runs once per pair, and its arguments then need not be moved.
    #[inline]
    pub(crate) fn accept(&mut self, param: Param, value: Slot<'a>) {
        let slot = &mut self.slots[param.index()];
        // The common case, a first usable value, is settled in one look.
        if let (Slot::Absent, Slot::Value(_)) = (&*slot, &value) {
            *slot = value;
            if let Param::Field(field) = param {
                self.sent.insert(field);
            }
            return;
        }
        self.accept_bad(param, value);
    }

    /// Keeps the key of a parameter that `people/update` does not have (see
    /// [`key_of`]), once, in order of arrival.
    pub(crate) fn accept_unknown(&mut self, key: String) {
        if !self.unknown.contains(&key) {
            self.unknown.push(key);
        }
    }

    /// Takes a value that is bad, or a parameter sent again: the slot is marked, and a
    /// field's slot no longer holds a usable value.
    #[cold]
    fn accept_bad(&mut self, param: Param, value: Slot<'a>) {
        let slot = &mut self.slots[param.index()];
        *slot = match slot {
            Slot::Absent => value,
            _ => Slot::Duplicate,
        };
        self.bad_slots = true;
        if let Param::Field(field) = param {
            self.sent.remove(field);
        }
    }

    /// Keeps a copy of `text` in the request's own buffer.
    pub(crate) fn own_text(&mut self, text: &str) -> Span<'a> {
        Span::own(&mut self.own, text)
    }

    /// Makes room, once, for `total` bytes of values that cannot be borrowed.
    pub(crate) fn reserve_once(&mut self, total: usize) {
        if self.own.capacity() == 0 {
            // Made afresh rather than grown: growing an empty buffer takes the general
            // path, which costs more than the allocation itself.
            self.own = String::with_capacity(total);
        }
    }

    pub(crate) fn set(&mut self, param: Param, value: &str) {
        self.slots[param.index()] = Slot::Value(self.own_text(value));
        if let Param::Field(field) = param {
            self.sent.insert(field);
        }
    }

    fn get(&self, param: Param) -> Option<&str> {
        match self.slots[param.index()] {
            Slot::Value(text) => Some(text.as_str(&self.own)),
            _ => None,
        }
    }

    /// The value sent for `field`, as decoded and not yet checked; `None` when the field
    /// was not sent or its parameter has a problem.
    #[must_use]
    pub fn value(&self, field: Field) -> Option<&str> {
        self.get(Param::Field(field))
    }

    /// The fields sent with a usable value (see [`Request::value`]).
    pub(crate) fn sent_fields(&self) -> FieldSet {
        self.sent
    }

    /// The `id` parameter as sent.
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.get(Param::Id)
    }

    /// The `validation` parameter as sent (`true`/`false` in JSON read as `1`/`0`).
    #[must_use]
    pub fn validation(&self) -> Option<&str> {
        self.get(Param::Validation)
    }

    /// The authentication username, for the caller's authentication; never validated
    /// as a field.
    #[must_use]
    pub fn auth_username(&self) -> Option<&str> {
        self.get(Param::AuthUsername)
    }

    /// The authentication password, for the caller's authentication.
    #[must_use]
    pub fn auth_password(&self) -> Option<&str> {
        self.get(Param::AuthPassword)
    }

    /// The id of the person to update; public only through [`crate::Caller::person_id`],
    /// so that rule 1 comes before any look-up.
    pub(crate) fn person_id(&self) -> Result<u64, Error> {
        let kind = match self.slots[Param::Id.index()] {
            Slot::Value(raw) => {
                match crate::value::parse_id(crate::value::trim(raw.as_str(&self.own))) {
                    Some(id) => return Ok(id),
                    None => ErrorKind::InvalidId {},
                }
            }
            Slot::Absent => ErrorKind::MissingParameter {},
            Slot::Bad(bad) => bad_value(bad),
            Slot::Duplicate => ErrorKind::DuplicateParameter {},
        };
        Err(Error::new("id", kind))
    }

    /// The problems with single parameters found while parsing (duplicates, unknown
    /// names, undecodable values), one per key, in parameter order then arrival order.
    /// A missing or malformed `id` is not among them: see [`crate::Caller::person_id`].
    pub fn problems(&self) -> impl Iterator<Item = Error> + '_ {
        let slots = Param::ALL.iter().filter_map(|param| {
            let kind = match self.slots[param.index()] {
                Slot::Absent | Slot::Value(_) => return None,
                Slot::Bad(bad) => bad_value(bad),
                Slot::Duplicate => ErrorKind::DuplicateParameter {},
            };
            Some(Error::new(param.name(), kind))
        });
        let unknown = self
            .unknown
            .iter()
            .map(|name| Error::new(name.clone(), ErrorKind::UnknownParameter {}));
        slots.chain(unknown)
    }

    /// Whether parsing found any problem (see [`Request::problems`]), or a precondition
    /// that cannot be used as sent (the decision reports those, under the policy).
    #[must_use]
    pub fn has_problems(&self) -> bool {
        self.bad_slots || !self.unknown.is_empty() || self.was.iter().any(was::has_problem)
    }

    /// The parameters that have a usable value, in the order [`Request::to_query`]
    /// writes them: authentication, `id`, `validation`, then fields alphabetically.
    fn values(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        const ORDER: [Param; 4] = [
            Param::AuthUsername,
            Param::AuthPassword,
            Param::Id,
            Param::Validation,
        ];
        ORDER
            .into_iter()
            .chain(Field::ALL.into_iter().map(Param::Field))
            .filter_map(|param| Some((param.name(), self.get(param)?)))
    }

    /// The preconditions with a usable value, by name after `was.`, in order of key.
    fn was_values(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.was
            .iter()
            .filter_map(|was| Some((was.name()?, was.value.as_deref().ok()?)))
    }

    /// The query string Enswitch takes, pairs separated by `;`, percent-encoded, then
    /// the preconditions (`was.<field>`). Parameters with problems and unknown names
    /// are not written.
    #[must_use]
    pub fn to_query(&self) -> String {
        let mut out = String::new();
        for (name, value) in self.values() {
            query::push_pair(&mut out, name, value);
        }
        for (name, value) in self.was_values() {
            query::push_pair(&mut out, &format!("{}.{name}", was::WAS), value);
        }
        out
    }

    /// The request as a JSON object of strings, the preconditions in a `"was"` object.
    /// Parameters with problems and unknown names are not written.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut map: serde_json::Map<String, serde_json::Value> = self
            .values()
            .map(|(name, value)| (name.to_owned(), value.into()))
            .collect();
        let was: serde_json::Map<String, serde_json::Value> = self
            .was_values()
            .map(|(name, value)| (name.to_owned(), value.into()))
            .collect();
        if !was.is_empty() {
            map.insert(was::WAS.to_owned(), serde_json::Value::Object(was));
        }
        serde_json::Value::Object(map).to_string()
    }

    /// Each parameter's state, with values as text: what equality compares.
    fn states(&self) -> impl Iterator<Item = (Option<&str>, Slot<'static>)> + '_ {
        self.slots.iter().map(|slot| match *slot {
            Slot::Value(text) => (Some(text.as_str(&self.own)), Slot::Absent),
            Slot::Absent => (None, Slot::Absent),
            Slot::Bad(bad) => (None, Slot::Bad(bad)),
            Slot::Duplicate => (None, Slot::Duplicate),
        })
    }
}

impl PartialEq for Request<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.unknown == other.unknown && self.was == other.was && self.states().eq(other.states())
    }
}

impl Eq for Request<'_> {}

fn bad_value(bad: BadValue) -> ErrorKind {
    match bad {
        BadValue::Utf8 => ErrorKind::InvalidUtf8 {},
        BadValue::Type => ErrorKind::InvalidType {},
    }
}

/// The text of `range` of a query string, if UTF-8: a slice of `whole` when the input is
/// UTF-8 as a whole (no piece then needs a check of its own).
fn piece<'a>(
    input: &'a [u8],
    whole: Option<&'a str>,
    range: std::ops::Range<usize>,
) -> Option<&'a str> {
    match whole {
        Some(text) => text.get(range),
        None => std::str::from_utf8(&input[range]).ok(),
    }
}

/// Most bytes of a parameter's name that an error's key shows.
pub const MAX_KEY_BYTES: usize = 64;

/// The key an unknown parameter is reported under: its decoded name cut at the first
/// `=` and at [`MAX_KEY_BYTES`] (on a character boundary), so that a mis-encoded pair
/// such as `auth_password%3Dhunter2` never shows its value.
pub(crate) fn key_of(name: &str) -> &str {
    let name = name.split('=').next().unwrap_or_default();
    if name.len() <= MAX_KEY_BYTES {
        return name;
    }
    let mut end = MAX_KEY_BYTES;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

pub(crate) fn too_large() -> Error {
    let kind = ErrorKind::RequestTooLarge {
        max_parameters: MAX_PARAMETERS,
        max_kib: MAX_REQUEST_BYTES / 1024,
    };
    Error::new("", kind)
}

fn check_size(len: usize) -> Result<(), Error> {
    if len > MAX_REQUEST_BYTES {
        Err(too_large())
    } else {
        Ok(())
    }
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for param in Param::ALL {
            let slot = &self.slots[param.index()];
            let secret = matches!(param, Param::AuthPassword | Param::Field(Field::Password));
            match slot {
                Slot::Absent => {}
                Slot::Value(_) if secret => {
                    map.entry(&param.name(), &"********");
                }
                _ => {
                    map.entry(&param.name(), slot);
                }
            }
        }
        for name in &self.unknown {
            map.entry(name, &"(unknown)");
        }
        // Keys only: a precondition's value is a stored value, or a password sent where
        // none is taken.
        for was in &self.was {
            map.entry(&was.key, &"(precondition)");
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields kept as sent are those whose slot holds a usable value, however the
    /// request was made.
    #[track_caller]
    fn sends(request: &Request<'_>, expected: &[Field]) {
        let from_slots: FieldSet = Field::ALL
            .into_iter()
            .filter(|field| request.value(*field).is_some())
            .collect();
        assert_eq!(
            request.sent_fields(),
            expected.iter().copied().collect::<FieldSet>()
        );
        assert_eq!(request.sent_fields(), from_slots);
    }

    #[test]
    fn sent_fields() {
        use Field::{Email, Surname, Title};
        let query = |input| Request::from_query(input).unwrap();
        sends(&query("id=1"), &[]);
        sends(&query("id=1&title=Dr&email=a@b.example"), &[Email, Title]);
        sends(&query("title=Dr&title=Mr&surname=X"), &[Surname]);
        sends(&query("title=Dr&title=Mr&title=Ms"), &[]);
        sends(&query("title=%FF&surname="), &[Surname]);
        sends(
            &Request::from_query_bytes(b"title=\xFF&surname=X").unwrap(),
            &[Surname],
        );
        let json = |input| Request::from_json(input).unwrap();
        sends(&json(r#"{"title":"Dr","surname":[1]}"#), &[Title]);
        sends(&json(r#"{"title":"Dr","title":"Dr"}"#), &[]);
        sends(&Request::builder(1).field(Title, "Dr").build(), &[Title]);
        sends(&query("title=Dr").into_owned(), &[Title]);
    }

    #[test]
    fn plain_values_are_borrowed_and_decoded_ones_owned() {
        let request = Request::from_query("id=1&timezone=Europe/London&title=Dr%2E").unwrap();
        let slot = |field: Field| request.slots[Param::Field(field).index()];
        assert_eq!(
            slot(Field::Timezone),
            Slot::Value(Span::Input("Europe/London"))
        );
        assert_eq!(
            slot(Field::Title),
            Slot::Value(Span::Own { start: 0, end: 3 })
        );
        assert_eq!(request.own, "Dr.");
    }
}
