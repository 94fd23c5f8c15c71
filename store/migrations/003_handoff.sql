-- An operator typing on the office phone has the chat: the bot stays silent there.
ALTER TABLE conversations ADD COLUMN human_by TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN human_at TEXT NOT NULL DEFAULT '';

-- When the current stage began and its deadline; remaining working time while paused.
ALTER TABLE cases ADD COLUMN stage_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN stage_due_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN paused_ms INTEGER NOT NULL DEFAULT 0;

-- Messages the bot posted about a case (the card and its photos), so that an operator can
-- quote one to act on the case.
CREATE TABLE case_cards (
    account TEXT NOT NULL,
    wa_id   TEXT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (account, wa_id)
);

-- Private notes of operators.
CREATE TABLE case_notes (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    actor   TEXT NOT NULL,
    text    TEXT NOT NULL,
    at      TEXT NOT NULL
);

-- Who read which document through the API (personal data access log).
CREATE TABLE document_access (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    document_id INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
