-- Version 3: data safety.
--
-- * `entries.revision` counts the changes of a row: every update and delete states the
--   revision it read and is refused when the row moved since (no lost updates).
-- * `AUTOINCREMENT`: an id is never given twice, even after the newest entry is gone (a
--   restored or damaged diary), so an edit aimed at an old id cannot land on a new entry.
-- * `PRAGMA application_id` marks the file as an itp-diary diary ('ITPD').
-- SQLite cannot add AUTOINCREMENT to a table in place: the table is rebuilt, rows and ids kept
-- (foreign keys are switched off around the migration by the program, as SQLite advises).

CREATE TABLE entries_v3 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    kind          TEXT    NOT NULL CHECK (kind IN
                    ('platelets','dose','lab','weight','bp','bleeding','side_effect','event')),
    at            TEXT    NOT NULL,
    at_utc        TEXT    NOT NULL,
    subject       TEXT,
    value         REAL,
    unit          TEXT,
    entered_value REAL,
    entered_unit  TEXT,
    note          TEXT,
    details       TEXT    NOT NULL CHECK (json_valid(details)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    deleted_at    TEXT,
    source        TEXT    NOT NULL DEFAULT 'typed'
                    CHECK (source IN ('typed', 'import', 'demo')),
    revision      INTEGER NOT NULL DEFAULT 0
);
INSERT INTO entries_v3 (id, uid, kind, at, at_utc, subject, value, unit, entered_value,
                        entered_unit, note, details, created_at, updated_at, deleted_at, source)
    SELECT id, uid, kind, at, at_utc, subject, value, unit, entered_value,
           entered_unit, note, details, created_at, updated_at, deleted_at, source
    FROM entries;
DROP TABLE entries;
ALTER TABLE entries_v3 RENAME TO entries;
CREATE INDEX entries_by_time ON entries (at_utc, id);
CREATE INDEX entries_by_kind ON entries (kind, subject, at_utc);
CREATE INDEX entries_by_kind_time ON entries (kind, at_utc);
-- The highest id ever given also survives in meta (compared on open: a diary whose newest
-- rows vanished, e.g. a damaged write-ahead log, is reported).
INSERT INTO meta (key, value) SELECT 'max_entry_id', coalesce(max(id), 0) FROM entries
    WHERE true ON CONFLICT (key) DO NOTHING;
PRAGMA application_id = 1230262340;
