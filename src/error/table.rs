//! Keyed errors and the one table their codes, statuses and messages come from.

use std::borrow::Cow;
use std::fmt;

use ipnetwork::IpNetwork;

use crate::error::Status;

/// Declares every error once: its typed parameters, stable machine code, Enswitch
/// status and English message. The enum, the code list and the messages are all
/// generated from this one table, so they cannot drift apart.
macro_rules! error_table {
    ($(
        $(#[$doc:meta])*
        $variant:ident { $( $(#[$pdoc:meta])* $param:ident : $ty:ty ),* $(,)? }
            => $code:literal, $status:ident, $message:literal;
    )*) => {
        /// What went wrong, with its typed parameters.
        ///
        /// The English message is this type's `Display`; [`crate::Catalogue`] renders it
        /// in another language.
        // `#[non_exhaustive]`: a new check may add an error in a minor release; callers
        // render unknown ones through `Display` or a catalogue's fallback.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $( $(#[$doc])* $variant { $( $(#[$pdoc])* $param: $ty ),* }, )*
        }

        /// The stable machine code of an error, without its parameters.
        // `#[non_exhaustive]` for the same reason as `ErrorKind`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in table order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The `snake_case` machine code, stable across releases.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )* }
            }

            /// The Enswitch response code this error is reported with.
            #[must_use]
            pub const fn status(self) -> Status {
                match self { $( ErrorCode::$variant => Status::$status, )* }
            }

            /// The English message with its parameters as `{name}` placeholders (and
            /// literal braces doubled), as a translator would start from.
            #[must_use]
            pub const fn template(self) -> &'static str {
                match self { $( ErrorCode::$variant => $message, )* }
            }
        }

        impl ErrorKind {
            /// This error's machine code.
            #[must_use]
            pub const fn code(&self) -> ErrorCode {
                match self { $( ErrorKind::$variant { .. } => ErrorCode::$variant, )* }
            }

            /// The typed parameters as a JSON object, by name (the `params` of the
            /// envelope's opt-in `error` member).
            #[must_use]
            pub fn params(&self) -> serde_json::Map<String, serde_json::Value> {
                #[allow(unused_mut)] // most errors have no parameters
                let mut params = serde_json::Map::new();
                match self {
                    $( ErrorKind::$variant { $($param),* } => {
                        $( params.insert(stringify!($param).to_owned(), Param::to_json($param)); )*
                    } )*
                }
                params
            }

            /// The error with machine code `code` and the parameters `params` (as
            /// [`ErrorKind::params`] writes them); `None` when a parameter is missing or
            /// of the wrong type.
            #[must_use]
            pub fn from_parts(
                code: ErrorCode,
                params: &serde_json::Map<String, serde_json::Value>,
            ) -> Option<ErrorKind> {
                #[allow(unused_variables)] // most errors have no parameters
                let get = |name: &str| params.get(name);
                Some(match code {
                    $( ErrorCode::$variant => ErrorKind::$variant {
                        $( $param: Param::from_json(get(stringify!($param))?)?, )*
                    }, )*
                })
            }
        }

        impl std::str::FromStr for ErrorCode {
            type Err = UnknownErrorCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $code => Ok(ErrorCode::$variant), )*
                    _ => Err(UnknownErrorCode),
                }
            }
        }

        impl fmt::Display for ErrorKind {
            #[allow(unused_variables)] // not every message names every parameter
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self { $( ErrorKind::$variant { $($param),* } => write!(f, $message), )* }
            }
        }
    };
}

error_table! {
    /// The request is larger than the bounds allow (parameters or bytes).
    RequestTooLarge {
        /// The most parameters a request may carry.
        max_parameters: usize,
        /// The most KiB a request may be.
        max_kib: usize,
    } => "request_too_large", INVALID,
        "The request is too large: at most {max_parameters} parameters and {max_kib} KiB are accepted.";
    /// A JSON request that is not one well-formed JSON object.
    MalformedJson { } => "malformed_json", INVALID,
        "The request is not a well-formed JSON object; send {{\"name\": value, …}}.";
    /// A request body whose content type is neither a query string nor JSON.
    UnsupportedContentType { } => "unsupported_content_type", INVALID,
        "The request body must be application/x-www-form-urlencoded or application/json.";
    /// The same parameter was given more than once.
    DuplicateParameter { } => "duplicate_parameter", INVALID,
        "This parameter was given more than once; send it once.";
    /// A parameter that `people/update` does not take.
    UnknownParameter { } => "unknown_parameter", INVALID,
        "This parameter is not one that people/update takes.";
    /// A required parameter is missing.
    MissingParameter { } => "missing_parameter", INVALID,
        "This parameter is required.";
    /// The parameter's name or value does not decode to UTF-8.
    InvalidUtf8 { } => "invalid_utf8", INVALID,
        "This parameter does not decode to UTF-8 text.";
    /// A JSON value that is neither a string nor an integer.
    InvalidType { } => "invalid_type", INVALID,
        "This value must be a string or an integer (null, floats, arrays and objects are not accepted).";
    /// `id` is not a positive decimal integer.
    InvalidId { } => "invalid_id", INVALID,
        "The id must be a decimal integer from 1 to 9223372036854775807.";
    /// `id` names another person than the stored one.
    IdMismatch { } => "id_mismatch", INVALID,
        "The id does not match the person being updated.";
    /// `validation` is neither `0` nor `1`.
    InvalidValidation { } => "invalid_validation", INVALID,
        "Validation must be 0 (carry out the update) or 1 (only check the input).";
    /// An empty value for a field that cannot be cleared.
    EmptyValue { } => "empty_value", INVALID,
        "This field cannot be empty.";
    /// The value is longer than the field allows.
    TooLong {
        /// The most characters allowed.
        max: usize,
    } => "too_long", INVALID,
        "This value is too long: at most {max} characters are accepted.";
    /// The value is shorter than the field allows.
    TooShort {
        /// The fewest characters allowed.
        min: usize,
    } => "too_short", INVALID,
        "This value is too short: at least {min} characters are needed.";
    /// A control character (tab, line break, NUL, …).
    ControlCharacter { } => "control_character", INVALID,
        "This value contains a control character (such as a tab or line break); send plain text.";
    /// An invisible, direction-changing, private-use or unassigned character.
    InvisibleCharacter {
        /// Where the character stands, counting characters from 1.
        position: usize,
    } => "invisible_character", INVALID,
        "This value contains an invisible, direction-changing, private-use or unassigned character at position {position}; send plain text.";
    /// Too many combining marks on one character.
    TooManyMarks {
        /// The most marks one base character may carry.
        max: usize,
    } => "too_many_marks", INVALID,
        "A character here carries too many combining marks: at most {max} are accepted.";
    /// A character a person's name may not hold.
    InvalidNameCharacter { } => "invalid_name_character", INVALID,
        "A name may hold only letters, combining marks, spaces and ' ’ - . ,";
    /// A name without a single letter.
    NameWithoutLetter { } => "name_without_letter", INVALID,
        "A name must hold at least one letter.";
    /// A username outside the allowed characters or shape.
    InvalidUsername {
        /// The most characters a username may have.
        max: usize,
    } => "invalid_username", INVALID,
        "A username is 1 to {max} characters from A-Z a-z 0-9 . _ - @ +, beginning and ending with a letter or digit.";
    /// Another person already has the new username (a fact the caller looked up).
    UsernameTaken { } => "username_taken", INVALID,
        "This username is already taken; choose another.";
    /// The password equals the username, ignoring case.
    PasswordMatchesUsername { } => "password_matches_username", INVALID,
        "The password must not be the username.";
    /// One of the email addresses is not a plain address.
    InvalidEmail {
        /// The address as given.
        address: String,
    } => "invalid_email", INVALID,
        "\"{address}\" is not a valid email address; send plain addresses such as name@example.com, separated by commas.";
    /// More list entries (email addresses, source entries) than allowed.
    TooManyEntries {
        /// The most entries allowed.
        max: usize,
    } => "too_many_entries", INVALID,
        "Too many entries: at most {max} are accepted.";
    /// An email address is required by policy and the value is empty.
    EmailRequired { } => "email_required", INVALID,
        "An email address is required.";
    /// A telephone, mobile or fax number of the wrong shape.
    InvalidPhoneNumber {
        /// The fewest digits a number may have.
        min_digits: usize,
        /// The most digits a number may have.
        max_digits: usize,
    } => "invalid_phone_number", INVALID,
        "A phone number is an optional + then {min_digits} to {max_digits} digits, which spaces, - . ( ) may separate.";
    /// An extension that is not 1–16 digits.
    InvalidExtension {
        /// The most digits an extension may have.
        max_digits: usize,
    } => "invalid_extension", INVALID,
        "An extension is 1 to {max_digits} digits.";
    /// Not an assigned ISO 3166-1 alpha-2 country code.
    UnknownCountry { } => "unknown_country", INVALID,
        "The country must be an assigned two-letter ISO 3166-1 code, such as GB (not UK) or US.";
    /// Not a well-formed BCP 47 language tag with a 2–3 letter language.
    InvalidLanguage { } => "invalid_language", INVALID,
        "The language must be a BCP 47 tag such as en, en-GB or pt-BR, or empty for the default.";
    /// A well-formed language that the policy does not offer.
    LanguageNotAllowed { } => "language_not_allowed", INVALID,
        "This language is not offered here.";
    /// Not an IANA time zone name.
    UnknownTimeZone { } => "unknown_time_zone", INVALID,
        "The time zone must be an IANA name such as Europe/London, or empty for the default.";
    /// Not one of the three date formats.
    InvalidDateFormat { } => "invalid_date_format", INVALID,
        "The date format must be DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD.";
    /// Not `12` or `24`.
    InvalidTimeFormat { } => "invalid_time_format", INVALID,
        "The time format must be 12 or 24.";
    /// A source entry that is neither an IP address nor a CIDR network.
    InvalidSourceEntry {
        /// The entry as given.
        entry: String,
    } => "invalid_source_entry", INVALID,
        "\"{entry}\" is not an IP address or CIDR network; send entries such as 192.0.2.1 or 2001:db8::/32, separated by commas.";
    /// A network written with host bits set.
    HostBitsSet {
        /// The entry as given.
        given: IpNetwork,
        /// The network that was probably meant.
        network: IpNetwork,
    } => "host_bits_set", INVALID,
        "{given} has host bits set; did you mean {network}?";
    /// A precondition (`was.<field>`) names a value the field no longer holds.
    ChangedSinceRead {
        /// The value stored now, as `people/get` gives it.
        stored: String,
    } => "changed_since_read", INVALID,
        "This field was changed since you read it; read it again and make your change to what is stored now.";
    /// The actor's new source list would not admit the request's own address.
    WouldLockOut { } => "would_lock_out", INVALID,
        "This source list does not include the address you are connecting from, so it would lock you out.";
    /// The public key is larger than allowed.
    PublicKeyTooLarge {
        /// The most bytes allowed.
        max_bytes: usize,
    } => "public_key_too_large", INVALID,
        "The public key is too large: at most {max_bytes} bytes are accepted.";
    /// A private key block was sent.
    PrivateKeyBlock { } => "private_key_block", INVALID,
        "This is a private key. Never send it: export and send the public key (-----BEGIN PGP PUBLIC KEY BLOCK-----) instead.";
    /// Not a well-formed ASCII-armored public key block.
    InvalidArmor { } => "invalid_armor", INVALID,
        "The public key must be an ASCII-armored block from -----BEGIN PGP PUBLIC KEY BLOCK----- to -----END PGP PUBLIC KEY BLOCK-----.";
    /// The armor checksum does not match the body.
    ChecksumMismatch { } => "checksum_mismatch", INVALID,
        "The public key's checksum does not match its contents; it was damaged in copying.";
    /// The key block is not one transferable public key (RFC 9580 §10.1).
    NotPublicKey { } => "not_public_key", INVALID,
        "The block must hold one OpenPGP public key and nothing else: no other key, no compressed or encrypted data.";
    /// `role` is not a positive decimal integer.
    InvalidRole { } => "invalid_role", INVALID,
        "The role must be the decimal id of a role.";
    /// `role` names no role in the catalogue.
    UnknownRole { } => "unknown_role", INVALID,
        "There is no role with this id.";
    /// The authentication details were not accepted.
    AuthenticationFailed { } => "authentication_failed", UNAUTHENTICATED,
        "The authentication details provided are invalid.";
    /// The actor's role may not call `people/update` at all.
    FunctionNotPermitted { } => "function_not_permitted", ROLE,
        "Your role does not allow this.";
    /// A plain user changing a field outside the self-service set.
    NotSelfService { } => "not_self_service", ROLE,
        "Your role does not allow this.";
    /// Someone changing their own role.
    OwnRole { } => "own_role", ROLE,
        "Your role does not allow this.";
    /// A new role above the actor's own level.
    RoleAboveActor { } => "role_above_actor", ROLE,
        "Your role does not allow this.";
    /// A field the customer's rate plan forbids changing.
    PlanForbids { } => "plan_forbids", RATE_PLAN,
        "Your rate plan does not allow this.";
    /// The person does not exist or is out of the actor's reach.
    PersonNotFound { } => "person_not_found", NOT_FOUND,
        "The person does not exist, or you do not have permission to update them.";
}

/// A machine code this crate does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a machine code of this crate")]
pub struct UnknownErrorCode;

/// A typed parameter of an error, as it goes into and out of JSON.
trait Param: Sized {
    fn to_json(&self) -> serde_json::Value;
    fn from_json(value: &serde_json::Value) -> Option<Self>;
}

impl Param for usize {
    fn to_json(&self) -> serde_json::Value {
        (*self).into()
    }

    fn from_json(value: &serde_json::Value) -> Option<Self> {
        usize::try_from(value.as_u64()?).ok()
    }
}

impl Param for String {
    fn to_json(&self) -> serde_json::Value {
        self.as_str().into()
    }

    fn from_json(value: &serde_json::Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl Param for IpNetwork {
    fn to_json(&self) -> serde_json::Value {
        self.to_string().into()
    }

    fn from_json(value: &serde_json::Value) -> Option<Self> {
        value.as_str()?.parse().ok()
    }
}

impl ErrorKind {
    /// The Enswitch response code this error is reported with.
    #[must_use]
    pub const fn status(&self) -> Status {
        self.code().status()
    }
}

impl serde::Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One keyed error: the parameter it concerns (`""` for the request as a whole) and
/// what went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {key}: {kind}", status = self.status(), key = self.key)]
pub struct Error {
    key: Cow<'static, str>,
    kind: ErrorKind,
}

impl Error {
    /// An error about `key` (a parameter name, or `""` for the whole request).
    #[must_use]
    pub fn new(key: impl Into<Cow<'static, str>>, kind: ErrorKind) -> Error {
        Error {
            key: key.into(),
            kind,
        }
    }

    /// The parameter this error concerns; `""` for the request as a whole.
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// What went wrong, with its parameters.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The stable machine code.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        self.kind.code()
    }

    /// The Enswitch response code.
    #[must_use]
    pub fn status(&self) -> Status {
        self.kind.status()
    }

    /// The English message.
    #[must_use]
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}
