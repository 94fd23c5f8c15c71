-- WhatsApp message IDs are unique per sender, not per number: duplicate detection is per chat
-- (account, chat, message ID). SQLite cannot change a table's UNIQUE constraint, so the table
-- is rebuilt; nothing references messages.
CREATE TABLE messages_new (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    chat        TEXT NOT NULL,
    wa_id       TEXT NOT NULL,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    from_me     INTEGER NOT NULL DEFAULT 0,
    sender      TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL DEFAULT '',
    unsupported TEXT NOT NULL DEFAULT '',
    media_id    INTEGER REFERENCES media (id),
    quote       TEXT NOT NULL DEFAULT '',
    revoked     INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL,
    UNIQUE (account, chat, wa_id)
);
INSERT INTO messages_new (id, account, chat, wa_id, direction, from_me, sender, kind, text, unsupported, media_id, quote, revoked, at)
    SELECT id, account, chat, wa_id, direction, from_me, sender, kind, text, unsupported, media_id, quote, revoked, at FROM messages;
DROP TABLE messages;
ALTER TABLE messages_new RENAME TO messages;
CREATE INDEX messages_chat ON messages (account, chat, id);
