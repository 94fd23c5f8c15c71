-- SLA reminders already sent. A row is written in the same transaction that queues the
-- reminder, and the UNIQUE key makes a second scan (after a restart, or overlapping the first)
-- skip it. stage and stage_at name the stage entry the reminder is about, so that a case that
-- comes back to a stage is reminded again; once-per-case reminders have stage = ''.
-- level: 0 for the first notice of a kind, 1… for the repeats of a breach notice.
CREATE TABLE reminders (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    kind     TEXT NOT NULL,
    stage    TEXT NOT NULL,
    stage_at TEXT NOT NULL,
    level    INTEGER NOT NULL DEFAULT 0,
    sent_at  TEXT NOT NULL,
    UNIQUE (case_id, kind, stage, stage_at, level)
);

-- Morning digests sent, one per operators' chat and scheduled time.
CREATE TABLE digests (
    account TEXT NOT NULL,
    due_at  TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (account, due_at)
);

-- The scan reads open cases every minute: keep it off the closed ones.
CREATE INDEX cases_open ON cases (id) WHERE stage NOT IN ('done', 'rejected');
