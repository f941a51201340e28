-- Booking records (R6): the daily purge writes down how many bookings it removed, and the
-- cabinet lists a donor's own bookings.

CREATE TABLE purge_runs (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ran_at   TIMESTAMPTZ NOT NULL,
    cutoff   DATE NOT NULL,
    purged   BIGINT NOT NULL CHECK (purged >= 0)
);

CREATE INDEX bookings_by_donor ON bookings (donor_id, created_at);
CREATE INDEX bookings_by_slot ON bookings (slot_id);

-- The audit log is append-only: the database refuses to change or delete its rows.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
