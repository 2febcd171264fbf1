-- What Trends (3 months) needs: every entry of the window.
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL AND at_utc >= '2025-12-09T06:30:00Z' AND at_utc < '2026-03-10T06:30:00Z' ORDER BY at_utc, id;
