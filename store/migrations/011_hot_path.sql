-- When a resident last wrote (the proactive rule, asked for every message queued to a resident):
-- one index seek instead of a walk over the chat's whole transcript. Partial, so only the
-- residents' own messages pay for it.
CREATE INDEX messages_last_in ON messages (account, chat, at) WHERE direction = 'in' AND from_me = 0;
