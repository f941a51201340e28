-- Time moves on: a booking whose time has passed stops holding its donor (R3).
--
-- The rules read the time (domain::booking::holds_booking), so nothing waits for a job. This
-- column only records that a stored pending or approved booking was released: by the donor's
-- next booking or by the tidy-up job, whichever comes first. A released pending booking is
-- «Не рассмотрена» (domain::booking::status_at derives it; the stored status stays 'pending',
-- so the status CHECK of 0001 needs no table rebuild); a released approved one waits for its
-- visit mark. R3's unique index holds only unreleased bookings, so a lapsed booking never
-- blocks the donor's next one.
ALTER TABLE bookings ADD COLUMN released_at TIMESTAMPTZ;
DROP INDEX bookings_one_active_per_donor;
CREATE UNIQUE INDEX bookings_one_active_per_donor ON bookings (donor_id)
    WHERE status IN ('pending', 'approved') AND released_at IS NULL;
