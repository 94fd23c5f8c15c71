-- Chats that need a person, as the workspace lists them (/ops/chats): a resident asked for a
-- person, the bot could not place their messages, or a person took the chat. One open row per
-- chat at most; answered_at is the first response (the SLA of handoff.first_response, due_at),
-- closed_at when an operator marked it handled or handed the chat back to the bot.
CREATE TABLE chat_requests (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    chat        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    -- The service the resident was in (a complaint is for its officers only); '' for none.
    service     TEXT NOT NULL DEFAULT '',
    opened_at   TEXT NOT NULL,
    due_at      TEXT NOT NULL DEFAULT '',
    answered_at TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL DEFAULT '',
    closed_at   TEXT NOT NULL DEFAULT '',
    closed_by   TEXT NOT NULL DEFAULT '',
    -- The SLA reminders sent (warning, breach), once each.
    warned_at   TEXT NOT NULL DEFAULT '',
    breached_at TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX chat_requests_one_open ON chat_requests (account, chat) WHERE closed_at = '';
CREATE INDEX chat_requests_closed ON chat_requests (closed_at, id);

-- A case back from a fix: the resident answered what was asked (the queue and the case page
-- mark it "Perbaikan masuk" until its next stage change).
ALTER TABLE cases ADD COLUMN fix_returned_at TEXT NOT NULL DEFAULT '';

-- Thumbnails of documents, made once from the original and encrypted like it: the case page
-- shows them instead of the full photos. Erased with the original's data by the retention purge.
CREATE TABLE media_thumbs (
    media_id   INTEGER PRIMARY KEY REFERENCES media (id),
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Who has a case's page open (the workspace's "also open" notice). A row's id is new when a
-- person arrives, so the ChangeMark tells the others; rows older than an hour are dropped.
CREATE TABLE case_viewers (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    actor   TEXT NOT NULL,
    seen_at TEXT NOT NULL
);
CREATE INDEX case_viewers_case ON case_viewers (case_id, actor);
