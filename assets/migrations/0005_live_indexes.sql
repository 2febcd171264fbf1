-- Issue 17 (daily paths): a partial index of the live entries holding kind, subject, time,
-- local time and value, so that what a long history is read for every day never touches the
-- table rows: the platelet counts of a long course and the lab and blood-pressure series of a
-- long chart.
CREATE INDEX entries_live_series ON entries (kind, subject, at_utc, at, value)
    WHERE deleted_at IS NULL;

-- The number of live entries, kept by triggers on every insert, delete mark and removal:
-- History's count of the whole diary is one row, not a pass over every entry.
INSERT INTO meta (key, value)
    SELECT 'live_entries', count(*) FROM entries WHERE deleted_at IS NULL
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
CREATE TRIGGER entries_live_insert AFTER INSERT ON entries WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'live_entries';
END;
CREATE TRIGGER entries_live_delete AFTER DELETE ON entries WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) - 1 WHERE key = 'live_entries';
END;
CREATE TRIGGER entries_live_mark AFTER UPDATE OF deleted_at ON entries
    WHEN (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
BEGIN
    UPDATE meta SET value = CAST(value AS INTEGER) + (CASE WHEN NEW.deleted_at IS NULL THEN 1 ELSE -1 END)
        WHERE key = 'live_entries';
END;
