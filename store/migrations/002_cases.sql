-- Cases: one application, validation request or complaint, with its registration number.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY,
    number      TEXT NOT NULL UNIQUE,
    account     TEXT NOT NULL,
    chat        TEXT NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES residents (id),
    service     TEXT NOT NULL,
    subtype     TEXT NOT NULL DEFAULT '',
    stage       TEXT NOT NULL DEFAULT 'submitted',
    nik         TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}',
    assignee    TEXT NOT NULL DEFAULT '',
    due_at      TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    closed_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_resident ON cases (resident_id, id);
CREATE INDEX cases_queue ON cases (service, stage, id);

-- The photos of a case, pointing at the encrypted media rows.
CREATE TABLE case_documents (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    doc_key    TEXT NOT NULL,
    media_id   INTEGER NOT NULL REFERENCES media (id),
    created_at TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- Every stage change, with who did it and why.
CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    from_stage TEXT NOT NULL DEFAULT '',
    to_stage   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    tracking   TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, id);

-- One daily counter per registration-number prefix.
CREATE TABLE counters (
    prefix TEXT NOT NULL,
    day    TEXT NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (prefix, day)
);

-- A resident asked for a person ("petugas").
ALTER TABLE conversations ADD COLUMN needs_human_at TEXT NOT NULL DEFAULT '';
