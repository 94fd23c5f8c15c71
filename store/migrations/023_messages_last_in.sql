-- messages_last_in (account, chat, at) for residents' messages was a third index entry at the
-- chat's place for every message a resident sent (a page of its own in most commits). The
-- replies that answer a resident no longer ask when they last wrote (they just did), so it
-- served only notifications, the send-time recheck and the missed-chats list after a logout.
-- Those now take the chat's latest resident message by arrival, walking messages_chat
-- (account, chat, id) back from its end: a few entries in a chat that talks, where MAX(at) over
-- the index took one seek. It is dropped.
DROP INDEX IF EXISTS messages_last_in;
