-- Issue 17 (Trends "all", long reports): the dose figures of each settled calendar month,
-- kept so that a chart of a century reads 1,200 rows instead of 72,000 doses. A row is what the slot matching
-- (in the program, not in SQL) made of the month: its planned slots taken, late, missed and
-- skipped, and the taken mg per local day. It is only ever a copy: any write that could change it removes it, and the
-- program makes it again from the entries when it is next needed.
--   drug, regimen: the doses' drug and the plan they were matched to (0: no plan);
--   month: YYYY-MM of the clock's local calendar;
--   key: what else the figures depend on (the slot window, when a dose is late, the month's
--        UTC offsets): a row
--        whose key differs from the program's is made again;
--   days: (day number, mg) pairs, little-endian i32 + f64;
--   far_from, far_to: the first and last time (UTC) of the doses logged far from the month that
--        name its slots: the row serves only windows that hold them all.
CREATE TABLE dose_months (
    drug    TEXT    NOT NULL,
    regimen INTEGER NOT NULL,
    month   TEXT    NOT NULL,
    key     TEXT    NOT NULL,
    taken   INTEGER NOT NULL CHECK (taken >= 0),
    late    INTEGER NOT NULL CHECK (late >= 0),
    missed  INTEGER NOT NULL CHECK (missed >= 0),
    skipped INTEGER NOT NULL CHECK (skipped >= 0),
    days    BLOB    NOT NULL,
    far_from TEXT,
    far_to   TEXT,
    PRIMARY KEY (drug, regimen, month)
) WITHOUT ROWID;

-- A dose written, changed, marked deleted or removed: the months around it and around the
-- slot it names (the matching looks three days around a month; five cover doses logged in
-- another UTC offset than the clock's).
CREATE TRIGGER dose_months_insert AFTER INSERT ON entries WHEN NEW.kind = 'dose'
BEGIN
    DELETE FROM dose_months WHERE drug = NEW.subject AND month IN (
        strftime('%Y-%m', substr(NEW.at, 1, 10), '-5 days'), substr(NEW.at, 1, 7), strftime('%Y-%m', substr(NEW.at, 1, 10), '+5 days'),
        strftime('%Y-%m', substr(NEW.details ->> '$.scheduled_for', 1, 10), '-5 days'), substr(substr(NEW.details ->> '$.scheduled_for', 1, 10), 1, 7), strftime('%Y-%m', substr(NEW.details ->> '$.scheduled_for', 1, 10), '+5 days'));
END;
CREATE TRIGGER dose_months_update AFTER UPDATE ON entries
    WHEN OLD.kind = 'dose' OR NEW.kind = 'dose'
BEGIN
    DELETE FROM dose_months WHERE (drug = OLD.subject AND month IN (
        strftime('%Y-%m', substr(OLD.at, 1, 10), '-5 days'), substr(OLD.at, 1, 7), strftime('%Y-%m', substr(OLD.at, 1, 10), '+5 days'),
        strftime('%Y-%m', substr(OLD.details ->> '$.scheduled_for', 1, 10), '-5 days'), substr(substr(OLD.details ->> '$.scheduled_for', 1, 10), 1, 7), strftime('%Y-%m', substr(OLD.details ->> '$.scheduled_for', 1, 10), '+5 days')))
      OR (drug = NEW.subject AND month IN (
        strftime('%Y-%m', substr(NEW.at, 1, 10), '-5 days'), substr(NEW.at, 1, 7), strftime('%Y-%m', substr(NEW.at, 1, 10), '+5 days'),
        strftime('%Y-%m', substr(NEW.details ->> '$.scheduled_for', 1, 10), '-5 days'), substr(substr(NEW.details ->> '$.scheduled_for', 1, 10), 1, 7), strftime('%Y-%m', substr(NEW.details ->> '$.scheduled_for', 1, 10), '+5 days')));
END;
CREATE TRIGGER dose_months_delete AFTER DELETE ON entries WHEN OLD.kind = 'dose'
BEGIN
    DELETE FROM dose_months WHERE drug = OLD.subject AND month IN (
        strftime('%Y-%m', substr(OLD.at, 1, 10), '-5 days'), substr(OLD.at, 1, 7), strftime('%Y-%m', substr(OLD.at, 1, 10), '+5 days'),
        strftime('%Y-%m', substr(OLD.details ->> '$.scheduled_for', 1, 10), '-5 days'), substr(substr(OLD.details ->> '$.scheduled_for', 1, 10), 1, 7), strftime('%Y-%m', substr(OLD.details ->> '$.scheduled_for', 1, 10), '+5 days'));
END;

-- A plan written, changed or removed: every month matched to it.
CREATE TRIGGER dose_months_step_insert AFTER INSERT ON regimen_steps
BEGIN
    DELETE FROM dose_months WHERE regimen = NEW.regimen_id;
END;
CREATE TRIGGER dose_months_step_update AFTER UPDATE ON regimen_steps
BEGIN
    DELETE FROM dose_months WHERE regimen IN (OLD.regimen_id, NEW.regimen_id);
END;
CREATE TRIGGER dose_months_step_delete AFTER DELETE ON regimen_steps
BEGIN
    DELETE FROM dose_months WHERE regimen = OLD.regimen_id;
END;
CREATE TRIGGER dose_months_regimen_insert AFTER INSERT ON regimens
BEGIN
    DELETE FROM dose_months WHERE regimen = NEW.id;
END;
CREATE TRIGGER dose_months_regimen_update AFTER UPDATE ON regimens
BEGIN
    DELETE FROM dose_months WHERE regimen IN (OLD.id, NEW.id);
END;
CREATE TRIGGER dose_months_regimen_delete AFTER DELETE ON regimens
BEGIN
    DELETE FROM dose_months WHERE regimen = OLD.id;
END;

-- The diastolic pressure of each live reading beside its time: a long blood-pressure chart
-- reads the index, not the rows (11 → 3.6 ms for a century of readings, cold).
CREATE INDEX entries_live_diastolic ON entries (kind, at_utc, at, details ->> '$.diastolic')
    WHERE deleted_at IS NULL AND kind = 'bp';

-- The slot each live dose names: a month's matching finds the doses that answer its slots
-- from far away (logged days later, or moved) without reading every dose.
CREATE INDEX entries_live_named ON entries (kind, subject, details ->> '$.scheduled_for')
    WHERE deleted_at IS NULL AND kind = 'dose';
