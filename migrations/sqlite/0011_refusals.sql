-- Issue 15: why a donor could not book, for the registrar's donor page. A small row — who
-- asked (the donor, or the registrar booking for a caller), when, which rule, which cell —
-- and nothing more; purged with the bookings (R6) and deleted with the donor.
CREATE TABLE refusals (
    id        INTEGER PRIMARY KEY,
    donor_id  INTEGER NOT NULL REFERENCES donors(id) ON DELETE CASCADE,
    staff_id  INTEGER REFERENCES staff(id),
    at        TEXT NOT NULL,
    rule      TEXT NOT NULL,
    cell_id   INTEGER REFERENCES cells(id) ON DELETE SET NULL
);
CREATE INDEX refusals_by_donor ON refusals (donor_id, at);
CREATE INDEX refusals_by_time ON refusals (at);
