-- Schema version 1 as the earlier runner (Go strings in db.go, ketanmu_version) applied it: frozen here so that the upgrade test starts from what released files hold.
CREATE TABLE ketanmu_devices (
	account   TEXT PRIMARY KEY,
	jid       TEXT NOT NULL,
	paired_at TEXT NOT NULL
);
CREATE TABLE ketanmu_inbox (
	id              INTEGER PRIMARY KEY,
	account         TEXT NOT NULL,
	wa_id           TEXT NOT NULL,
	chat            TEXT NOT NULL,
	inbound         TEXT NOT NULL,
	media           BLOB,
	source          TEXT NOT NULL DEFAULT '',
	attempts        INTEGER NOT NULL DEFAULT 0,
	media_retry     INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created_at      TEXT NOT NULL,
	UNIQUE (account, wa_id)
);
CREATE INDEX ketanmu_inbox_chat ON ketanmu_inbox (account, chat, id);
CREATE TABLE ketanmu_sent (
	account    TEXT NOT NULL,
	wa_id      TEXT NOT NULL,
	message    BLOB NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (account, wa_id)
);
