-- Issue 15: why a donor could not book, for the registrar's donor page. A small row — who
-- asked (the donor, or the registrar booking for a caller), when, which rule, which cell —
-- and nothing more; purged with the bookings (R6) and deleted with the donor.
CREATE TABLE refusals (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    donor_id  BIGINT NOT NULL REFERENCES donors(id) ON DELETE CASCADE,
    staff_id  BIGINT REFERENCES staff(id),
    at        TIMESTAMPTZ NOT NULL,
    rule      TEXT NOT NULL,
    cell_id   BIGINT REFERENCES cells(id) ON DELETE SET NULL
);
CREATE INDEX refusals_by_donor ON refusals (donor_id, at);
CREATE INDEX refusals_by_time ON refusals (at);
