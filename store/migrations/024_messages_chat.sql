-- messages_chat (account, chat, id) put every message at its chat's place in a second index,
-- beside the unique (account, chat, wa_id) one: two pages at the chat's place written by
-- nearly every message (most commits hold several chats), for queries that the unique index
-- answers as well. A chat's transcript, its latest resident message (notifications, the
-- send-time recheck, the chat requests list) and the hop from chat to chat of the missed-chats
-- list now seek the chat in the unique index and order its rows by id: a chat's messages, a
-- few hundred in a resident's year, instead of one seek from its end.
DROP INDEX IF EXISTS messages_chat;
