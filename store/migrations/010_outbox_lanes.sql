-- Outbox lanes: each queued message waits in one lane (revoke, reply, notification, operators,
-- bulk) with its own budget. Rows queued before lanes existed are resident notifications at
-- worst, so that is their lane.
ALTER TABLE outbox ADD COLUMN lane TEXT NOT NULL DEFAULT 'notification';
-- 1: to a resident who had not written within outbound.proactive.window when it was queued.
ALTER TABLE outbox ADD COLUMN proactive INTEGER NOT NULL DEFAULT 0;

-- A lane whose oldest message waited too long, told to the supervisors once: the row stays
-- until the lane is back to normal, so a restart does not tell them again.
CREATE TABLE outbox_alerts (
    account   TEXT NOT NULL,
    lane      TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    PRIMARY KEY (account, lane)
);
