//! Authentication: argon2id password hashes, a dummy hash so that an unknown username
//! costs what a wrong password costs, throttling of repeated failures, a cap on the
//! verifications running at once, and session tokens stored only as their hash.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// The argon2id cost: memory in KiB, iterations and lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Hashes and verifies passwords at one cost.
pub struct Hasher {
    argon2: Argon2<'static>,
    /// Verified against when the username is unknown, so that it costs the same.
    dummy: String,
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The cost, not the dummy hash.
        f.debug_struct("Hasher")
            .field("params", self.argon2.params())
            .finish_non_exhaustive()
    }
}

impl Hasher {
    /// A hasher at `cost`.
    ///
    /// # Panics
    /// When argon2 refuses the cost (checked when the server starts).
    #[must_use]
    pub fn new(cost: Cost) -> Hasher {
        let params = Params::new(cost.memory_kib, cost.iterations, cost.lanes, None)
            .expect("argon2 accepts the configured cost");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let mut hasher = Hasher {
            argon2,
            dummy: String::new(),
        };
        hasher.dummy = hasher.hash("a password nobody has");
        hasher
    }

    /// The PHC string of `password` with a fresh salt. The password is already NFKC
    /// (the crate's `hash_password` obligation gives it so).
    ///
    /// # Panics
    /// When the operating system has no randomness to give.
    #[must_use]
    pub fn hash(&self, password: &str) -> String {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes).expect("the OS gives random bytes");
        let salt = SaltString::encode_b64(&bytes).expect("16 bytes make a salt");
        self.argon2
            .hash_password(password.as_bytes(), &salt)
            .expect("hashing with a fresh salt succeeds")
            .to_string()
    }

    /// Whether `password` matches `hash`; with no hash (an unknown username), the dummy
    /// is verified instead and the answer is `false`.
    #[must_use]
    pub fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let known = hash.is_some();
        let stored = hash.unwrap_or(&self.dummy);
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let matches = self
            .argon2
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        known && matches
    }
}

/// How many failures a username or an address may have before it must wait.
const FREE_FAILURES: u32 = 5;
/// The longest wait.
const MAX_WAIT: Duration = Duration::from_mins(15);
/// The most usernames and addresses remembered; past it, the oldest waits are dropped.
const MAX_REMEMBERED: usize = 100_000;

/// Remembers failed sign-ins by username and by address; after a few, each failure
/// doubles the wait before the next try is even checked.
#[derive(Debug, Default)]
pub struct Throttle {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl Throttle {
    fn keys(username: &str, ip: IpAddr) -> [String; 2] {
        [
            format!("user:{}", username.to_lowercase()),
            format!("ip:{}", ip.to_canonical()),
        ]
    }

    /// Whether a sign-in for `username` from `ip` must wait.
    pub fn must_wait(&self, username: &str, ip: IpAddr) -> bool {
        let failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        Throttle::keys(username, ip)
            .iter()
            .any(|key| failures.get(key).is_some_and(|&(_, until)| until > now))
    }

    /// Notes a failure.
    pub fn failed(&self, username: &str, ip: IpAddr) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if failures.len() >= MAX_REMEMBERED {
            failures.retain(|_, &mut (_, until)| until > now);
        }
        for key in Throttle::keys(username, ip) {
            let entry = failures.entry(key).or_insert((0, now));
            entry.0 = entry.0.saturating_add(1);
            if entry.0 > FREE_FAILURES {
                let doublings = (entry.0 - FREE_FAILURES).min(16);
                let wait = Duration::from_secs(1 << doublings).min(MAX_WAIT);
                entry.1 = now + wait;
            }
        }
    }

    /// Forgets the failures of a username after a success (the address keeps its own).
    pub fn succeeded(&self, username: &str) {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.remove(&format!("user:{}", username.to_lowercase()));
    }
}

/// A new session token: 32 random bytes, hex.
///
/// # Panics
/// When the operating system has no randomness to give.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).expect("the OS gives random bytes");
    hex(&bytes)
}

/// What the database stores of a token: its SHA-256, hex.
#[must_use]
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHEAP: Cost = Cost {
        memory_kib: 8,
        iterations: 1,
        lanes: 1,
    };

    #[test]
    fn hashes_verify_and_the_dummy_never_does() {
        let hasher = Hasher::new(CHEAP);
        let hash = hasher.hash("correct horse");
        assert!(hasher.verify("correct horse", Some(&hash)));
        assert!(!hasher.verify("wrong horse", Some(&hash)));
        assert!(!hasher.verify("a password nobody has", None));
    }

    #[test]
    fn throttling_starts_after_the_free_failures() {
        let throttle = Throttle::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(!throttle.must_wait("alice", ip));
            throttle.failed("alice", ip);
        }
        assert!(!throttle.must_wait("alice", ip));
        throttle.failed("Alice", ip);
        assert!(throttle.must_wait("alice", ip));
        // The address waits for any username; a mapped address is the same address.
        assert!(throttle.must_wait("bob", "::ffff:192.0.2.1".parse().unwrap()));
        throttle.succeeded("alice");
        assert!(throttle.must_wait("alice", ip), "the address still waits");
        assert!(!throttle.must_wait("alice", "198.51.100.1".parse().unwrap()));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
