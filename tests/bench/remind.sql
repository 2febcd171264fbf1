-- The queries `itp-diary remind` / `status` run (service::load_facts), for the same "now"
-- (2026-03-10T06:30:00Z): sqlite3 running these is the baseline of the comparison.
SELECT id, uid, drug, route, start_date, stop_date, target_low, target_high, induction_weeks, note FROM regimens WHERE deleted_at IS NULL ORDER BY start_date, id;
SELECT id, effective_from, kind, slots, unit, every_days, formulation, note FROM regimen_steps WHERE regimen_id = 1 ORDER BY effective_from, id;
SELECT name, diagnosed_on, birth_year, sex, height_cm FROM profile WHERE id = 1;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'platelets' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'lab' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'weight' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'bp' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'bleeding' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'event' AND at_utc >= '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'dose' AND at_utc >= '2026-02-06T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'platelets' AND at_utc >= (SELECT date(start_date, '-90 days') FROM regimens ORDER BY start_date DESC LIMIT 1) AND at_utc < '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'bleeding' AND at_utc >= (SELECT date(start_date, '-90 days') FROM regimens ORDER BY start_date DESC LIMIT 1) AND at_utc < '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'lab' AND subject = 'creatinine' AND at_utc >= (SELECT date(start_date, '-90 days') FROM regimens ORDER BY start_date DESC LIMIT 1) AND at_utc < '2025-02-03T06:30:00Z' ORDER BY at_utc ASC, id ASC;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'platelets' AND at_utc < (SELECT date(start_date, '-90 days') FROM regimens ORDER BY start_date DESC LIMIT 1) ORDER BY at_utc DESC, id DESC LIMIT 1;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND kind = 'weight' ORDER BY at_utc DESC, id DESC LIMIT 1;
