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
