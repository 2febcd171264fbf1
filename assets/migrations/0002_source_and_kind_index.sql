-- Version 2: where each entry came from (typed by the patient, imported from a file or a
-- backup, or invented by the demo), shown in exports so a clinician can tell them apart; and
-- an index for "entries of a kind since a time" (the reminders read recent doses and labs of a
-- 20-year diary without scanning every dose).
ALTER TABLE entries ADD COLUMN source TEXT NOT NULL DEFAULT 'typed'
    CHECK (source IN ('typed', 'import', 'demo'));
CREATE INDEX entries_by_kind_time ON entries (kind, at_utc);
