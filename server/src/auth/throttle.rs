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

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

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
/// A counter with no attempt for this long starts again from zero.
pub const FORGET_AFTER: Duration = Duration::from_hours(1);
/// The addresses remembered per username as ones it signed in from.
pub const KNOWN_ADDRESSES: usize = 8;
/// The counters remembered in all (and the usernames whose addresses are): when full,
/// idle counters are dropped, then those out of their delay; while none can be, a new
/// one is refused for [`PER_PAIR`]'s first delay.
pub const MAX_COUNTERS: usize = 100_000;

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

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, Origin),
    Address(Origin),
    Username(String),
}

#[derive(Debug, Clone, Copy)]
struct Counter {
    attempts: u32,
    last: Instant,
}

impl Counter {
    /// No attempt under `key` is verified before this: the delay its attempts earned,
    /// from the last of them.
    fn not_before(&self, key: &Key) -> Instant {
        self.last + delay(bounds(key), self.attempts)
    }
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

#[derive(Debug, Default)]
struct State {
    counters: HashMap<Key, Counter>,
    known: HashMap<String, Vec<Origin>>,
}

/// The three counters and the addresses each username signed in from.
#[derive(Debug, Default)]
pub struct Throttle {
    state: Mutex<State>,
}

fn bounds(key: &Key) -> Bounds {
    match key {
        Key::Pair(..) => PER_PAIR,
        Key::Address(_) => PER_ADDRESS,
        Key::Username(_) => PER_USERNAME,
    }
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
    /// to wait first. Usernames count ignoring case, as they sign in.
    ///
    /// # Errors
    /// A counter is in its delay: nothing is counted, and nothing may be verified.
    pub fn begin(&self, username: &str, ip: IpAddr, now: Instant) -> Result<Attempt, RetryAfter> {
        let username = username.to_lowercase();
        let origin = Origin::from(ip);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let known = state
            .known
            .get(&username)
            .is_some_and(|origins| origins.contains(&origin));
        let mut keys = vec![Key::Pair(username.clone(), origin), Key::Address(origin)];
        if !known {
            keys.push(Key::Username(username.clone()));
        }
        let wait = keys
            .iter()
            .filter_map(|key| Some(state.counters.get(key)?.not_before(key)))
            .map(|not_before| not_before.saturating_duration_since(now))
            .max()
            .unwrap_or_default();
        if !wait.is_zero() {
            return Err(RetryAfter(wait));
        }
        let missing = keys
            .iter()
            .filter(|k| !state.counters.contains_key(*k))
            .count();
        if state.counters.len() + missing > MAX_COUNTERS {
            state.counters.retain(|k, c| {
                c.not_before(k) > now || now.saturating_duration_since(c.last) < FORGET_AFTER
            });
            if state.counters.len() + missing > MAX_COUNTERS {
                state.counters.retain(|k, c| c.not_before(k) > now);
            }
            if state.counters.len() + missing > MAX_COUNTERS {
                return Err(RetryAfter(PER_PAIR.first));
            }
        }
        for key in &keys {
            let counter = state.counters.entry(key.clone()).or_insert(Counter {
                attempts: 0,
                last: now,
            });
            if now.saturating_duration_since(counter.last) >= FORGET_AFTER {
                counter.attempts = 0;
            }
            counter.attempts = counter.attempts.saturating_add(1);
            counter.last = now;
        }
        Ok(Attempt {
            keys,
            username,
            origin,
        })
    }

    /// The attempt succeeded: the pair's counter starts again, the others take the
    /// attempt back, and the address becomes one the username signed in from.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for key in &attempt.keys {
            if let Some(counter) = state.counters.get_mut(key) {
                counter.attempts = match key {
                    Key::Pair(..) => 0,
                    _ => counter.attempts.saturating_sub(1),
                };
            }
        }
        // Bounded: past the limit, a new username is not remembered (it only stays
        // under its counter).
        let full = state.known.len() >= MAX_COUNTERS;
        if full && !state.known.contains_key(&attempt.username) {
            return;
        }
        let origins = state.known.entry(attempt.username).or_default();
        if !origins.contains(&attempt.origin) {
            if origins.len() == KNOWN_ADDRESSES {
                origins.remove(0);
            }
            origins.push(attempt.origin);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "192.0.2.1";
    const AWAY: &str = "198.51.100.7";

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    /// `n` failed attempts for `username` from `from`, all let through.
    #[track_caller]
    fn fail(throttle: &Throttle, username: &str, from: &str, n: u32, now: Instant) {
        for i in 0..n {
            let attempt = throttle.begin(username, ip(from), now);
            assert!(attempt.is_ok(), "attempt {} refused", i + 1);
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
        let (throttle, now) = (Throttle::default(), Instant::now());
        fail(&throttle, "carol", HOME, PER_PAIR.free, now);
        // The sixth, sent at once, is not verified: the attempts were counted already.
        let refused = throttle.begin("carol", ip(HOME), now).unwrap_err();
        assert_eq!(refused, RetryAfter(Duration::from_secs(1)));
        assert_eq!(refused.seconds(), 1);
        // Once the delay has passed, one more; then twice the delay.
        let later = now + Duration::from_secs(1);
        let _sixth = throttle.begin("Carol", ip(HOME), later).unwrap();
        assert_eq!(
            throttle.begin("carol", ip(HOME), later).unwrap_err(),
            RetryAfter(Duration::from_secs(2))
        );
    }

    #[test]
    fn a_guesser_delays_neither_the_owner_at_home_nor_others_elsewhere() {
        let (throttle, now) = (Throttle::default(), Instant::now());
        let home = throttle.begin("carol", ip(HOME), now).unwrap();
        throttle.succeeded(home);
        // A guesser at carol from many addresses: the per-username counter.
        for i in 0..=PER_USERNAME.free {
            let from = format!("203.0.113.{i}");
            let _ = throttle.begin("carol", ip(&from), now);
        }
        assert!(throttle.begin("carol", ip(AWAY), now).is_err());
        // carol at home is exempt from it; the owner from the guesser's address is not
        // held back by carol's counters.
        let home = throttle.begin("carol", ip(HOME), now).unwrap();
        throttle.succeeded(home);
        let owner = throttle.begin("owner", ip("203.0.113.0"), now).unwrap();
        throttle.succeeded(owner);
    }

    #[test]
    fn spraying_one_password_over_many_usernames_is_delayed_by_address() {
        let (throttle, now) = (Throttle::default(), Instant::now());
        for i in 0..PER_ADDRESS.free {
            let _ = throttle.begin(&format!("user{i}"), ip(AWAY), now).unwrap();
        }
        assert!(throttle.begin("someone", ip(AWAY), now).is_err());
        assert!(throttle.begin("someone", ip(HOME), now).is_ok());
    }

    #[test]
    fn a_success_gives_the_pair_its_free_attempts_back() {
        let (throttle, now) = (Throttle::default(), Instant::now());
        fail(&throttle, "alice", HOME, PER_PAIR.free - 1, now);
        let attempt = throttle.begin("alice", ip(HOME), now).unwrap();
        throttle.succeeded(attempt);
        fail(&throttle, "alice", HOME, PER_PAIR.free, now);
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
        let (throttle, now) = (Throttle::default(), Instant::now());
        fail(&throttle, "alice", HOME, PER_PAIR.free, now);
        let later = now + FORGET_AFTER;
        fail(&throttle, "alice", HOME, PER_PAIR.free, later);
    }
}
