//! Throttling of sign-ins: delays, never lock-outs, on three counters, each counted
//! when an attempt starts, so that a burst sent at once is held to the same pace as the
//! same attempts sent one by one.
//!
//! - per username and address: one person mistyping, or one guesser at one account;
//! - per address, across usernames: one guesser spraying a password over many accounts;
//! - per username, across addresses: guessers spread over many addresses. An address
//!   from which the account signed in before is exempt from this one, so that nobody
//!   elsewhere can hold the owner back from their usual place.
//!
//! An IPv6 address counts by its /64 (one host usually holds the whole /64); an
//! IPv4-mapped address counts as the IPv4 address.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::errors::ServerError;
use crate::store::{StoredCounter, Writes};

/// The bounds of one counter: how many attempts are free, then the first delay, which
/// doubles with each further attempt up to the longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Attempts before the first delay.
    pub free: u32,
    /// The first delay.
    pub first: Duration,
    /// The longest delay.
    pub longest: Duration,
}

/// Per username and address.
pub const PER_PAIR: Bounds = Bounds {
    free: 5,
    first: Duration::from_secs(1),
    longest: Duration::from_mins(15),
};
/// Per address, across usernames.
pub const PER_ADDRESS: Bounds = Bounds {
    free: 20,
    first: Duration::from_secs(1),
    longest: Duration::from_mins(15),
};
/// Per username, across addresses (but those it signed in from before).
pub const PER_USERNAME: Bounds = Bounds {
    free: 10,
    first: Duration::from_secs(1),
    longest: Duration::from_mins(15),
};
/// A counter with no attempt for this long starts again from zero (and is deleted).
pub const FORGET_AFTER: Duration = Duration::from_hours(1);
/// The addresses remembered per username as ones it signed in from.
pub const KNOWN_ADDRESSES: usize = 8;
/// How often a server process deletes the counters idle past [`FORGET_AFTER`].
const SWEEP_EVERY: Duration = Duration::from_mins(1);

/// The part of an address that counts: the IPv4 address, or an IPv6 address's /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin(u128);

impl From<IpAddr> for Origin {
    fn from(ip: IpAddr) -> Origin {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Origin(u128::from(v4.to_bits())),
            // Tagged above 2^32 so that no /64 equals an IPv4 address.
            IpAddr::V6(v6) => Origin((v6.to_bits() >> 64) | (1 << 64)),
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:x}", self.0)
    }
}

/// A username as the counters hold it: ignoring case, and hashed, so that a key has
/// one size whatever was sent.
fn username_key(username: &str) -> String {
    use std::fmt::Write as _;
    Sha256::digest(username.to_lowercase().as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Pair(String, Origin),
    Address(Origin),
    Username(String),
}

impl Key {
    /// The key's name in the database.
    fn stored(&self) -> String {
        match self {
            Key::Pair(username, origin) => format!("pair {origin} {username}"),
            Key::Address(origin) => format!("address {origin}"),
            Key::Username(username) => format!("username {username}"),
        }
    }

    fn bounds(&self) -> Bounds {
        match self {
            Key::Pair(..) => PER_PAIR,
            Key::Address(_) => PER_ADDRESS,
            Key::Username(_) => PER_USERNAME,
        }
    }
}

/// The milliseconds a duration spans, as the database stores times.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// No attempt under `key` is verified before this: the delay its attempts earned,
/// from the last of them; `None` while they earned none. (Without one, a counter
/// whose last attempt another process stamped a moment later than this one's clock
/// says would hold the attempt back for that moment.)
fn not_before(key: &Key, counter: StoredCounter) -> Option<i64> {
    let delay = delay(key.bounds(), counter.attempts);
    (!delay.is_zero()).then(|| counter.last_ms.saturating_add(millis(delay)))
}

/// Refused for now: try again after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub Duration);

impl RetryAfter {
    /// Whole seconds, rounded up, at least one.
    #[must_use]
    pub fn seconds(self) -> u64 {
        self.0.as_secs() + u64::from(self.0.subsec_nanos() > 0)
    }
}

/// An attempt that was let through and counted; say how it ended with
/// [`Throttle::succeeded`] (a failure needs nothing more: it was counted already).
#[derive(Debug)]
#[must_use = "a success must be reported, or it stays counted as a failure"]
pub struct Attempt {
    keys: Vec<Key>,
    username: String,
    origin: Origin,
}

/// The three counters and the addresses each username signed in from, kept in the
/// database so that every server process sharing it counts the same attempts; each
/// call reads and writes them in the caller's transaction.
#[derive(Debug, Default)]
pub struct Throttle {
    /// When this process last deleted the idle counters (milliseconds since the epoch).
    swept_ms: AtomicI64,
}

/// The delay after the `attempts`-th attempt: none while free, then doubling.
fn delay(bounds: Bounds, attempts: u32) -> Duration {
    let Some(over) = attempts.checked_sub(bounds.free) else {
        return Duration::ZERO;
    };
    let factor = 1u32 << over.min(20);
    bounds.first.saturating_mul(factor).min(bounds.longest)
}

impl Throttle {
    /// Lets an attempt for `username` from `ip` through and counts it, or says how long
    /// to wait first, in `tx` (which the caller commits). Usernames count ignoring
    /// case, as they sign in. `now_ms`: milliseconds since the epoch.
    ///
    /// # Errors
    /// The database fails. Inside, a [`RetryAfter`]: a counter is in its delay, nothing
    /// is counted, and nothing may be verified.
    pub fn begin(
        &self,
        tx: &mut dyn Writes,
        username: &str,
        ip: IpAddr,
        now_ms: i64,
    ) -> Result<Result<Attempt, RetryAfter>, ServerError> {
        let forget = millis(FORGET_AFTER);
        let swept = self.swept_ms.load(Ordering::Relaxed);
        if now_ms.saturating_sub(swept) >= millis(SWEEP_EVERY) {
            tx.forget_counters(now_ms.saturating_sub(forget))?;
            self.swept_ms.store(now_ms, Ordering::Relaxed);
        }
        let username = username_key(username);
        let origin = Origin::from(ip);
        let mut keys = vec![Key::Pair(username.clone(), origin), Key::Address(origin)];
        if !tx.knows(&username, &origin.to_string())? {
            keys.push(Key::Username(username.clone()));
        }
        let mut counters = Vec::with_capacity(keys.len());
        for key in &keys {
            // A counter idle past FORGET_AFTER starts again from zero.
            let counter = tx
                .counter(&key.stored())?
                .filter(|c| now_ms.saturating_sub(c.last_ms) < forget);
            counters.push(counter);
        }
        let wait = keys
            .iter()
            .zip(&counters)
            .filter_map(|(key, counter)| not_before(key, (*counter)?))
            .map(|not_before| not_before.saturating_sub(now_ms))
            .max()
            .unwrap_or(0);
        if wait > 0 {
            let wait = Duration::from_millis(u64::try_from(wait).unwrap_or(u64::MAX));
            return Ok(Err(RetryAfter(wait)));
        }
        for (key, counter) in keys.iter().zip(counters) {
            let attempts = counter.map_or(0, |c| c.attempts).saturating_add(1);
            let counted = StoredCounter {
                attempts,
                last_ms: now_ms,
            };
            tx.set_counter(&key.stored(), counted)?;
        }
        Ok(Ok(Attempt {
            keys,
            username,
            origin,
        }))
    }

    /// The attempt succeeded: the pair's counter starts again, the others take the
    /// attempt back, and the address becomes one the username signed in from, in `tx`
    /// (which the caller commits).
    ///
    /// # Errors
    /// The database fails.
    pub fn succeeded(
        &self,
        tx: &mut dyn Writes,
        attempt: &Attempt,
        now_ms: i64,
    ) -> Result<(), ServerError> {
        for key in &attempt.keys {
            let stored = key.stored();
            if let Some(mut counter) = tx.counter(&stored)? {
                counter.attempts = match key {
                    Key::Pair(..) => 0,
                    _ => counter.attempts.saturating_sub(1),
                };
                tx.set_counter(&stored, counter)?;
            }
        }
        tx.remember(
            &attempt.username,
            &attempt.origin.to_string(),
            now_ms,
            KNOWN_ADDRESSES,
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::store::{Store, Synchronous};

    const HOME: &str = "192.0.2.1";
    const AWAY: &str = "198.51.100.7";
    /// A moment, in milliseconds since the epoch.
    const NOW: i64 = 1_800_000_000_000;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// The throttle over a database file of its own, removed when dropped.
    struct Ledger {
        store: Store,
        throttle: Throttle,
        path: std::path::PathBuf,
    }

    impl Ledger {
        fn new() -> Ledger {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "enswitch-people-throttle-{}-{}.sqlite",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            let store = Store::open(path.to_str().unwrap(), Synchronous::Normal).unwrap();
            Ledger {
                store,
                throttle: Throttle::default(),
                path,
            }
        }

        fn begin(&self, username: &str, from: &str, now: i64) -> Result<Attempt, RetryAfter> {
            self.store
                .write(|tx| {
                    let attempt = self.throttle.begin(tx, username, ip(from), now)?;
                    tx.commit()?;
                    Ok(attempt)
                })
                .unwrap()
        }

        fn succeeded(&self, attempt: &Attempt, now: i64) {
            self.store
                .write(|tx| {
                    self.throttle.succeeded(tx, attempt, now)?;
                    tx.commit()
                })
                .unwrap();
        }

        /// `n` failed attempts for `username` from `from`, all let through.
        #[track_caller]
        fn fail(&self, username: &str, from: &str, n: u32, now: i64) {
            for i in 0..n {
                let attempt = self.begin(username, from, now);
                assert!(attempt.is_ok(), "attempt {} refused", i + 1);
            }
        }
    }

    impl Drop for Ledger {
        fn drop(&mut self) {
            for suffix in ["", "-wal", "-shm"] {
                let mut path = self.path.clone().into_os_string();
                path.push(suffix);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    #[test]
    fn delays_double_from_the_first_to_the_longest() {
        let rows = [
            (4, 0),
            (5, 1),
            (6, 2),
            (7, 4),
            (14, 512),
            (15, 900),
            (40, 900),
        ];
        for (attempts, seconds) in rows {
            assert_eq!(
                delay(PER_PAIR, attempts),
                Duration::from_secs(seconds),
                "{attempts}"
            );
        }
    }

    #[test]
    fn a_burst_is_counted_as_it_starts() {
        let ledger = Ledger::new();
        ledger.fail("carol", HOME, PER_PAIR.free, NOW);
        // The sixth, sent at once, is not verified: the attempts were counted already.
        let refused = ledger.begin("carol", HOME, NOW).unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(1)));
        assert_eq!(refused.seconds(), 1);
        // Once the delay has passed, one more; then twice the delay.
        let later = NOW + 1_000;
        let _sixth = ledger.begin("Carol", HOME, later).unwrap();
        assert_eq!(
            ledger.begin("carol", HOME, later).unwrap_err(),
            RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn an_attempt_stamped_a_moment_later_elsewhere_holds_nobody_back() {
        // Found under load: two attempts at once, the later-stamped one counted first.
        let ledger = Ledger::new();
        let _first = ledger.begin("carol", HOME, NOW + 2).unwrap();
        let second = ledger.begin("carol", HOME, NOW);
        assert!(second.is_ok(), "{second:?}");
        // Once a delay is earned, it holds from the last attempt counted.
        ledger.fail("carol", HOME, PER_PAIR.free - 2, NOW);
        let refused = ledger.begin("carol", HOME, NOW).unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(1)));
    }

    #[test]
    fn a_guesser_delays_neither_the_owner_at_home_nor_others_elsewhere() {
        let ledger = Ledger::new();
        let home = ledger.begin("carol", HOME, NOW).unwrap();
        ledger.succeeded(&home, NOW);
        // A guesser at carol from many addresses: the per-username counter.
        for i in 0..=PER_USERNAME.free {
            let _ = ledger.begin("carol", &format!("203.0.113.{i}"), NOW);
        }
        assert!(ledger.begin("carol", AWAY, NOW).is_err());
        // carol at home is exempt from it; the owner from the guesser's address is not
        // held back by carol's counters.
        let home = ledger.begin("carol", HOME, NOW).unwrap();
        ledger.succeeded(&home, NOW);
        let owner = ledger.begin("owner", "203.0.113.0", NOW).unwrap();
        ledger.succeeded(&owner, NOW);
    }

    #[test]
    fn spraying_one_password_over_many_usernames_is_delayed_by_address() {
        let ledger = Ledger::new();
        for i in 0..PER_ADDRESS.free {
            let _ = ledger.begin(&format!("user{i}"), AWAY, NOW).unwrap();
        }
        assert!(ledger.begin("someone", AWAY, NOW).is_err());
        assert!(ledger.begin("someone", HOME, NOW).is_ok());
    }

    #[test]
    fn a_success_gives_the_pair_its_free_attempts_back() {
        let ledger = Ledger::new();
        ledger.fail("alice", HOME, PER_PAIR.free - 1, NOW);
        let attempt = ledger.begin("alice", HOME, NOW).unwrap();
        ledger.succeeded(&attempt, NOW);
        ledger.fail("alice", HOME, PER_PAIR.free, NOW);
    }

    #[test]
    fn only_the_latest_addresses_are_known() {
        let ledger = Ledger::new();
        let addresses: Vec<String> = (0..=KNOWN_ADDRESSES)
            .map(|i| format!("192.0.2.{i}"))
            .collect();
        for (i, from) in addresses.iter().enumerate() {
            let attempt = ledger
                .begin("dave", from, NOW + i64::try_from(i).unwrap())
                .unwrap();
            ledger.succeeded(&attempt, NOW + i64::try_from(i).unwrap());
        }
        let key = username_key("dave");
        let known = |from: &str| {
            ledger
                .store
                .write(|tx| tx.knows(&key, &Origin::from(ip(from)).to_string()))
                .unwrap()
        };
        assert!(!known(&addresses[0]), "the oldest is forgotten");
        assert!(addresses[1..].iter().all(|from| known(from)));
    }

    #[test]
    fn ipv6_counts_by_its_64_and_mapped_ipv4_as_ipv4() {
        let rows = [
            ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true),
            ("2001:db8:1:2::1", "2001:db8:1:3::1", false),
            ("::ffff:192.0.2.1", "192.0.2.1", true),
            ("192.0.2.1", "192.0.2.2", false),
            // An IPv6 /64 never equals an IPv4 address.
            ("::", "0.0.0.0", false),
        ];
        for (a, b, same) in rows {
            assert_eq!(Origin::from(ip(a)) == Origin::from(ip(b)), same, "{a} {b}");
        }
    }

    #[test]
    fn counters_are_forgotten_after_an_idle_hour() {
        let ledger = Ledger::new();
        ledger.fail("alice", HOME, PER_PAIR.free, NOW);
        let later = NOW + millis(FORGET_AFTER);
        ledger.fail("alice", HOME, PER_PAIR.free, later);
        // And deleted by the next sweep.
        let stored = Key::Pair(username_key("alice"), Origin::from(ip(HOME))).stored();
        let _ = ledger.begin(
            "bob",
            AWAY,
            later + millis(FORGET_AFTER) + millis(SWEEP_EVERY),
        );
        let counter = ledger.store.write(|tx| tx.counter(&stored)).unwrap();
        assert_eq!(counter, None);
    }
}
