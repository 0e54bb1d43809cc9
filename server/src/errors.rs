//! The server's own refusals: what goes wrong at the HTTP level or in the database,
//! before or beside the crate's rules. A small table of its own (machine code, the
//! Enswitch code inside the envelope, message), not rows in the core's table.

use enswitch_people::{Envelope, Response, Status};

/// Declares each refusal once: its machine code, envelope code and message.
macro_rules! server_errors {
    ($( $(#[$doc:meta])* $variant:ident => $code:literal, $status:literal, $message:literal; )*) => {
        /// A refusal of the server's own.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ServerError {
            $( $(#[$doc])* $variant, )*
        }

        impl ServerError {
            /// Every refusal, in table order.
            pub const ALL: &'static [ServerError] = &[$(ServerError::$variant),*];

            /// The stable machine code, for logs.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $( ServerError::$variant => $code, )* }
            }

            /// The Enswitch code inside the envelope.
            #[must_use]
            pub const fn status(self) -> u16 {
                match self { $( ServerError::$variant => $status, )* }
            }

            /// The English message.
            #[must_use]
            pub const fn message(self) -> &'static str {
                match self { $( ServerError::$variant => $message, )* }
            }
        }
    };
}

server_errors! {
    /// A path the server does not serve.
    UnknownPath => "unknown_path", 404,
        "There is no such function; this server offers people/get and people/update.";
    /// A method the path does not take (HTTP 405, with the methods it does take in
    /// `Allow`).
    MethodNotAllowed => "method_not_allowed", 405,
        "This path does not take that method; the Allow header lists those it takes.";
    /// The request's body did not arrive in time.
    RequestTimeout => "request_timeout", 408,
        "The request did not arrive in time; nothing was changed.";
    /// A counter of failed sign-ins is in its delay: nothing was verified.
    TooManyAttempts => "too_many_attempts", 429,
        "Too many sign-in attempts; nothing was checked.";
    /// The queue for password checks is full, in all or for this address.
    SignInBusy => "sign_in_busy", 503,
        "Too many sign-ins are waiting; nothing was checked.";
    /// The database stayed busy past the bounded wait; nothing was written.
    DatabaseBusy => "database_busy", 503,
        "The database is busy; nothing was changed. Try again in a moment.";
    /// Anything else that went wrong inside the server; nothing was written.
    Internal => "internal_error", 500,
        "Something went wrong inside the server; nothing was changed.";
}

impl ServerError {
    /// The envelope that carries this refusal (key `""`).
    ///
    /// # Panics
    /// Never: the table's codes are three digits (a test checks every one).
    #[must_use]
    pub fn envelope(self) -> Envelope {
        self.saying(self.message().to_owned())
    }

    /// The envelope of a refusal that ends by itself: its message says when to try
    /// again (the `Retry-After` header says it too).
    ///
    /// # Panics
    /// Never, as [`ServerError::envelope`].
    #[must_use]
    pub fn envelope_retry(self, seconds: u64) -> Envelope {
        self.saying(format!("{} Try again in {seconds} s.", self.message()))
    }

    fn saying(self, message: String) -> Envelope {
        let status = Status::from_u16(self.status()).expect("the table's codes are three digits");
        Envelope::new(vec![Response::new(status, "", message)])
    }
}

impl From<rusqlite::Error> for ServerError {
    fn from(error: rusqlite::Error) -> ServerError {
        if let Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =
            error.sqlite_error_code()
        {
            ServerError::DatabaseBusy
        } else {
            tracing::error!(%error, "database error");
            ServerError::Internal
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_unique() {
        let mut codes: Vec<&str> = ServerError::ALL.iter().map(|e| e.code()).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ServerError::ALL.len());
        for error in ServerError::ALL {
            assert_eq!(
                error.envelope().status().map(Status::as_u16),
                Some(error.status())
            );
        }
        assert_eq!(
            ServerError::DatabaseBusy.envelope().to_json(),
            r#"{"responses":[{"code":"503","key":"","message":"The database is busy; nothing was changed. Try again in a moment."}]}"#
        );
    }
}
