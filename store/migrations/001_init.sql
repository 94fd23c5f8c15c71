-- Residents are keyed by phone number; the WhatsApp LID is kept as an alias so that the same
-- person is one resident however WhatsApp addresses them.
CREATE TABLE residents (
    id         INTEGER PRIMARY KEY,
    phone      TEXT UNIQUE,
    lid        TEXT UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (phone IS NOT NULL OR lid IS NOT NULL)
);

-- One conversation per account and chat; state is the flow's JSON.
CREATE TABLE conversations (
    account     TEXT NOT NULL,
    chat        TEXT NOT NULL,
    resident_id INTEGER REFERENCES residents (id),
    address     TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT '{}',
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, chat)
);

-- Photos and files, encrypted with AES-256-GCM (nonce || ciphertext).
CREATE TABLE media (
    id         INTEGER PRIMARY KEY,
    sha256     TEXT NOT NULL,
    mime       TEXT NOT NULL,
    filename   TEXT NOT NULL DEFAULT '',
    size       INTEGER NOT NULL,
    data       BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Every message in and out. wa_id is WhatsApp's message ID (ours for outbound).
CREATE TABLE messages (
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
    UNIQUE (account, wa_id)
);
CREATE INDEX messages_chat ON messages (account, chat, id);

-- Replies waiting to be sent. The worker sends the oldest pending row of each chat first and
-- reuses wa_id on every try.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    account         TEXT NOT NULL,
    chat            TEXT NOT NULL,
    address         TEXT NOT NULL DEFAULT '',
    wa_id           TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    media_id        INTEGER REFERENCES media (id),
    quote           TEXT NOT NULL DEFAULT '',
    revoke          TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (account, wa_id)
);
CREATE INDEX outbox_pending ON outbox (account, status, chat, id);
