-- Staff manage their own passwords: an account an admin created (with a first password handed
-- over in person) or whose reset an admin forced must choose a new password before anything
-- else; the flag clears when they do.
ALTER TABLE staff ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
