-- What the History screen needs: the count and the first page (newest first), plus a margin.
SELECT count(*) FROM entries WHERE deleted_at IS NULL;
SELECT id, uid, kind, at, note, details, deleted_at, source FROM entries WHERE deleted_at IS NULL ORDER BY at_utc DESC, id DESC LIMIT 100;
