//! The argon2 slots, and the bounded queue before them: a sign-in that finds it full is
//! refused at once, and one address holds only a few places.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::auth::throttle::Origin;

/// How many sign-ins may wait for or hold an argon2 slot, in all and from one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queue {
    /// Verifications running at once (each takes its memory cost).
    pub running: usize,
    /// Verifications waiting or running, in all.
    pub waiting: usize,
    /// Verifications waiting or running from one address (an IPv6 /64).
    pub per_address: usize,
}

impl Queue {
    /// Two at once (OWASP's cost takes 19 MiB each), 32 in all, 4 from one address.
    pub const DEFAULT: Queue = Queue {
        running: 2,
        waiting: 32,
        per_address: 4,
    };
}

/// The argon2 slots and the bounded queue before them.
#[derive(Debug)]
pub struct Slots {
    queue: Queue,
    running: Semaphore,
    waiting: Mutex<HashMap<Origin, usize>>,
}

/// A place in the queue; leaving it (dropping this) frees it.
#[derive(Debug)]
pub struct Place<'s> {
    slots: &'s Slots,
    origin: Origin,
}

/// The queue is full, in all or for one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Full;

impl Slots {
    /// Slots and a queue of these bounds.
    #[must_use]
    pub fn new(queue: Queue) -> Slots {
        Slots {
            queue,
            running: Semaphore::new(queue.running),
            waiting: Mutex::new(HashMap::new()),
        }
    }

    /// A place in the queue for a sign-in from `ip`, at once or not at all.
    ///
    /// # Errors
    /// The queue is full, in all or for `ip`'s address.
    pub fn enter(&self, ip: IpAddr) -> Result<Place<'_>, Full> {
        let origin = Origin::from(ip);
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let total: usize = waiting.values().sum();
        let mine = waiting.get(&origin).copied().unwrap_or(0);
        if total >= self.queue.waiting || mine >= self.queue.per_address {
            return Err(Full);
        }
        *waiting.entry(origin).or_insert(0) += 1;
        Ok(Place {
            slots: self,
            origin,
        })
    }
}

impl Place<'_> {
    /// Waits for an argon2 slot (first come, first served), held while the permit lives.
    ///
    /// # Panics
    /// Never: the semaphore is never closed.
    pub async fn slot(&self) -> SemaphorePermit<'_> {
        self.slots
            .running
            .acquire()
            .await
            .expect("the slots are never closed")
    }
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let mut waiting = self
            .slots
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = waiting.get_mut(&self.origin) {
            *count -= 1;
            if *count == 0 {
                waiting.remove(&self.origin);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_is_bounded_in_all_and_per_address() {
        let slots = Slots::new(Queue {
            running: 1,
            waiting: 3,
            per_address: 2,
        });
        let (a, b, c): (IpAddr, IpAddr, IpAddr) = (
            "192.0.2.1".parse().unwrap(),
            "2001:db8::1".parse().unwrap(),
            "192.0.2.3".parse().unwrap(),
        );
        let first = slots.enter(a).unwrap();
        let second = slots.enter(a).unwrap();
        assert_eq!(slots.enter(a).unwrap_err(), Full, "two from one address");
        let _third = slots.enter(b).unwrap();
        assert_eq!(slots.enter(c).unwrap_err(), Full, "three in all");
        drop(first);
        // Another host of b's /64 counts with b: two there, though the queue has room.
        let _fourth = slots.enter("2001:db8::2".parse().unwrap()).unwrap();
        drop(second);
        assert_eq!(
            slots.enter("2001:db8::3".parse().unwrap()).unwrap_err(),
            Full
        );
        let _fifth = slots.enter(c).unwrap();
    }
}
