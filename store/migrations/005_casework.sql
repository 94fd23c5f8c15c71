-- The case service: operators as data, their API tokens, one audit log, and case columns that
-- let queries ask "open" and "clock stopped" without naming stages.

-- A case's clock is stopped while it waits on the resident (lifecycle.PausesClock).
ALTER TABLE cases ADD COLUMN clock_paused INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET clock_paused = 1 WHERE stage = 'needs_fix';

-- Open cases are those without closed_at; the queue filters and searches use these indexes.
DROP INDEX IF EXISTS cases_open;
CREATE INDEX cases_open ON cases (id) WHERE closed_at = '';
CREATE INDEX cases_stage ON cases (stage, id);
CREATE INDEX cases_assignee ON cases (assignee, id);
CREATE INDEX cases_nik ON cases (nik);
CREATE INDEX cases_by_chat ON cases (chat, id);
CREATE INDEX cases_account ON cases (account, id);

-- Staff. Seeded from the config's operators at start-up (by name); passwords and tokens are
-- kept only here, hashed.
CREATE TABLE operators (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    phone         TEXT UNIQUE,
    roles         TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Personal API tokens: only the SHA-256 of the token is stored.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    operator_id  INTEGER NOT NULL REFERENCES operators (id),
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);

-- Who did what to which case: every operator action and every document read.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    case_id     INTEGER REFERENCES cases (id),
    document_id INTEGER,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_case ON audit_log (case_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
INSERT INTO audit_log (at, actor, action, case_id, document_id)
    SELECT at, actor, 'view_document', case_id, document_id FROM document_access ORDER BY id;
DROP TABLE document_access;
