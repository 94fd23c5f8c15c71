-- Schema version 2 as the earlier runner (Go strings in db.go, ketanmu_version) applied it: frozen here so that the upgrade test starts from what released files hold.
CREATE TABLE ketanmu_inbox_new (
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
	UNIQUE (account, chat, wa_id)
);
INSERT INTO ketanmu_inbox_new SELECT id, account, wa_id, chat, inbound, media, source, attempts, media_retry,
	next_attempt_at, last_error, created_at FROM ketanmu_inbox;
DROP TABLE ketanmu_inbox;
ALTER TABLE ketanmu_inbox_new RENAME TO ketanmu_inbox;
CREATE INDEX ketanmu_inbox_chat ON ketanmu_inbox (account, chat, id);
