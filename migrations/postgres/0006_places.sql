-- Places are managed by admins: opening hours and a note for donors, and archiving. A place
-- that has cells is never deleted (cells reference it), only archived: it then takes no new
-- cells, and its old cells keep their name and address.
ALTER TABLE places ADD COLUMN hours TEXT NOT NULL DEFAULT '';
ALTER TABLE places ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE places ADD COLUMN archived_at TIMESTAMPTZ;
