-- First schema (SQLite dialect; migrations/postgres holds the same schema for PostgreSQL).
-- Capacity is enforced here: counters can never pass their capacity, and a donor can hold
-- only one active booking, whatever the application does.

CREATE TABLE places (
    id        INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    address   TEXT NOT NULL
);

CREATE TABLE donors (
    id                   INTEGER PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    blood_group          TEXT NOT NULL CHECK (blood_group IN ('O', 'A', 'B', 'AB')),
    rh                   TEXT NOT NULL CHECK (rh IN ('pos', 'neg')),
    kell                 TEXT NOT NULL CHECK (kell IN ('pos', 'neg')),
    donor_code           TEXT NOT NULL,
    donor_code_changed_at TEXT,
    locale               TEXT NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    email_confirmed_at   TEXT,
    consent_version      TEXT NOT NULL,
    consent_at           TEXT NOT NULL,
    consent_ip           TEXT,
    last_donation_on     TEXT,
    last_self_cancel_at  TEXT,
    created_at           TEXT NOT NULL
);

CREATE TABLE staff (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('registrar', 'planner', 'admin')),
    disabled_at    TEXT,
    created_at     TEXT NOT NULL
);

CREATE TABLE cells (
    id             INTEGER PRIMARY KEY,
    place_id       INTEGER NOT NULL REFERENCES places(id),
    date           TEXT NOT NULL,
    donation_type  TEXT NOT NULL CHECK (donation_type IN ('whole_blood', 'plasma', 'platelets', 'erythrocytes')),
    closed_at      TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (place_id, date, donation_type)
);
CREATE INDEX cells_by_date ON cells (date);

CREATE TABLE time_slots (
    id        INTEGER PRIMARY KEY,
    cell_id   INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
    start     TEXT NOT NULL,
    capacity  INTEGER NOT NULL CHECK (capacity >= 0),
    booked    INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    UNIQUE (cell_id, start)
);

CREATE TABLE group_quotas (
    id                  INTEGER PRIMARY KEY,
    cell_id             INTEGER NOT NULL REFERENCES cells(id) ON DELETE CASCADE,
    blood_group         TEXT NOT NULL CHECK (blood_group IN ('O', 'A', 'B', 'AB')),
    rh                  TEXT NOT NULL CHECK (rh IN ('pos', 'neg')),
    kell_negative_only  INTEGER NOT NULL DEFAULT 0 CHECK (kell_negative_only IN (0, 1)),
    needed              INTEGER NOT NULL CHECK (needed >= 0),
    booked              INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= needed),
    UNIQUE (cell_id, blood_group, rh)
);

CREATE TABLE bookings (
    id                 INTEGER PRIMARY KEY,
    donor_id           INTEGER NOT NULL REFERENCES donors(id) ON DELETE CASCADE,
    cell_id            INTEGER NOT NULL REFERENCES cells(id),
    slot_id            INTEGER NOT NULL REFERENCES time_slots(id),
    quota_id           INTEGER NOT NULL REFERENCES group_quotas(id),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'cancelled', 'donated', 'no_show')),
    rejection_reason   TEXT CHECK (rejection_reason IN ('donor_code_mismatch', 'medical_deferral', 'interval_not_respected', 'already_booked_for_plasma', 'other')),
    rejection_comment  TEXT,
    created_at         TEXT NOT NULL,
    decided_at         TEXT,
    decided_by         INTEGER REFERENCES staff(id)
);
-- R3: one pending or approved booking per donor.
CREATE UNIQUE INDEX bookings_one_active_per_donor ON bookings (donor_id) WHERE status IN ('pending', 'approved');
CREATE INDEX bookings_by_cell ON bookings (cell_id);
CREATE INDEX bookings_pending ON bookings (created_at) WHERE status = 'pending';

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_id     INTEGER REFERENCES staff(id),
    booking_id   INTEGER,
    action       TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT,
    reason       TEXT,
    comment      TEXT
);

CREATE TABLE mail_outbox (
    id               INTEGER PRIMARY KEY,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    text_body        TEXT NOT NULL,
    html_body        TEXT NOT NULL,
    attachment_name  TEXT,
    attachment_type  TEXT,
    attachment_body  TEXT,
    message_id       TEXT NOT NULL UNIQUE,
    status           TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    locked_until     TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status IN ('queued', 'sending');
