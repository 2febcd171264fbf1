-- itp-diary schema, version 1. Never edit a shipped migration: add a new file.
--
-- One timeline table for every kind of entry. The kind's own fields live in `details` (JSON,
-- the domain payload, which is what the program reads back); `subject`, `value`, `unit` and
-- `entered_*` are copies of the payload's main fields, written in the same statement, so that
-- the diary can be filtered, sorted and inspected with plain SQL.

CREATE TABLE entries (
    id            INTEGER PRIMARY KEY,
    -- stable identity across copies of the diary (imports merge on it)
    uid           TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    kind          TEXT    NOT NULL CHECK (kind IN
                    ('platelets','dose','lab','weight','bp','bleeding','side_effect','event')),
    -- local wall-clock time with its UTC offset, RFC 3339, as the patient lived it
    at            TEXT    NOT NULL,
    -- the same instant in UTC (YYYY-MM-DDTHH:MM:SSZ): sorts and range queries
    at_utc        TEXT    NOT NULL,
    -- analyte, drug, bleeding site, side effect or event code
    subject       TEXT,
    -- the main value in the canonical unit, and that unit
    value         REAL,
    unit          TEXT,
    -- the value and unit as typed
    entered_value REAL,
    entered_unit  TEXT,
    note          TEXT,
    details       TEXT    NOT NULL CHECK (json_valid(details)),
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    -- a delete is a mark, never a loss
    deleted_at    TEXT
);
CREATE INDEX entries_by_time ON entries (at_utc, id);
CREATE INDEX entries_by_kind ON entries (kind, subject, at_utc);

-- Every edit, delete and undelete keeps the previous version of the row.
CREATE TABLE entry_revisions (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES entries (id),
    action     TEXT    NOT NULL CHECK (action IN ('edit', 'delete', 'undelete', 'import')),
    previous   TEXT    NOT NULL CHECK (json_valid(previous)),
    changed_at TEXT    NOT NULL
);
CREATE INDEX entry_revisions_by_entry ON entry_revisions (entry_id);

-- A treatment plan for one drug. Its doses live in regimen_steps: a change is a new step,
-- never an overwrite, so the history of the course is kept.
CREATE TABLE regimens (
    id              INTEGER PRIMARY KEY,
    uid             TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    drug            TEXT    NOT NULL,
    route           TEXT    NOT NULL,
    start_date      TEXT    NOT NULL,          -- YYYY-MM-DD
    stop_date       TEXT,                      -- YYYY-MM-DD
    -- drug-level target set by the care team (ng/mL); NULL = the app default
    target_low      REAL,
    target_high     REAL,
    -- induction length for this course; NULL = the setting (course.induction_weeks)
    induction_weeks INTEGER CHECK (induction_weeks BETWEEN 1 AND 52),
    note            TEXT,
    created_at      TEXT    NOT NULL,
    deleted_at      TEXT
);

CREATE TABLE regimen_steps (
    id             INTEGER PRIMARY KEY,
    regimen_id     INTEGER NOT NULL REFERENCES regimens (id),
    effective_from TEXT    NOT NULL,           -- YYYY-MM-DD
    kind           TEXT    NOT NULL CHECK (kind IN
                     ('start', 'change', 'taper', 'increase', 'formulation', 'maintenance')),
    -- [{"time":"08:00","amount":150.0}, …] in `unit`
    slots          TEXT    NOT NULL CHECK (json_valid(slots)),
    unit           TEXT    NOT NULL DEFAULT 'mg',
    every_days     INTEGER NOT NULL DEFAULT 1 CHECK (every_days >= 1),
    formulation    TEXT,
    note           TEXT,
    created_at     TEXT    NOT NULL
);
CREATE INDEX regimen_steps_by_regimen ON regimen_steps (regimen_id, effective_from);

-- The patient, one row. Nothing here is required; exports leave out what is absent.
CREATE TABLE profile (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    name         TEXT,
    diagnosed_on TEXT,                         -- YYYY-MM-DD
    birth_year   INTEGER,
    sex          TEXT,
    height_cm    REAL,
    updated_at   TEXT    NOT NULL
);

-- The patient's own questions for the next clinic visit.
CREATE TABLE visit_questions (
    id          INTEGER PRIMARY KEY,
    uid         TEXT    NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    text        TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    answered_at TEXT,
    deleted_at  TEXT
);

-- Small bookkeeping (e.g. the date of the last automatic backup).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
