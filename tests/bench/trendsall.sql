-- What Trends "all" needs at least: per chart column (500 across the window) the lowest,
-- highest and last value of each series.
WITH w AS (SELECT julianday(min(at_utc)) AS t0, (julianday('2026-03-10T06:30:00Z') - julianday(min(at_utc))) / 500.0 AS width FROM entries WHERE deleted_at IS NULL)
SELECT kind, subject, CAST((julianday(at_utc) - w.t0) / w.width AS INTEGER) AS col, min(value), max(value), count(*)
FROM entries, w WHERE deleted_at IS NULL GROUP BY kind, subject, col;
