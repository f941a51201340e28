-- Sessions and single-use e-mail tokens. Only SHA-256 hashes of the secrets are stored:
-- a leaked table cannot be replayed as cookies or links.

CREATE TABLE sessions (
    id_hash       TEXT PRIMARY KEY,
    donor_id      INTEGER REFERENCES donors(id) ON DELETE CASCADE,
    staff_id      INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    user_agent    TEXT,
    CHECK ((donor_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX sessions_by_donor ON sessions (donor_id);
CREATE INDEX sessions_by_staff ON sessions (staff_id);

CREATE TABLE email_tokens (
    token_hash  TEXT PRIMARY KEY,
    donor_id    INTEGER REFERENCES donors(id) ON DELETE CASCADE,
    staff_id    INTEGER REFERENCES staff(id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    CHECK ((donor_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX email_tokens_by_donor ON email_tokens (donor_id, purpose);
