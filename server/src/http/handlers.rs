//! The handlers: each takes what an extractor gives, calls the service on a blocking
//! task, and answers.

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use enswitch_people::{Envelope, Field, Status};

use crate::auth::{new_token, token_hash};
use crate::http::answer::{Answer, Denied};
use crate::http::signed::{Signed, Unsigned, bearer, hash_new_password, verify_password};
use crate::http::{AppState, blocking};
use crate::service::{self, Reached, now};

/// `people/update`: a new password hashed first, then the service's one transaction.
pub(crate) async fn update(State(state): State<Arc<AppState>>, signed: Signed) -> Answer {
    let new_password = match hash_new_password(&state, &signed.request, signed.peer).await {
        Ok(new) => new,
        Err(refused) => return refused,
    };
    let owned = Arc::clone(&state);
    let outcome = blocking(move || {
        let asker = signed.asker(owned.limits.sessions());
        let (store, hasher, policy) = (&owned.store, &owned.hasher, &owned.policy);
        service::update(
            store,
            hasher,
            policy,
            asker,
            &signed.request,
            new_password.as_ref(),
        )
    });
    outcome.await.map_or_else(Answer::from, Answer::from)
}

/// `people/get`: the person, as the service reads them for the caller.
pub(crate) async fn people_get(State(state): State<Arc<AppState>>, signed: Signed) -> Answer {
    read(state, signed, |reached| {
        serde_json::to_value(&reached.person).unwrap_or_default()
    })
    .await
}

/// `GET /api/context/?id=N`: what the page hands the WebAssembly module to describe
/// and check the form for person N: the person, the actor, the person's customer chain,
/// the role catalogue and the person's customer's rate plan.
pub(crate) async fn form_context(State(state): State<Arc<AppState>>, signed: Signed) -> Answer {
    read(state, signed, |reached: Reached| {
        let actor = reached.caller.actor();
        let roles: Vec<serde_json::Value> = reached
            .roles
            .iter()
            .map(|(id, level)| {
                let name = reached.roles.name(id);
                serde_json::json!({"id": id, "level": level, "name": name})
            })
            .collect();
        serde_json::json!({
            "person": reached.person,
            "actor": {"id": actor.id(), "customer": actor.customer(), "level": actor.level()},
            "chain": reached.chain,
            "roles": roles,
            "plan_forbids": reached.plan,
        })
    })
    .await
}

async fn read(
    state: Arc<AppState>,
    signed: Signed,
    data: fn(Reached) -> serde_json::Value,
) -> Answer {
    let outcome = blocking(move || {
        let asker = signed.asker(state.limits.sessions());
        service::read(&state.store, asker, &signed.request, data)
    });
    outcome.await.map_or_else(Answer::from, Answer::from)
}

/// `POST /api/session/` with `username` and `password` (a form or JSON): a token for
/// `Authorization: Bearer`.
pub(crate) async fn begin_session(State(state): State<Arc<AppState>>, sent: Unsigned) -> Answer {
    let (Some(username), Some(password)) = (
        sent.request.value(Field::Username),
        sent.request.value(Field::Password),
    ) else {
        return Denied::Unauthenticated.into();
    };
    let id = match verify_password(&state, username, password, sent.peer).await {
        Ok((id, _)) => id,
        Err(denied) => return denied.into(),
    };
    let token = new_token();
    let expires_at = now() + state.limits.session_seconds;
    let (owned, hash) = (Arc::clone(&state), token_hash(&token));
    let admitted =
        blocking(move || service::begin_session(&owned.store, id, sent.peer, &hash, expires_at));
    match admitted.await {
        Ok(true) => {
            let data = serde_json::json!({"token": token, "expires_at": expires_at, "person": id});
            Envelope::with_data(data).into()
        }
        Ok(false) => Denied::Unauthenticated.into(),
        Err(error) => error.into(),
    }
}

/// `DELETE /api/session/` with `Authorization: Bearer TOKEN`: the session ends.
pub(crate) async fn end_session(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Answer {
    let Some(hash) = bearer(&headers).map(token_hash) else {
        return Denied::Unauthenticated.into();
    };
    match blocking(move || service::end_session(&state.store, &hash)).await {
        Ok(true) => {
            let ok = enswitch_people::Response::new(Status::UPDATED, "", "OK");
            Envelope::new(vec![ok]).into()
        }
        Ok(false) => Denied::Unauthenticated.into(),
        Err(error) => error.into(),
    }
}
