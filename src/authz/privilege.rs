//! Privilege levels and the role catalogue.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How much a role may do, lowest to highest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Privilege {
    /// May not call `people/update`.
    None,
    /// May change some of their own fields.
    User,
    /// May change people of their own customer.
    Administrator,
    /// A reseller: may change people of their customer and every customer below it.
    Wholesale,
    /// The system owner: may change anyone.
    System,
}

impl Privilege {
    /// The level of a role from its Enswitch privileges: the highest one it lists
    /// (`system`, `wholesale`, `administrator`, `user`); names it does not know are
    /// ignored, and a role listing none of them is [`Privilege::None`].
    pub fn from_privileges<'a>(privileges: impl IntoIterator<Item = &'a str>) -> Privilege {
        privileges
            .into_iter()
            .filter_map(|name| name.parse().ok())
            .max()
            .unwrap_or(Privilege::None)
    }

    /// The level's name, as in Enswitch's privilege list.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Privilege::None => "none",
            Privilege::User => "user",
            Privilege::Administrator => "administrator",
            Privilege::Wholesale => "wholesale",
            Privilege::System => "system",
        }
    }
}

impl fmt::Display for Privilege {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a privilege level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a privilege level (none, user, administrator, wholesale, system)")]
pub struct UnknownPrivilege;

impl FromStr for Privilege {
    type Err = UnknownPrivilege;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Privilege::None,
            Privilege::User,
            Privilege::Administrator,
            Privilege::Wholesale,
            Privilege::System,
        ]
        .into_iter()
        .find(|level| level.as_str() == s)
        .ok_or(UnknownPrivilege)
    }
}

/// The role catalogue: which roles exist, the privilege level of each, and the names a
/// form shows them by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles {
    /// Sorted by id, ids unique.
    levels: Vec<(u64, Privilege)>,
    /// Sorted by id, ids unique; only for a form (no rule reads a name).
    names: Vec<(u64, String)>,
}

impl Roles {
    /// An empty catalogue.
    #[must_use]
    pub fn new() -> Roles {
        Roles::default()
    }

    /// Adds a role, or sets the level of one already there.
    pub fn insert(&mut self, id: u64, level: Privilege) {
        match self.levels.binary_search_by_key(&id, |&(id, _)| id) {
            Ok(i) => self.levels[i].1 = level,
            Err(i) => self.levels.insert(i, (id, level)),
        }
    }

    /// The roles and their levels, by id.
    pub fn iter(&self) -> impl Iterator<Item = (u64, Privilege)> + '_ {
        self.levels.iter().copied()
    }

    /// The level of role `id`; `None` when there is no such role.
    #[must_use]
    pub fn level(&self, id: u64) -> Option<Privilege> {
        self.levels
            .binary_search_by_key(&id, |&(id, _)| id)
            .ok()
            .map(|i| self.levels[i].1)
    }

    /// Names role `id` (such as "Administrator"), for a form's choices.
    pub fn set_name(&mut self, id: u64, name: impl Into<String>) {
        let name = name.into();
        match self.names.binary_search_by_key(&id, |(id, _)| *id) {
            Ok(i) => self.names[i].1 = name,
            Err(i) => self.names.insert(i, (id, name)),
        }
    }

    /// The name of role `id`, when it was given one.
    #[must_use]
    pub fn name(&self, id: u64) -> Option<&str> {
        self.names
            .binary_search_by_key(&id, |(id, _)| *id)
            .ok()
            .map(|i| self.names[i].1.as_str())
    }
}

impl FromIterator<(u64, Privilege)> for Roles {
    fn from_iter<I: IntoIterator<Item = (u64, Privilege)>>(iter: I) -> Self {
        let mut roles = Roles::new();
        for (id, level) in iter {
            roles.insert(id, level);
        }
        roles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_level_is_shown_as_its_name_and_read_back() {
        for (level, name) in [
            (Privilege::None, "none"),
            (Privilege::User, "user"),
            (Privilege::Administrator, "administrator"),
            (Privilege::Wholesale, "wholesale"),
            (Privilege::System, "system"),
        ] {
            assert_eq!(level.to_string(), name);
            assert_eq!(name.parse::<Privilege>(), Ok(level));
        }
    }

    #[test]
    fn level_is_the_highest_listed() {
        for (privileges, expected) in [
            (
                &["system", "wholesale", "administrator", "user"][..],
                Privilege::System,
            ),
            (&["user", "wholesale"], Privilege::Wholesale),
            (&["administrator", "user"], Privilege::Administrator),
            (&["user"], Privilege::User),
            (&["billing", "user"], Privilege::User),
            (&[], Privilege::None),
            (&["System"], Privilege::None),
        ] {
            assert_eq!(
                Privilege::from_privileges(privileges.iter().copied()),
                expected,
                "{privileges:?}"
            );
        }
    }

    #[test]
    fn catalogue() {
        let roles: Roles = [
            (4, Privilege::User),
            (1, Privilege::System),
            (4, Privilege::Administrator),
        ]
        .into_iter()
        .collect();
        assert_eq!(roles.level(1), Some(Privilege::System));
        assert_eq!(roles.level(4), Some(Privilege::Administrator));
        assert_eq!(roles.level(2), None);
    }
}
