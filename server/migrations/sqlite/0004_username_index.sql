-- Usernames are read ignoring case by `lower(username)`, as on PostgreSQL, so that one
-- statement serves both; this index serves that expression (and holds it unique).
CREATE UNIQUE INDEX people_username ON people (lower(username));
