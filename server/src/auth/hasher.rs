//! argon2id hashes: made at the configured cost, each verified at its own, and a dummy
//! so that an unknown username costs what a known one does.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The argon2id cost: memory in KiB, iterations and lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cost {
    /// Memory, in KiB.
    pub memory_kib: u32,
    /// Iterations.
    pub iterations: u32,
    /// Lanes.
    pub lanes: u32,
}

impl Cost {
    /// OWASP's recommendation for argon2id: 19 MiB, 2 iterations, 1 lane.
    pub const OWASP: Cost = Cost {
        memory_kib: 19 * 1024,
        iterations: 2,
        lanes: 1,
    };
}

impl Cost {
    /// The cost a PHC string was hashed at; `None` when it is no argon2 hash.
    #[must_use]
    pub fn of(hash: &str) -> Option<Cost> {
        let parsed = PasswordHash::new(hash).ok()?;
        let params = Params::try_from(&parsed).ok()?;
        Some(Cost {
            memory_kib: params.m_cost(),
            iterations: params.t_cost(),
            lanes: params.p_cost(),
        })
    }

    fn argon2(self) -> Option<Argon2<'static>> {
        let params = Params::new(self.memory_kib, self.iterations, self.lanes, None).ok()?;
        Some(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

/// What one verification did: whether the password matched, and the cost it was
/// verified at (the stored hash's own, or the dummy's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    /// The password matched a stored hash.
    pub matches: bool,
    /// The cost the work was done at.
    pub cost: Cost,
}

/// Hashes at the configured cost; verifies each stored hash at its own cost, and an
/// unknown username against a dummy at the cost most stored hashes have, so that an
/// unknown username costs what a known one does even while old hashes remain.
///
/// The server knows the stored costs by reading every stored hash's parameters when it
/// starts, and counts each hash it writes afterwards (a rehash at sign-in, a password
/// change), so the dummy follows the stored hashes as they move to the configured cost.
pub struct Hasher {
    configured: Cost,
    argon2: Argon2<'static>,
    /// How many stored hashes have each cost.
    stored: Mutex<HashMap<Cost, usize>>,
    /// One dummy per cost it was needed at, made once.
    dummies: Mutex<HashMap<Cost, String>>,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The costs, not the dummies.
        f.debug_struct("Hasher")
            .field("configured", &self.configured)
            .finish_non_exhaustive()
    }
}

impl Hasher {
    /// A hasher at `cost`, given the hashes stored so far.
    ///
    /// # Panics
    /// When argon2 refuses the cost (checked when the server starts).
    #[must_use]
    pub fn new<'h>(cost: Cost, stored: impl IntoIterator<Item = &'h str>) -> Hasher {
        let mut counts = HashMap::new();
        for cost in stored.into_iter().filter_map(Cost::of) {
            *counts.entry(cost).or_insert(0) += 1;
        }
        let hasher = Hasher {
            configured: cost,
            argon2: cost.argon2().expect("argon2 accepts the configured cost"),
            stored: Mutex::new(counts),
            dummies: Mutex::new(HashMap::new()),
        };
        // Made now, so that the first unknown username costs no more than the next.
        let _ = hasher.dummy();
        hasher
    }

    /// The cost new hashes are made at.
    #[must_use]
    pub fn configured(&self) -> Cost {
        self.configured
    }

    /// The cost most stored hashes have (the configured one among equals, or when none
    /// is stored): what an unknown username is verified at.
    #[must_use]
    pub fn dummy_cost(&self) -> Cost {
        let stored = self.stored.lock().unwrap_or_else(PoisonError::into_inner);
        stored
            .iter()
            .filter(|&(_, &count)| count > 0)
            // Deterministic among equal counts: the configured cost, then the dearer.
            .max_by_key(|&(&cost, &count)| {
                let Cost {
                    memory_kib,
                    iterations,
                    lanes,
                } = cost;
                (
                    count,
                    cost == self.configured,
                    memory_kib,
                    iterations,
                    lanes,
                )
            })
            .map_or(self.configured, |(&cost, _)| cost)
    }

    fn dummy(&self) -> (String, Cost) {
        let cost = self.dummy_cost();
        let mut dummies = self.dummies.lock().unwrap_or_else(PoisonError::into_inner);
        let dummy = dummies.entry(cost).or_insert_with(|| {
            let argon2 = cost.argon2().unwrap_or_else(|| self.argon2.clone());
            hash_with(&argon2, "a password nobody has")
        });
        (dummy.clone(), cost)
    }

    /// Notes that a stored hash at `old` (none: a new person) was replaced by one at
    /// the configured cost.
    pub fn replaced(&self, old: Option<Cost>) {
        let mut stored = self.stored.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = old.and_then(|old| stored.get_mut(&old)) {
            *count = count.saturating_sub(1);
        }
        *stored.entry(self.configured).or_insert(0) += 1;
    }

    /// The PHC string of `password` at the configured cost with a fresh salt. The
    /// password is already NFKC (the crate's `hash_password` obligation gives it so).
    ///
    /// # Panics
    /// When the operating system has no randomness to give.
    #[must_use]
    pub fn hash(&self, password: &str) -> String {
        hash_with(&self.argon2, password)
    }

    /// Whether `password` matches `hash`, verified at the hash's own cost; with no hash
    /// (an unknown username), the dummy is verified instead and it never matches.
    #[must_use]
    pub fn verify(&self, password: &str, hash: Option<&str>) -> Verification {
        let (stored, cost) = match hash.and_then(|h| Some((h.to_owned(), Cost::of(h)?))) {
            Some(found) => found,
            None => self.dummy(),
        };
        let matches = PasswordHash::new(&stored).is_ok_and(|parsed| {
            self.argon2
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        });
        Verification {
            matches: matches && hash.is_some(),
            cost,
        }
    }
}

fn hash_with(argon2: &Argon2<'_>, password: &str) -> String {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).expect("the OS gives random bytes");
    let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a salt");
    argon2
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with a fresh salt succeeds")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Cost = Cost {
        memory_kib: 8,
        iterations: 1,
        lanes: 1,
    };

    const OLD: Cost = Cost {
        memory_kib: 16,
        iterations: 2,
        lanes: 1,
    };

    #[test]
    fn hashes_verify_at_their_own_cost_and_the_dummy_never_matches() {
        let old = Hasher::new(OLD, []).hash("correct horse");
        let hasher = Hasher::new(CHEAP, []);
        let new = hasher.hash("correct horse");
        assert_eq!(Cost::of(&new), Some(CHEAP));
        assert_eq!(Cost::of("not a hash"), None);
        let rows = [
            ("correct horse", Some(new.as_str()), true, CHEAP),
            ("wrong horse", Some(new.as_str()), false, CHEAP),
            ("correct horse", Some(old.as_str()), true, OLD),
            ("a password nobody has", None, false, CHEAP),
            // A stored value that is no hash is verified as an unknown username.
            ("correct horse", Some("not a hash"), false, CHEAP),
        ];
        for (password, hash, matches, cost) in rows {
            assert_eq!(
                hasher.verify(password, hash),
                Verification { matches, cost },
                "{password} {hash:?}"
            );
        }
    }

    #[test]
    fn the_dummy_follows_the_cost_most_stored_hashes_have() {
        let old = Hasher::new(OLD, []).hash("x");
        let new = Hasher::new(CHEAP, []).hash("x");
        let hasher = Hasher::new(CHEAP, [old.as_str(), old.as_str(), new.as_str()]);
        assert_eq!(hasher.dummy_cost(), OLD);
        assert_eq!(hasher.verify("x", None).cost, OLD);
        // Each rehash at sign-in moves one to the configured cost; at a tie, it wins.
        hasher.replaced(Some(OLD));
        assert_eq!(hasher.dummy_cost(), CHEAP);
        assert_eq!(hasher.verify("x", None).cost, CHEAP);
        // With nothing stored, the configured cost.
        assert_eq!(Hasher::new(OLD, []).dummy_cost(), OLD);
    }
}
