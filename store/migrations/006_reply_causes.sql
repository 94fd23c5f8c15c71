-- Which inbound message caused each reply to a resident, so that the outbox can drop a reply
-- when an operator wrote in that chat after its cause (a backlog replayed after downtime).
CREATE TABLE reply_causes (
    account TEXT NOT NULL,
    reply   TEXT NOT NULL, -- outbox wa_id
    cause   TEXT NOT NULL, -- messages wa_id of the inbound message
    PRIMARY KEY (account, reply)
);
