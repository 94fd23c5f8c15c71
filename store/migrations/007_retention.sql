-- When the retention purge erased a closed case's personal data ('' while it holds them).
ALTER TABLE cases ADD COLUMN erased_at TEXT NOT NULL DEFAULT '';
-- The purge looks up a chat's cases for every old message.
CREATE INDEX cases_chat ON cases (account, chat);
