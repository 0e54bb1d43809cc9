//! Authentication: argon2id hashes (`hasher`), throttling of sign-ins (`throttle`), the
//! bounded queue for argon2 (`queue`) and session tokens (`token`).

mod hasher;
mod queue;
mod throttle;
mod token;

pub use hasher::{Cost, Hasher, Verification};
pub use queue::{Full, Place, Queue, Slots};
pub use throttle::{Attempt, Bounds, Origin, RetryAfter, Throttle};
pub use token::{new_token, token_hash};
