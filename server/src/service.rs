//! The update service, without HTTP: read the caller again, look the person up, decide,
//! and store, in one transaction; and the reads and sessions beside it. Blocking: the
//! HTTP layer runs each call on a blocking task.

use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use enswitch_people::{
    Accepted, Actor, Caller, Catalogue, Context, CustomerChain, Envelope, Field, FieldSet,
    Obligation, Person, Policy, Privilege, Report, Request, RequestAddress, Roles, SourceList,
    Uniqueness, decide,
};

use crate::auth::{Cost, Hasher};
use crate::errors::ServerError;
use crate::store::{Reads, Store};

/// The seconds since the epoch.
#[must_use]
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What the actor proved, checked again where their rights are read.
#[derive(Clone)]
pub enum Proof {
    /// A session, by its token's hash.
    Session(String),
    /// The password of person `id`, verified against this stored hash.
    Password {
        /// The person.
        id: u64,
        /// The stored hash it was verified against.
        hash: String,
    },
}

impl std::fmt::Debug for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Which proof, and whose: never a token's or a password's hash.
        match self {
            Proof::Session(_) => f.write_str("Session(..)"),
            Proof::Password { id, .. } => f
                .debug_struct("Password")
                .field("id", id)
                .finish_non_exhaustive(),
        }
    }
}

/// Who is asking, as authentication found them: nothing the rules read (those are read
/// again in the transaction).
#[derive(Clone)]
pub struct Credentials {
    /// The proof.
    pub proof: Proof,
    /// Over a session, the stored hash `auth_password` was verified against: a new
    /// password or email needs it.
    pub confirmed: Option<String>,
}

/// Who is asking, from where, and in which language the answer is to be.
#[derive(Clone, Copy)]
pub struct Asker<'a> {
    /// What they proved.
    pub credentials: &'a Credentials,
    /// The address the request came from.
    pub peer: IpAddr,
    /// How sessions end.
    pub sessions: Sessions,
    /// The language of the answer's messages.
    pub language: &'a (dyn Catalogue + Sync),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("proof", &self.proof)
            .field("confirmed", &self.confirmed.is_some())
            .finish()
    }
}

impl std::fmt::Debug for Asker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asker")
            .field("credentials", &self.credentials)
            .field("peer", &self.peer)
            .finish_non_exhaustive()
    }
}

impl Asker<'_> {
    fn refused(&self, report: &Report) -> Envelope {
        Envelope::refused_in(report, self.language)
    }

    fn unauthenticated(&self) -> Envelope {
        self.refused(&Report::unauthenticated())
    }

    fn not_found(&self) -> Envelope {
        self.refused(&Report::not_found())
    }

    fn answer(&self, decision: &Result<Accepted<'_>, Report>) -> Envelope {
        match decision {
            Ok(accepted) => Envelope::accepted(accepted),
            Err(report) => self.refused(report),
        }
    }
}

/// How sessions end beside their own end time.
#[derive(Debug, Clone, Copy)]
pub struct Sessions {
    /// A session ends when unused for this many seconds.
    pub idle: i64,
}

impl Sessions {
    /// A session used within this long is not written again (at most a minute, and a
    /// quarter of the idle time).
    fn refresh(self) -> i64 {
        (self.idle / 4).min(60)
    }
}

/// A new password, hashed before the transaction so that no writer waits for argon2.
pub struct NewPassword {
    /// The password as the crate normalizes it.
    pub plain: String,
    /// Its hash at the configured cost.
    pub hash: String,
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password, nor its hash.
        f.debug_struct("NewPassword").finish_non_exhaustive()
    }
}

/// What a call answered, with the actor and the person for the log once known.
#[derive(Debug)]
pub struct Outcome {
    /// The answer.
    pub envelope: Envelope,
    /// The actor, once the proof held.
    pub actor: Option<u64>,
    /// The person asked for, once known.
    pub person: Option<u64>,
}

impl Outcome {
    fn early(envelope: Envelope, actor: Option<u64>) -> Outcome {
        Outcome {
            envelope,
            actor,
            person: None,
        }
    }
}

/// The caller as the database has them now.
struct Fresh {
    caller: Caller,
    roles: Roles,
    password_hash: String,
    /// A session to note as used.
    touch: Option<String>,
}

/// The person the proof names, with the proof still holding (the session alive, or the
/// stored hash the one verified), their role's level and their own source list against
/// the peer (`401`), then rule 1 (`402`).
fn fresh_caller(
    db: &mut dyn Reads,
    asker: Asker<'_>,
) -> Result<Result<Fresh, Outcome>, ServerError> {
    let Asker {
        credentials,
        peer,
        sessions,
        ..
    } = asker;
    let now = now();
    let (id, touch) = match &credentials.proof {
        Proof::Session(hash) => match db.session(hash, now, sessions.idle)? {
            Some(session) => {
                let stale = session.last_used < now - sessions.refresh();
                (session.person, stale.then(|| hash.clone()))
            }
            None => return Ok(Err(Outcome::early(asker.unauthenticated(), None))),
        },
        Proof::Password { id, .. } => (*id, None),
    };
    let Some(row) = db.person(id)? else {
        return Ok(Err(Outcome::early(asker.unauthenticated(), None)));
    };
    if let Proof::Password { hash, .. } = &credentials.proof
        && *hash != row.password_hash
    {
        return Ok(Err(Outcome::early(asker.unauthenticated(), None)));
    }
    let roles = db.roles()?;
    let me = &row.person;
    let level = roles.level(me.role).unwrap_or(Privilege::None);
    let actor = Actor::new(me.id, me.customer, level);
    Ok(
        match actor.caller(&me.source, RequestAddress::Known(peer)) {
            Ok(caller) => Ok(Fresh {
                caller,
                roles,
                password_hash: row.password_hash,
                touch,
            }),
            Err(report) => Err(Outcome::early(asker.refused(&report), Some(id))),
        },
    )
}

/// One update, one transaction: the caller read again, the person looked up, decided,
/// written (only the changed columns, each with its precondition), every obligation
/// carried out and the audit row written.
///
/// # Errors
/// The database fails; nothing is written.
pub fn update(
    store: &Store,
    hasher: &Hasher,
    policy: &Policy,
    asker: Asker<'_>,
    request: &Request<'_>,
    new_password: Option<&NewPassword>,
) -> Result<Outcome, ServerError> {
    let credentials = asker.credentials;
    // The work may run again (PostgreSQL), so what it learns for the hasher is noted
    // only once the transaction is over.
    let (outcome, replaced) = store.write(|tx| {
        let fresh = match fresh_caller(&mut *tx, asker)? {
            Ok(fresh) => fresh,
            Err(outcome) => return Ok((outcome, None)),
        };
        let actor = Some(fresh.caller.actor().id());
        if let Some(token) = &fresh.touch {
            tx.touch_session(token, now())?;
        }
        let id = match fresh.caller.person_id(request) {
            Ok(id) => id,
            Err(report) => {
                tx.commit()?; // the session's use
                return Ok((Outcome::early(asker.refused(&report), actor), None));
            }
        };
        let answer = |envelope| Outcome {
            envelope,
            actor,
            person: Some(id),
        };
        let Some(row) = tx.person(id)? else {
            tx.commit()?;
            return Ok((answer(asker.not_found()), None));
        };
        let person = row.person;
        let chain = tx.customer_chain(person.customer)?;
        // Every fact stated, in this transaction (the UNIQUE column backs uniqueness).
        let username = match request.value(Field::Username) {
            Some(name) if tx.username_taken(name.trim(), id)? => Uniqueness::Taken,
            _ => Uniqueness::Free,
        };
        let plan = tx.plan_forbids(person.customer)?;
        let chain = CustomerChain::new(&person, &chain);
        let context = Context::new(&fresh.roles, chain, username, plan);
        let decision = decide(&person, &fresh.caller, request, &context, policy);
        let Ok(Accepted::Ready(update)) = &decision else {
            // A refusal or validation=1 writes nothing but the session's use.
            tx.commit()?;
            return Ok((answer(asker.answer(&decision)), None));
        };
        // Over a session, a new password or email needs the current password too.
        let sensitive =
            update.change(Field::Password).is_some() || update.change(Field::Email).is_some();
        let confirmed = credentials.confirmed.as_deref() == Some(fresh.password_hash.as_str());
        if sensitive && matches!(credentials.proof, Proof::Session(_)) && !confirmed {
            return Ok((answer(asker.unauthenticated()), None));
        }
        // Under BEGIN IMMEDIATE no other writer comes between the read and the write,
        // so a precondition cannot fail here; should one, nothing is written.
        if !tx.write_changes(update)? {
            return Err(ServerError::Internal);
        }
        let now = now();
        let mut replaced = None;
        for obligation in update.obligations() {
            match obligation {
                // Only a fact stated as unknown leaves these, and every fact was stated
                // above: should one come, nothing is written.
                Obligation::CheckUsernameUnique(_) | Obligation::CheckLockOut(_) => {
                    return Err(ServerError::Internal);
                }
                Obligation::HashPassword(password) => {
                    // Hashed before the transaction, from the same request.
                    let new = new_password
                        .filter(|new| new.plain == password.password())
                        .ok_or(ServerError::Internal)?;
                    tx.set_password_hash(id, &new.hash)?;
                    replaced = Some(Cost::of(&row.password_hash));
                }
                Obligation::VerifyEmail(addresses) => {
                    for address in addresses {
                        tx.queue(id, "verify_email", address, now)?;
                    }
                }
                Obligation::NotifyPerson(addresses) => {
                    for address in addresses {
                        tx.queue(id, "notify_person", address, now)?;
                    }
                }
                Obligation::EndSessions => {
                    let keep = match &credentials.proof {
                        Proof::Session(hash) => Some(hash.as_str()),
                        Proof::Password { .. } => None,
                    };
                    tx.end_sessions(id, keep)?;
                }
            }
        }
        let diff = serde_json::to_string(&update.diff()).map_err(|_| ServerError::Internal)?;
        tx.audit(fresh.caller.actor().id(), id, &diff, now)?;
        tx.commit()?;
        Ok((answer(asker.answer(&decision)), replaced))
    })?;
    if let Some(cost) = replaced {
        hasher.replaced(cost);
    }
    Ok(outcome)
}

/// The person a read asks for, when the caller (read now) reaches them, with the
/// caller, the person's customer chain, the role catalogue and the plan.
#[derive(Debug)]
pub struct Reached {
    /// The caller.
    pub caller: Caller,
    /// The person.
    pub person: Person,
    /// The person's customer chain.
    pub chain: Vec<u64>,
    /// The role catalogue.
    pub roles: Roles,
    /// What the person's customer's plan forbids.
    pub plan: FieldSet,
}

/// A read (`people/get`, the form's context): the caller read again, rule 1, the id,
/// then reach (out of reach is not found); `data` makes the answer's data.
///
/// # Errors
/// The database fails.
pub fn read(
    store: &Store,
    asker: Asker<'_>,
    request: &Request<'_>,
    data: impl FnOnce(Reached) -> serde_json::Value,
) -> Result<Outcome, ServerError> {
    let found = store.read(|db| {
        let fresh = match fresh_caller(&mut *db, asker)? {
            Ok(fresh) => fresh,
            Err(outcome) => return Ok(Err(outcome)),
        };
        let actor = Some(fresh.caller.actor().id());
        let id = match fresh.caller.person_id(request) {
            Ok(id) => id,
            Err(report) => return Ok(Err(Outcome::early(asker.refused(&report), actor))),
        };
        let not_found = Outcome {
            envelope: asker.not_found(),
            actor,
            person: Some(id),
        };
        let Some(row) = db.person(id)? else {
            return Ok(Err(not_found));
        };
        let person = row.person;
        let chain = db.customer_chain(person.customer)?;
        let plan = db.plan_forbids(person.customer)?;
        // Reach reads no fact but the chain: the others stated here decide nothing.
        let context = Context::new(
            &fresh.roles,
            CustomerChain::new(&person, &chain),
            Uniqueness::Free,
            plan,
        );
        if fresh.caller.reaches(&person, &context).is_err() {
            return Ok(Err(not_found));
        }
        let touch = fresh.touch;
        let reached = Reached {
            caller: fresh.caller,
            person,
            chain,
            roles: fresh.roles,
            plan,
        };
        Ok(Ok((reached, touch)))
    })?;
    let (reached, touch) = match found {
        Ok(found) => found,
        Err(outcome) => return Ok(outcome),
    };
    if let Some(token) = touch {
        store.write(|tx| {
            tx.touch_session(&token, now())?;
            tx.commit()
        })?;
    }
    let (actor, person) = (Some(reached.caller.actor().id()), Some(reached.person.id));
    Ok(Outcome {
        envelope: Envelope::with_data(data(reached)),
        actor,
        person,
    })
}

/// Begins a session for person `id`, whose password was verified, when the peer is
/// inside their own source list: the token's hash is stored, to end at `expires_at`.
/// `false` when not admitted.
///
/// # Errors
/// The database fails.
pub fn begin_session(
    store: &Store,
    id: u64,
    peer: IpAddr,
    token_hash: &str,
    expires_at: i64,
) -> Result<bool, ServerError> {
    store.write(|tx| {
        let Some(row) = tx.person(id)? else {
            return Ok(false);
        };
        if !SourceList::stored_admits(&row.person.source, peer) {
            return Ok(false);
        }
        tx.create_session(token_hash, id, now(), expires_at)?;
        tx.commit()?;
        Ok(true)
    })
}

/// Ends one session; whether it was there.
///
/// # Errors
/// The database fails.
pub fn end_session(store: &Store, token_hash: &str) -> Result<bool, ServerError> {
    store.write(|tx| {
        let ended = tx.end_session(token_hash)?;
        tx.commit()?;
        Ok(ended)
    })
}

/// The person a live session belongs to (to verify an `auth_password` sent with it).
///
/// # Errors
/// The database fails.
pub fn session_person(
    store: &Store,
    token_hash: &str,
    sessions: Sessions,
) -> Result<Option<Person>, ServerError> {
    store.read(|db| {
        let Some(session) = db.session(token_hash, now(), sessions.idle)? else {
            return Ok(None);
        };
        Ok(db.person(session.person)?.map(|row| row.person))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_a_password_a_hash_or_a_token() {
        let credentials = Credentials {
            proof: Proof::Password {
                id: 11,
                hash: "$argon2id$stored".to_owned(),
            },
            confirmed: Some("$argon2id$confirmed".to_owned()),
        };
        let session = Proof::Session("token-hash".to_owned());
        let new = NewPassword {
            plain: "correct horse".to_owned(),
            hash: "$argon2id$new".to_owned(),
        };
        let shown = format!("{credentials:?} {session:?} {new:?}");
        assert_eq!(
            shown,
            "Credentials { proof: Password { id: 11, .. }, confirmed: true } Session(..) NewPassword { .. }"
        );
    }
}
