-- Migration 014 rebuilt the outbox table, and dropping the old table dropped the two partial
-- indexes of 011 with it: since then the outbox's pass sorted the account's whole backlog to read
-- its oldest rows, and "is anything pending in this lane" walked every pending row. They are
-- made again, as 011 had them.
CREATE INDEX IF NOT EXISTS outbox_pending_lane ON outbox (account, lane) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS outbox_pending_order ON outbox (account, id) WHERE status = 'pending';
