-- The schema: SQLite's first two migrations together, and what several server
-- processes must share beside it (the throttle's counters).
CREATE TABLE customers (
    id BIGINT PRIMARY KEY,
    parent BIGINT REFERENCES customers(id),
    plan_forbids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE roles (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    privileges TEXT NOT NULL
);
CREATE TABLE people (
    id BIGINT PRIMARY KEY,
    customer BIGINT NOT NULL REFERENCES customers(id),
    role BIGINT NOT NULL,
    password_hash TEXT NOT NULL,
    username TEXT NOT NULL,
    forename TEXT NOT NULL DEFAULT '', surname TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '', company TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
    telephone TEXT NOT NULL DEFAULT '', mobile TEXT NOT NULL DEFAULT '',
    fax TEXT NOT NULL DEFAULT '', extension TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',
    timezone TEXT NOT NULL DEFAULT '', date_format TEXT NOT NULL DEFAULT '',
    time_format TEXT NOT NULL DEFAULT '', source TEXT NOT NULL DEFAULT '',
    public_key TEXT NOT NULL DEFAULT ''
);
-- Usernames are unique ignoring case (they are ASCII), whichever process writes.
CREATE UNIQUE INDEX people_username ON people (lower(username));
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person BIGINT NOT NULL REFERENCES people(id),
    expires_at BIGINT NOT NULL,
    last_used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_person ON sessions (person);
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person BIGINT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor BIGINT NOT NULL,
    person BIGINT NOT NULL,
    diff TEXT NOT NULL,
    at BIGINT NOT NULL
);
-- The throttle's counters (`auth::throttle`), by key, and the addresses each
-- username signed in from; times in milliseconds since the epoch.
CREATE TABLE throttle_counters (
    key TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL,
    last_ms BIGINT NOT NULL
);
CREATE TABLE throttle_known (
    username TEXT NOT NULL,
    origin TEXT NOT NULL,
    at_ms BIGINT NOT NULL,
    PRIMARY KEY (username, origin)
);
