-- A conversation's messages leave in the order they were queued: a claim passes over a message while an earlier one of
-- its conversation waits for a retry, and the last re-check holds it back the same way. Both look for earlier rows of
-- the conversation; with the id in the index they read just those (SQLite's index already ended with the row id).
DROP INDEX outbox_by_conversation;
CREATE INDEX outbox_by_conversation ON outbox (conversation_id, id);
