-- /readyz proves the database takes writes (a full disk, a read-only file) by writing here:
-- one row per running instance, removed a day after its last check.
CREATE TABLE readiness_probe (
    instance   TEXT PRIMARY KEY,
    checked_at TIMESTAMPTZ NOT NULL
);
