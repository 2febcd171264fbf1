-- Issue 17 (Trends "all"): each live lab result's value beside the previous dose it names,
-- so that the drug levels of a long chart (value and whether it was drawn as a trough) are
-- read from the index, not from a table row each (a century of levels: 4.5 → 0.5 ms).
CREATE INDEX entries_live_levels
    ON entries (kind, subject, at_utc, at, value, details ->> '$.last_dose_at')
    WHERE deleted_at IS NULL AND kind = 'lab';
