-- The operators' workspace: server-side sessions (only the SHA-256 of the cookie is kept) and
-- failed logins, counted to slow down password guessing.
CREATE TABLE ops_sessions (
    token_hash  TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    csrf        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    seen_at     TEXT NOT NULL
);
CREATE INDEX ops_sessions_operator ON ops_sessions (operator_id);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);

CREATE INDEX audit_log_at ON audit_log (at);
