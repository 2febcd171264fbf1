-- What `itp-diary export --format csv` writes, as sqlite3 -csv would dump it.
SELECT id, uid, kind, at, subject, value, unit, entered_value, entered_unit, note, deleted_at, details, source FROM entries WHERE deleted_at IS NULL ORDER BY at_utc, id;
