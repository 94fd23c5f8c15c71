-- A queued message older than its lane's max_age is never sent: status 'expired'. SQLite cannot
-- change a CHECK constraint in place, so the outbox is rebuilt with the columns it has after 010.
-- expired_at is when it expired; told is 1 once the operators of its chat's case got it in a
-- "to call back" summary.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    account         TEXT NOT NULL,
    chat            TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    wa_id           TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    media_id        INTEGER REFERENCES media (id),
    quote           TEXT NOT NULL DEFAULT '',
    revoke          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    lane            TEXT NOT NULL DEFAULT 'notification',
    proactive       INTEGER NOT NULL DEFAULT 0,
    expired_at      TEXT NOT NULL DEFAULT '',
    told            INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, wa_id)
);
INSERT INTO outbox_new (id, account, chat, address, wa_id, text, media_id, quote, revoke, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, lane, proactive)
SELECT id, account, chat, address, wa_id, text, media_id, quote, revoke, status, attempts,
    next_attempt_at, last_error, created_at, sent_at, lane, proactive FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (account, status, chat, id);
CREATE INDEX outbox_expired ON outbox (told, status) WHERE status = 'expired' AND told = 0;
