//! The form description: for a stored person, a caller and their context, what each
//! field holds, whether the caller may change it (and if not, the refusal and why), how
//! it is checked, the choices where the set is closed, and how a form shows it (its
//! group, label, help and input) in a catalogue's language. It reads the same rule
//! function as [`crate::decide`] and the same field table, so the two cannot disagree,
//! and a page draws it without a list of fields of its own.

use serde::Serialize;

use crate::answer::{Catalogue, English};
use crate::authz::permission::{Standing, reach};
use crate::authz::{Caller, Context, Privilege};
use crate::decide::rules;
use crate::error::{ErrorCode, Report, Status};
use crate::field::{Field, with_field_table};
use crate::layout::{self, Group, InputKind};
use crate::person::Person;
use crate::policy::Policy;
use crate::value::{DateFormat, FieldValue, Limits, Rules, TimeFormat, TimeZone};

/// What a form shows for one person: every field, group by group in the order a form
/// shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    /// The person's id.
    pub person: u64,
    /// One entry per field.
    pub fields: Vec<FormField>,
}

impl Form {
    /// The entry of `field`.
    #[must_use]
    pub fn field(&self, field: Field) -> Option<&FormField> {
        self.fields.iter().find(|entry| entry.field == field)
    }
}

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The field.
    pub field: Field,
    /// The group it stands in.
    pub group: Group,
    /// The group's heading, in the catalogue's language.
    pub group_label: &'static str,
    /// Its label, in the catalogue's language.
    pub label: &'static str,
    /// Its help, in the catalogue's language (empty when the label says it all).
    pub help: &'static str,
    /// How its value is entered.
    pub input: InputKind,
    /// Whether the caller may change it.
    pub editable: bool,
    /// When not editable, the answer a change would get (`402` or `403`, and its code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    /// When not editable, why: the refusal's message, in the catalogue's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The value as stored (the role as its id); never the password, which is not
    /// stored here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What to show for the value where it is not the text itself: the role's name (its
    /// privilege level when the catalogue names none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_label: Option<String>,
    /// Whether an empty value clears the field.
    pub clearable: bool,
    /// How long a value may be, and how many entries a list may hold.
    pub limits: Limits,
    /// The values that may be chosen, where the set is closed: date and time formats,
    /// the roles this caller may give, the policy's languages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choices: Option<Vec<Choice>>,
    /// Values to suggest where the set is open but long: every time zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<&'static str>>,
    /// Whether any valid change exists: `false` when the field is not editable, or
    /// when its choices hold nothing but the stored value and it cannot be cleared
    /// (a language allow-list of the stored language alone, say, leaves only clearing).
    pub can_change: bool,
}

/// The refusal a change to a field would get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// `402` (the role) or `403` (the rate plan).
    pub status: Status,
    /// The machine code, such as `not_self_service`.
    pub code: ErrorCode,
}

/// One value of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// The value to send.
    pub value: String,
    /// What to show: the value itself, or for a role its name (its privilege level
    /// when the catalogue names none).
    pub label: String,
}

impl Choice {
    fn same(value: &str) -> Choice {
        Choice {
            value: value.to_owned(),
            label: value.to_owned(),
        }
    }
}

/// Each field's limits under the rules, from the value type the field table names.
macro_rules! define_limits {
    ($(
        $(#[$doc:meta])*
        $variant:ident => $name:ident : $ty:ty, $store:ident, $clear:ident $(($clear_setter:ident))?;
    )*) => {
        fn limits(field: Field, rules: &Rules) -> Limits {
            match field { $( Field::$variant => <$ty as FieldValue>::limits(rules), )* }
        }
    };
}

with_field_table!(define_limits);

/// The form description for `person`, as `caller` may edit it, in English.
///
/// # Errors
/// `404 person_not_found` (key `id`, alone) when the person is out of the caller's
/// reach, exactly as [`crate::decide`] would answer.
pub fn form(
    person: &Person,
    caller: &Caller,
    context: &Context<'_>,
    policy: &Policy,
) -> Result<Form, Report> {
    form_in(person, caller, context, policy, &English)
}

/// The form description for `person`, as `caller` may edit it, its words in
/// `catalogue`'s language.
///
/// # Errors
/// As [`form`].
pub fn form_in(
    person: &Person,
    caller: &Caller,
    context: &Context<'_>,
    policy: &Policy,
    catalogue: &dyn Catalogue,
) -> Result<Form, Report> {
    let standing = reach(caller, person, context).ok_or_else(Report::not_found)?;
    let rules = rules(policy);
    let on = Describe {
        person,
        standing,
        context,
        policy,
        rules: &rules,
        catalogue,
    };
    let fields = layout::LAYOUT
        .iter()
        .flat_map(|&(group, fields)| fields.iter().map(move |&field| (group, field)))
        .map(|(group, field)| on.field(group, field))
        .collect();
    Ok(Form {
        person: person.id,
        fields,
    })
}

/// What one field's description reads.
struct Describe<'a> {
    person: &'a Person,
    standing: Standing,
    context: &'a Context<'a>,
    policy: &'a Policy,
    rules: &'a Rules,
    catalogue: &'a dyn Catalogue,
}

impl Describe<'_> {
    fn field(&self, group: Group, field: Field) -> FormField {
        let (person, catalogue) = (self.person, self.catalogue);
        let allowed = self
            .standing
            .may_change(field, None, self.policy, self.context);
        let refusal = allowed.as_ref().err().map(|kind| Refusal {
            status: kind.status(),
            code: kind.code(),
        });
        let value = match field {
            Field::Role => Some(person.role.to_string()),
            _ => person.text(field).map(str::to_owned),
        };
        let choices = choices(field, self.standing, self.context, self.policy);
        let stored = value.as_deref().unwrap_or_default();
        let can_change = allowed.is_ok()
            && choices.as_ref().is_none_or(|choices| {
                choices.iter().any(|c| c.value != stored)
                    || (field.is_clearable() && !stored.is_empty())
            });
        FormField {
            field,
            group,
            group_label: catalogue.group(group),
            label: catalogue.label(field),
            help: catalogue.help(field),
            input: layout::input_kind(field, choices.is_some()),
            editable: allowed.is_ok(),
            refusal,
            reason: allowed.err().map(|kind| catalogue.message(&kind)),
            value,
            value_label: (field == Field::Role).then(|| {
                let roles = self.context.roles();
                let level = roles.level(person.role).map(Privilege::as_str);
                roles
                    .name(person.role)
                    .or(level)
                    .unwrap_or_default()
                    .to_owned()
            }),
            clearable: field.is_clearable(),
            limits: limits(field, self.rules),
            choices,
            suggestions: (field == Field::Timezone)
                .then(|| TimeZone::all().map(|zone| zone.as_str()).collect()),
            can_change,
        }
    }
}

fn choices(
    field: Field,
    standing: Standing,
    context: &Context<'_>,
    policy: &Policy,
) -> Option<Vec<Choice>> {
    Some(match field {
        Field::DateFormat => DateFormat::ALL.map(|f| Choice::same(f.as_str())).to_vec(),
        Field::TimeFormat => TimeFormat::ALL.map(|f| Choice::same(f.as_str())).to_vec(),
        Field::Language => policy
            .languages()?
            .iter()
            .map(|language| Choice::same(language.as_str()))
            .collect(),
        // The roles this caller may give: the rule function decides each one.
        Field::Role => context
            .roles()
            .iter()
            .filter(|&(_, level)| {
                standing
                    .may_change(Field::Role, Some(level), policy, context)
                    .is_ok()
            })
            .map(|(id, level)| Choice {
                value: id.to_string(),
                label: context
                    .roles()
                    .name(id)
                    .unwrap_or(level.as_str())
                    .to_owned(),
            })
            .collect(),
        _ => return None,
    })
}
