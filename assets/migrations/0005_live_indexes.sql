-- Issue 17 (daily paths): partial indexes of the live entries, so that what a long history
-- is read for every day never touches the table rows: the counts of a long course and the
-- chart series (kind, subject, time, local time and value, all in the index), and History's
-- count and pages (time and id).
CREATE INDEX entries_live_series ON entries (kind, subject, at_utc, at, value)
    WHERE deleted_at IS NULL;
CREATE INDEX entries_live_time ON entries (at_utc, id) WHERE deleted_at IS NULL;
