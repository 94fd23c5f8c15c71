-- When a resident last wrote (the proactive rule, asked for every message queued to a resident):
-- one index seek instead of a walk over the chat's whole transcript. Partial, so only the
-- residents' own messages pay for it.
CREATE INDEX messages_last_in ON messages (account, chat, at) WHERE direction = 'in' AND from_me = 0;

-- Whether a lane of an account has anything pending: the outbox asks before it reads the
-- backlog, so that a pass no lane could send from costs one index seek per lane.
CREATE INDEX outbox_pending_lane ON outbox (account, lane) WHERE status = 'pending';

-- An account's pending messages in order (the outbox's pass): walked, not sorted, so a pass
-- over a long backlog stops after the rows it reads.
CREATE INDEX outbox_pending_order ON outbox (account, id) WHERE status = 'pending';
