-- Schema version 3 as the earlier runner (Go strings in db.go, ketanmu_version) applied it: frozen here so that the upgrade test starts from what released files hold.
CREATE TABLE ketanmu_failures (
	account    TEXT NOT NULL,
	chat       TEXT NOT NULL,
	wa_id      TEXT NOT NULL,
	sent_at    TEXT NOT NULL,
	count      INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	gave_up_at TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (account, chat, wa_id)
);
CREATE TABLE ketanmu_link (
	account       TEXT PRIMARY KEY,
	phone_seen_at TEXT NOT NULL DEFAULT '',
	pinged_at     TEXT NOT NULL DEFAULT '',
	warned_at     TEXT NOT NULL DEFAULT '',
	outage        TEXT NOT NULL DEFAULT '',
	outage_since  TEXT NOT NULL DEFAULT '',
	outage_ended  TEXT NOT NULL DEFAULT ''
);
