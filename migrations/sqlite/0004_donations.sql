-- Donations and the intervals between donation types.
--
-- A donation is recorded when a registrar marks «Донация состоялась»: its day and type outlive
-- the R6 purge of bookings, since R5 and the intervals need them. booking_id names the booking
-- it came from while that is on record (no foreign key: the purge deletes bookings).
CREATE TABLE donations (
    id             INTEGER PRIMARY KEY,
    donor_id       INTEGER NOT NULL REFERENCES donors(id) ON DELETE CASCADE,
    donated_on     TEXT NOT NULL,
    donation_type  TEXT NOT NULL CHECK (donation_type IN ('whole_blood', 'plasma', 'platelets', 'erythrocytes')),
    booking_id     INTEGER UNIQUE,
    recorded_at    TEXT NOT NULL,
    recorded_by    INTEGER REFERENCES staff(id)
);
CREATE INDEX donations_by_donor ON donations (donor_id, donated_on);

-- Donations already marked on bookings still on record keep their day and type.
INSERT INTO donations (donor_id, donated_on, donation_type, booking_id, recorded_at, recorded_by)
SELECT b.donor_id, c.date, c.donation_type, b.id, COALESCE(b.decided_at, b.created_at), b.decided_by
FROM bookings b JOIN cells c ON c.id = b.cell_id WHERE b.status = 'donated';
-- A last donation whose booking was purged has no known type: whole blood, whose intervals
-- are the longest, so no donor is offered a donation too early.
INSERT INTO donations (donor_id, donated_on, donation_type, booking_id, recorded_at)
SELECT d.id, d.last_donation_on, 'whole_blood', NULL, d.created_at FROM donors d
WHERE d.last_donation_on IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM donations x WHERE x.donor_id = d.id AND x.donated_on >= d.last_donation_on);
ALTER TABLE donors DROP COLUMN last_donation_on;

-- Minimum calendar days from a donation of previous_type to one of next_type: Приказ
-- Минздрава России от 28.10.2020 № 1166н, Приложение 7 ("Интервалы между донациями"). The
-- text of Приложение 7 could not be read from a primary source when this was written: these
-- defaults follow its predecessor (Приказ Минздрава РФ № 364 of 14.09.2001) and the centres'
-- donor memos, and are stored with confirmed = false — the centre's to confirm. Admins edit
-- them on /admin/intervals; saving a value confirms it.
CREATE TABLE donation_intervals (
    previous_type  TEXT NOT NULL CHECK (previous_type IN ('whole_blood', 'plasma', 'platelets', 'erythrocytes')),
    next_type      TEXT NOT NULL CHECK (next_type IN ('whole_blood', 'plasma', 'platelets', 'erythrocytes')),
    min_days       INTEGER NOT NULL CHECK (min_days BETWEEN 0 AND 365),
    confirmed      INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
    updated_at     TEXT,
    updated_by     INTEGER REFERENCES staff(id),
    PRIMARY KEY (previous_type, next_type)
);
INSERT INTO donation_intervals (previous_type, next_type, min_days) VALUES
    ('whole_blood', 'whole_blood', 60),
    ('whole_blood', 'plasma', 30),
    ('whole_blood', 'platelets', 30),
    ('whole_blood', 'erythrocytes', 60),
    ('plasma', 'whole_blood', 14),
    ('plasma', 'plasma', 14),
    ('plasma', 'platelets', 14),
    ('plasma', 'erythrocytes', 14),
    ('platelets', 'whole_blood', 30),
    ('platelets', 'plasma', 14),
    ('platelets', 'platelets', 14),
    ('platelets', 'erythrocytes', 30),
    ('erythrocytes', 'whole_blood', 60),
    ('erythrocytes', 'plasma', 30),
    ('erythrocytes', 'platelets', 30),
    ('erythrocytes', 'erythrocytes', 60);
