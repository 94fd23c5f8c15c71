-- The transport's own bookkeeping in whatsmeow's database file, beside the device keys it only
-- makes sense with: which device belongs to which account, messages acknowledged to WhatsApp but
-- not yet handed to the router (the inbox), and uploaded media of sent messages.
CREATE TABLE ketanmu_devices (
	account   TEXT PRIMARY KEY,
	jid       TEXT NOT NULL,
	paired_at TEXT NOT NULL
);
-- Messages persisted before being acknowledged, waiting for a media download or for an
-- earlier message of the same chat. inbound is the router's message as JSON, media the
-- protobuf part needed to download the file, source the WhatsApp addressing (JSON) that a
-- media retry request names.
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
-- The exact message sent under an outbox ID when it carried an upload, so that retries and
-- retry receipts reuse the upload instead of sending a different file.
CREATE TABLE ketanmu_sent (
	account    TEXT NOT NULL,
	wa_id      TEXT NOT NULL,
	message    BLOB NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (account, wa_id)
);
