//! The configurable rules, checked when they are loaded.

use serde::{Deserialize, Serialize};

use crate::field::{Field, FieldSet};
use crate::value::{Language, MAX_EMAILS, MAX_LIST_ENTRIES as MAX_LIST_CEILING, MAX_SOURCES};

/// What to do with a parameter that `people/update` does not take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnUnknownParameter {
    /// Refuse it: `400 unknown_parameter`.
    #[default]
    Reject,
    /// Leave it out silently.
    Ignore,
}

/// The policy as written in a configuration file: every setting public, nothing yet
/// checked. Turn it into a [`Policy`] with `Policy::try_from`.
///
/// In JSON or TOML every key is optional and defaults to the behaviour of the
/// specification; an unknown key is an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicySettings {
    /// The fields a plain user may change on their own record.
    pub self_service: FieldSet,
    /// The fewest characters a new password may have.
    pub password_min_length: usize,
    /// The most characters a new password may have.
    pub password_max_length: usize,
    /// Whether a person must keep at least one email address.
    pub require_email: bool,
    /// The only languages offered, if set (any case, `_` or `-`).
    pub languages: Option<Vec<String>>,
    /// The most addresses the `email` field may hold.
    pub max_email_addresses: usize,
    /// The most entries the `source` field may hold.
    pub max_source_entries: usize,
    /// What to do with unknown parameters.
    pub unknown_parameters: OnUnknownParameter,
    /// Whether a client may say what it last read of a field (`was.<field>`), so that
    /// an update made against a value changed since is refused (`changed_since_read`).
    /// Off: a precondition is refused as `unknown_parameter`, whatever
    /// `unknown_parameters` says, so that no client believes itself protected.
    pub preconditions: bool,
}

/// The self-service fields of the specification.
const SELF_SERVICE: FieldSet = FieldSet::EMPTY
    .with(Field::Company)
    .with(Field::Country)
    .with(Field::DateFormat)
    .with(Field::Email)
    .with(Field::Fax)
    .with(Field::Forename)
    .with(Field::Language)
    .with(Field::Mobile)
    .with(Field::Password)
    .with(Field::PublicKey)
    .with(Field::Surname)
    .with(Field::Telephone)
    .with(Field::TimeFormat)
    .with(Field::Timezone)
    .with(Field::Title);

/// Hard ceilings that no policy may raise, so that every loop over input stays bounded.
const MAX_PASSWORD_CEILING: usize = 1024;

impl Default for PolicySettings {
    fn default() -> Self {
        PolicySettings {
            self_service: SELF_SERVICE,
            password_min_length: 8,
            password_max_length: 128,
            require_email: false,
            languages: None,
            max_email_addresses: MAX_EMAILS,
            max_source_entries: MAX_SOURCES,
            unknown_parameters: OnUnknownParameter::Reject,
            preconditions: false,
        }
    }
}

/// A policy setting that does not make sense.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The password bounds are out of order or out of range.
    #[error(
        "password lengths must satisfy 1 <= password_min_length ({min}) <= password_max_length ({max}) <= {MAX_PASSWORD_CEILING}"
    )]
    PasswordLengths {
        /// The minimum given.
        min: usize,
        /// The maximum given.
        max: usize,
    },
    /// A list limit is zero or above its ceiling.
    #[error("{setting} must be from 1 to {MAX_LIST_CEILING}, not {value}")]
    ListLimit {
        /// The setting's name.
        setting: &'static str,
        /// The value given.
        value: usize,
    },
    /// A language in the allow-list is not a valid tag.
    #[error("languages: \"{0}\" is not a BCP 47 tag with a 2 or 3 letter language")]
    Language(String),
    /// The language allow-list is empty.
    #[error("languages is empty, which would refuse every language: leave it out to allow all")]
    NoLanguages,
}

/// The configurable rules, checked: construct with `Policy::try_from(PolicySettings)`
/// or deserialize one. `Policy::default()` is the behaviour of the specification.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicySettings", into = "PolicySettings")]
pub struct Policy {
    settings: PolicySettings,
    languages: Option<Vec<Language>>,
}

impl TryFrom<PolicySettings> for Policy {
    type Error = PolicyError;

    fn try_from(settings: PolicySettings) -> Result<Self, Self::Error> {
        let (min, max) = (settings.password_min_length, settings.password_max_length);
        if min == 0 || min > max || max > MAX_PASSWORD_CEILING {
            return Err(PolicyError::PasswordLengths { min, max });
        }
        for (setting, value) in [
            ("max_email_addresses", settings.max_email_addresses),
            ("max_source_entries", settings.max_source_entries),
        ] {
            if value == 0 || value > MAX_LIST_CEILING {
                return Err(PolicyError::ListLimit { setting, value });
            }
        }
        let languages = match &settings.languages {
            None => None,
            Some(list) if list.is_empty() => return Err(PolicyError::NoLanguages),
            Some(list) => Some(
                list.iter()
                    .map(|tag| tag.parse().map_err(|_| PolicyError::Language(tag.clone())))
                    .collect::<Result<Vec<Language>, _>>()?,
            ),
        };
        Ok(Policy {
            settings,
            languages,
        })
    }
}

impl From<Policy> for PolicySettings {
    fn from(policy: Policy) -> Self {
        policy.settings
    }
}

impl Policy {
    /// The settings this policy was made from.
    #[must_use]
    pub fn settings(&self) -> &PolicySettings {
        &self.settings
    }

    /// The fields a plain user may change on their own record.
    #[must_use]
    pub fn self_service(&self) -> FieldSet {
        self.settings.self_service
    }

    /// The languages offered, when the policy restricts them.
    #[must_use]
    pub fn languages(&self) -> Option<&[Language]> {
        self.languages.as_deref()
    }

    /// Whether `language` is offered.
    #[must_use]
    pub fn allows_language(&self, language: &Language) -> bool {
        self.languages
            .as_ref()
            .is_none_or(|list| list.contains(language))
    }

    pub(crate) fn password_lengths(&self) -> (usize, usize) {
        (
            self.settings.password_min_length,
            self.settings.password_max_length,
        )
    }

    pub(crate) fn require_email(&self) -> bool {
        self.settings.require_email
    }

    pub(crate) fn max_email_addresses(&self) -> usize {
        self.settings.max_email_addresses
    }

    pub(crate) fn max_source_entries(&self) -> usize {
        self.settings.max_source_entries
    }

    pub(crate) fn unknown_parameters(&self) -> OnUnknownParameter {
        self.settings.unknown_parameters
    }

    pub(crate) fn preconditions(&self) -> bool {
        self.settings.preconditions
    }
}
