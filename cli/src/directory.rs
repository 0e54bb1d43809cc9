//! The directory the demo program and the lint read: customers, roles, people and a
//! policy, as JSON.

use std::collections::BTreeMap;

use enswitch_people::{FieldSet, Person, Policy};
use serde::Deserialize;

/// The directory built into the program.
pub(crate) const DEMO: &str = include_str!("../demo-directory.json");

/// A directory.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Directory {
    pub(crate) customers: Vec<Customer>,
    pub(crate) roles: Vec<Role>,
    pub(crate) people: Vec<Person>,
    #[serde(default)]
    pub(crate) policy: Policy,
}

/// A customer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Customer {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) parent: Option<u64>,
    #[serde(default)]
    pub(crate) plan_forbids: FieldSet,
}

/// A role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Role {
    pub(crate) id: u64,
    #[expect(
        dead_code,
        reason = "part of the format, for people reading the directory"
    )]
    name: String,
    pub(crate) privileges: Vec<String>,
}

/// The directory, with every customer chain checked to reach a root.
pub(crate) fn load(text: &str) -> Result<Directory, String> {
    let directory: Directory = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for customer in &directory.customers {
        chain(&directory, customer.id)?;
    }
    Ok(directory)
}

/// The customer ids from `customer` up to the root; bounded by the number of
/// customers, so a cycle is an error rather than a hang.
pub(crate) fn chain(directory: &Directory, customer: u64) -> Result<Vec<u64>, String> {
    let parents: BTreeMap<u64, Option<u64>> = directory
        .customers
        .iter()
        .map(|c| (c.id, c.parent))
        .collect();
    let mut chain = vec![customer];
    let mut current = customer;
    while let Some(parent) = parents.get(&current).copied().flatten() {
        if chain.len() > parents.len() {
            return Err(format!("customer {customer}'s parents form a cycle"));
        }
        chain.push(parent);
        current = parent;
    }
    Ok(chain)
}
