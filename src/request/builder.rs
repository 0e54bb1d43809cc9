//! Building a request with types, as a client does.

use crate::field::{Field, with_field_table};
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

/// A builder setter for a row of the field table: text and the password take a
/// string; the role (an id) has its own setter below.
macro_rules! setter {
    (id, $($row:tt)*) => {};
    ($store:ident, $name:ident $variant:ident $(, $clear:ident)?) => {
        #[doc = concat!("Sets `", stringify!($name), "`.")]
        pub fn $name(self, value: impl AsRef<str>) -> RequestBuilder {
            self.field(Field::$variant, value)
        }
        $(
            #[doc = concat!("Clears `", stringify!($name), "` (sends it empty).")]
            pub fn $clear(self) -> RequestBuilder {
                self.field(Field::$variant, "")
            }
        )?
    };
}

macro_rules! define_setters {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:ident : $ty:ty, $store:ident, $clearable:ident $(($clear:ident))?;
    )*) => {
        impl RequestBuilder {
            $( setter!($store, $name $variant $(, $clear)?); )*
        }
    };
}

with_field_table!(define_setters);

impl RequestBuilder {
    pub(crate) fn new(id: u64) -> RequestBuilder {
        let mut request = Request::default();
        request.set(Param::Id, &id.to_string());
        RequestBuilder { request }
    }

    /// Sets any field to a value as text (a form's input, say); the typed setters
    /// above are the same with the field's name.
    pub fn field(self, field: Field, value: impl AsRef<str>) -> RequestBuilder {
        self.param(Param::Field(field), value.as_ref())
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
        self.field(Field::Role, id.to_string())
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
