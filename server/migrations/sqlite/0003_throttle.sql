-- The throttle's counters (`auth::throttle`), by key, and the addresses each
-- username signed in from; times in milliseconds since the epoch.
CREATE TABLE throttle_counters (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    last_ms INTEGER NOT NULL
);
CREATE TABLE throttle_known (
    username TEXT NOT NULL,
    origin TEXT NOT NULL,
    at_ms INTEGER NOT NULL,
    PRIMARY KEY (username, origin)
);
