-- Survei Kepuasan Masyarakat (PermenPANRB 14/2017): one row per invitation, with the answers to
-- the nine elements (0: not answered) and the optional suggestion. case_id and resident_id are
-- there only so that a case is surveyed once and a resident at most once per skm.min_interval:
-- the reports never read them, and the retention purge unlinks them with the case's personal
-- data and erases the suggestion like a message.
CREATE TABLE skm_responses (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER UNIQUE REFERENCES cases (id),
    resident_id INTEGER REFERENCES residents (id),
    account     TEXT NOT NULL,
    service     TEXT NOT NULL,
    invited_at  TEXT NOT NULL,
    answered_at TEXT NOT NULL DEFAULT '',
    u1 INTEGER NOT NULL DEFAULT 0 CHECK (u1 BETWEEN 0 AND 4),
    u2 INTEGER NOT NULL DEFAULT 0 CHECK (u2 BETWEEN 0 AND 4),
    u3 INTEGER NOT NULL DEFAULT 0 CHECK (u3 BETWEEN 0 AND 4),
    u4 INTEGER NOT NULL DEFAULT 0 CHECK (u4 BETWEEN 0 AND 4),
    u5 INTEGER NOT NULL DEFAULT 0 CHECK (u5 BETWEEN 0 AND 4),
    u6 INTEGER NOT NULL DEFAULT 0 CHECK (u6 BETWEEN 0 AND 4),
    u7 INTEGER NOT NULL DEFAULT 0 CHECK (u7 BETWEEN 0 AND 4),
    u8 INTEGER NOT NULL DEFAULT 0 CHECK (u8 BETWEEN 0 AND 4),
    u9 INTEGER NOT NULL DEFAULT 0 CHECK (u9 BETWEEN 0 AND 4),
    suggestion  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX skm_responses_resident ON skm_responses (resident_id, invited_at);
CREATE INDEX skm_responses_invited ON skm_responses (invited_at);
