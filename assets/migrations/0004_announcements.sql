-- Version 4 (numbered 0004: 0003 is another change merged beside it): what `remind --notify`
-- announced as a desktop notification, so each open item (a rule at a due time) is announced
-- once, and again only when its severity rises. Rows of items no longer open are deleted.
CREATE TABLE announcements (
    -- rule@due-time (RFC 3339), or the rule alone for an item without a due time
    key           TEXT    PRIMARY KEY,
    severity      TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'urgent')),
    -- when it was announced, RFC 3339 with the local offset
    announced_at  TEXT    NOT NULL
);
