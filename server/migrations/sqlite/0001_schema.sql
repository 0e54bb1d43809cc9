-- The schema.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    parent INTEGER REFERENCES customers(id),
    plan_forbids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    privileges TEXT NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    customer INTEGER NOT NULL REFERENCES customers(id),
    role INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
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
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    person INTEGER NOT NULL REFERENCES people(id),
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_person ON sessions(person);
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    person INTEGER NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    actor INTEGER NOT NULL,
    person INTEGER NOT NULL,
    diff TEXT NOT NULL,
    at INTEGER NOT NULL
);
