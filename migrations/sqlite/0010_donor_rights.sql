-- Issue 14: reminders, "tell me when my group is needed", and the donor's rights under 152-ФЗ.

-- The text of each consent version, in each language shown: a donor's record
-- (donors.consent_version) then says exactly what was agreed to. A new wording is a new
-- version in a new migration; a stored text is never changed.
CREATE TABLE consent_texts (
    version  TEXT NOT NULL,
    locale   TEXT NOT NULL CHECK (locale IN ('ru', 'en')),
    text     TEXT NOT NULL,
    PRIMARY KEY (version, locale)
);
INSERT INTO consent_texts (version, locale, text) VALUES
    ('2026-11-v1', 'ru', 'Я даю согласие на обработку моих персональных данных, включая сведения о здоровье (группа крови, резус-фактор, Kell), в целях записи на донацию.'),
    ('2026-11-v1', 'en', 'I consent to the processing of my personal data, including health data (blood group, Rh factor, Kell), for booking donations.');

-- The key that signs links which need no login (unsubscribe, cancel from a reminder): made
-- once by the first instance, shared by all.
CREATE TABLE link_keys (
    name        TEXT PRIMARY KEY,
    secret      TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- A reminder is sent once per booking: the job sets this in the transaction that queues it.
ALTER TABLE bookings ADD COLUMN reminded_at TEXT;
CREATE INDEX bookings_to_remind ON bookings (cell_id) WHERE status = 'approved' AND reminded_at IS NULL;

-- Mail that may be taken back before it leaves (a reminder of a booking cancelled meanwhile),
-- and the List-Unsubscribe target of an alert.
ALTER TABLE mail_outbox ADD COLUMN recall_key TEXT;
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
CREATE INDEX mail_outbox_recall ON mail_outbox (recall_key) WHERE recall_key IS NOT NULL;

-- "Tell me when my group is needed": one row per subscribed donor; `donation_types` is a
-- comma list of codes, empty for every type; `last_sent_on` keeps it to one e-mail a day.
CREATE TABLE need_alerts (
    donor_id        INTEGER PRIMARY KEY REFERENCES donors(id) ON DELETE CASCADE,
    donation_types  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    last_sent_on    TEXT
);
-- A cell opened or a need grew: the alert job fans out and clears it.
ALTER TABLE cells ADD COLUMN alerts_due_at TEXT;

-- 152-ФЗ: each destruction of a donor's data, what and why; no personal data in it.
CREATE TABLE data_destructions (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    reason  TEXT NOT NULL CHECK (reason IN ('donor_request', 'consent_withdrawn')),
    what    TEXT NOT NULL
);
-- Audit rows outlive the donor, with their identity replaced by the destruction that erased it.
ALTER TABLE audit_log ADD COLUMN erased_in INTEGER REFERENCES data_destructions(id);

-- The audit log stays append-only, with one exception: erasing a destroyed donor's identity
-- (donor, address and free text cleared, `erased_in` set once). Nothing else may change.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.erased_in IS NULL AND NEW.erased_in IS NOT NULL
    AND NEW.donor_id IS NULL AND NEW.client_addr IS NULL AND NEW.comment IS NULL
    AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.staff_id IS OLD.staff_id AND NEW.booking_id IS OLD.booking_id
    AND NEW.action = OLD.action AND NEW.from_status IS OLD.from_status AND NEW.to_status IS OLD.to_status
    AND NEW.reason IS OLD.reason
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
