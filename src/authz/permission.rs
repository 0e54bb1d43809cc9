//! Who may change what: rules 2–6 of the README's "Who may change what".

use crate::authz::{Caller, Context, Privilege};
use crate::error::{ErrorKind, Report};
use crate::field::Field;
use crate::person::Person;
use crate::policy::Policy;

/// How the actor stands toward a stored person that is in their reach.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Standing {
    /// The actor is updating their own record.
    own: bool,
    level: Privilege,
}

/// Whether `person` is in the caller's reach; `None` means `404`.
///
/// A customer chain that is not the stored person's is out of reach whoever asks. A
/// stored person whose role is missing from the catalogue counts as the highest level,
/// so that only the system owner reaches them.
pub(crate) fn reach(caller: &Caller, person: &Person, context: &Context<'_>) -> Option<Standing> {
    let chain = context.customer_chain();
    if !chain.is_of(person) {
        return None;
    }
    let actor = caller.actor();
    let level = actor.level();
    let own = actor.id() == person.id;
    if !own {
        let target = context
            .roles()
            .level(person.role)
            .unwrap_or(Privilege::System);
        let in_reach = target <= level
            && match level {
                Privilege::None | Privilege::User => false,
                Privilege::Administrator => person.customer == actor.customer(),
                Privilege::Wholesale => {
                    person.customer == actor.customer() || chain.ids().contains(&actor.customer())
                }
                Privilege::System => true,
            };
        if !in_reach {
            return None;
        }
    }
    Some(Standing { own, level })
}

impl Caller {
    /// Rule 2 (reach), for `people/get` as for `people/update`: whether `person` is
    /// in this caller's reach, with the context's customer chain (which must be the
    /// person's own).
    ///
    /// # Errors
    /// `404 person_not_found` with key `id`, alone, when the person is out of reach.
    pub fn reaches(&self, person: &Person, context: &Context<'_>) -> Result<(), Report> {
        reach(self, person, context)
            .map(|_| ())
            .ok_or_else(Report::not_found)
    }
}

impl Standing {
    /// Rules 3–6: may the actor change `field`? `new_role` is the level of the role
    /// asked for, when the field is `role` and that role exists.
    pub(crate) fn may_change(
        self,
        field: Field,
        new_role: Option<Privilege>,
        policy: &Policy,
        context: &Context<'_>,
    ) -> Result<(), ErrorKind> {
        if self.own && self.level == Privilege::User && !policy.self_service().contains(field) {
            return Err(ErrorKind::NotSelfService {});
        }
        if field == Field::Role {
            if self.own {
                return Err(ErrorKind::OwnRole {});
            }
            if new_role.is_some_and(|role| role > self.level) {
                return Err(ErrorKind::RoleAboveActor {});
            }
        }
        if context.plan_forbids().contains(field) {
            return Err(ErrorKind::PlanForbids {});
        }
        Ok(())
    }

    /// Whether the actor is updating their own record.
    pub(crate) fn is_own(self) -> bool {
        self.own
    }
}
