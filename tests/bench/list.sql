-- What `itp-diary list --format json` writes, as sqlite3 -json would dump it.
SELECT id, uid, kind, at, subject, value, unit, entered_value, entered_unit, note, details, source FROM entries WHERE deleted_at IS NULL ORDER BY at_utc DESC, id DESC;
