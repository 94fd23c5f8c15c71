-- outbox_pending (account, status, chat, id) held every row the outbox ever had, sent or not,
-- and no query reads it any more: the outbox's passes walk outbox_pending_order, and a chat's
-- messages are found by (account, wa_id). Each queued message still paid for it (an entry at
-- its chat's place, a page of its own in the commit) and each one sent paid again (moved from
-- 'pending' to 'sent'). It is dropped.
DROP INDEX IF EXISTS outbox_pending;
-- Which lanes have something pending: one index seek per lane present (PendingLanes), where
-- walking the pending rows took as long as the backlog (40,000 rows: 7-14 ms a pass). Partial,
-- so only pending messages pay for it, at the end of their lane's entries.
CREATE INDEX IF NOT EXISTS outbox_pending_lane ON outbox (account, lane) WHERE status = 'pending';
