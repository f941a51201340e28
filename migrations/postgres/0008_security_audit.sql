-- The security trail (logins, logouts, passwords, staff accounts, planners' edits) shares the
-- append-only audit log: whose account an entry is about, and the client address it came from.
-- No foreign key on donor_id: an entry outlives the account it names.
ALTER TABLE audit_log ADD COLUMN donor_id BIGINT, ADD COLUMN client_addr TEXT;
