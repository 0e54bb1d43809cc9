-- Sessions end after an idle time too.
ALTER TABLE sessions ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
