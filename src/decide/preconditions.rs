//! The preconditions a client sent (`was.<field>`, the README's "Policy"): judged after
//! reach and permission, against the stored value as stored.

use crate::error::{Error, ErrorKind};
use crate::field::Field;
use crate::request::Request;

use super::Decision;

impl Decision<'_, '_> {
    /// With the policy's `preconditions` off, every precondition is an unknown parameter
    /// whatever the policy says of those. On, a precondition on a field the request
    /// changes must name the stored value, or the change is refused
    /// (`changed_since_read`, key the field). A field refused already keeps its refusal
    /// (a `402` or `403` says nothing of stored values), and a field sent unchanged, or
    /// not sent, is no conflict.
    pub(super) fn check_preconditions(&mut self, request: &Request<'_>) {
        // Bounded by the request's parameters.
        for was in request.preconditions() {
            let refuse = |kind| Error::new(was.key.clone(), kind);
            if !self.policy.preconditions() {
                self.errors.push(refuse(ErrorKind::UnknownParameter {}));
                continue;
            }
            let read = match &was.value {
                Ok(read) => read,
                Err(kind) => {
                    self.errors.push(refuse(kind.clone()));
                    continue;
                }
            };
            let field = was.name().and_then(|name| name.parse::<Field>().ok());
            let Some(field) = field.filter(|field| *field != Field::Password) else {
                self.errors.push(refuse(ErrorKind::UnknownParameter {}));
                continue;
            };
            let Some(i) = self.position(field) else {
                continue;
            };
            let stored = match field {
                Field::Role => self.person.role.to_string(),
                _ => self.person.text(field).unwrap_or_default().to_owned(),
            };
            if *read != stored {
                self.changes.remove(i);
                let kind = ErrorKind::ChangedSinceRead { stored };
                self.errors.push(Error::new(field.as_str(), kind));
            }
        }
    }
}
