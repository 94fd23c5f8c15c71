-- Migration 014 rebuilt the outbox table, and dropping the old table dropped 011's partial
-- indexes with it: since then each pass of the outbox sorted the account's whole backlog to read
-- its oldest rows. The index that walks them in order is made again, as 011 had it.
CREATE INDEX IF NOT EXISTS outbox_pending_order ON outbox (account, id) WHERE status = 'pending';
