//! Building a request with types, as a client does.

use crate::field::Field;
use crate::request::{Param, Request};

/// Builds a [`Request`] one field at a time: `Request::builder(id)`, then a method per
/// field (`clear_*` for the fields an empty value clears), then [`RequestBuilder::build`].
///
/// ```
/// use enswitch_people::Request;
///
/// let request = Request::builder(123)
///     .auth("admin", "s3cret")
///     .username("user@example.com")
///     .clear_fax()
///     .build();
/// assert_eq!(request.to_query(), "auth_username=admin;auth_password=s3cret;id=123;fax=;username=user@example.com");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RequestBuilder {
    request: Request<'static>,
}

macro_rules! setters {
    ($( $field:ident : $set:ident $(, $clear:ident)? ; )*) => {
        impl RequestBuilder {
            $(
                #[doc = concat!("Sets `", stringify!($set), "`.")]
                pub fn $set(self, value: impl AsRef<str>) -> RequestBuilder {
                    self.field(Field::$field, value.as_ref())
                }
                $(
                    #[doc = concat!("Clears `", stringify!($set), "` (sends it empty).")]
                    pub fn $clear(self) -> RequestBuilder {
                        self.field(Field::$field, "")
                    }
                )?
            )*
        }
    };
}

setters! {
    Company: company, clear_company;
    Country: country;
    DateFormat: date_format;
    Description: description, clear_description;
    Email: email, clear_email;
    Extension: extension, clear_extension;
    Fax: fax, clear_fax;
    Forename: forename, clear_forename;
    Language: language, clear_language;
    Mobile: mobile, clear_mobile;
    Password: password;
    PublicKey: public_key, clear_public_key;
    Source: source, clear_source;
    Surname: surname, clear_surname;
    Telephone: telephone, clear_telephone;
    TimeFormat: time_format;
    Timezone: timezone, clear_timezone;
    Title: title, clear_title;
    Username: username;
}

impl RequestBuilder {
    pub(crate) fn new(id: u64) -> RequestBuilder {
        let mut request = Request::default();
        request.set(Param::Id, &id.to_string());
        RequestBuilder { request }
    }

    fn field(self, field: Field, value: &str) -> RequestBuilder {
        self.param(Param::Field(field), value)
    }

    fn param(mut self, param: Param, value: &str) -> RequestBuilder {
        self.request.set(param, value);
        self
    }

    /// Sets the authentication parameters.
    pub fn auth(self, username: impl AsRef<str>, password: impl AsRef<str>) -> RequestBuilder {
        self.param(Param::AuthUsername, username.as_ref())
            .param(Param::AuthPassword, password.as_ref())
    }

    /// Sets `role` to a role id.
    pub fn role(self, id: u64) -> RequestBuilder {
        self.field(Field::Role, &id.to_string())
    }

    /// Asks only to check the input (`validation=1`): the answer is `201` and nothing
    /// changes.
    pub fn validation_only(self) -> RequestBuilder {
        self.param(Param::Validation, "1")
    }

    /// The request.
    #[must_use]
    pub fn build(self) -> Request<'static> {
        self.request
    }
}
