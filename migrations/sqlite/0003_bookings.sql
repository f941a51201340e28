-- Booking records (R6): the daily purge writes down how many bookings it removed, and the
-- cabinet lists a donor's own bookings.

CREATE TABLE purge_runs (
    id       INTEGER PRIMARY KEY,
    ran_at   TEXT NOT NULL,
    cutoff   TEXT NOT NULL,
    purged   INTEGER NOT NULL CHECK (purged >= 0)
);

CREATE INDEX bookings_by_donor ON bookings (donor_id, created_at);
CREATE INDEX bookings_by_slot ON bookings (slot_id);

-- The audit log is append-only: the database refuses to change or delete its rows.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
