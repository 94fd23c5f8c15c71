-- Messages the handler failed on, counted per message; at whatsapp.redelivery_limit
-- the message is given up (gave_up_at), kept here with its error and acknowledged. And per
-- account what the link watch remembers: the office phone's last sign of life, the ping and
-- the warning sent about it, and the outage (logged out, banned) under way.
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
