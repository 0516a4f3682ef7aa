-- Which dispatcher holds a claim. A dispatcher keeps a conversation's messages in order in its own lanes, so it may
-- claim a message while an earlier one of the conversation is in flight there; not while one is in flight at another
-- node, or at a process that died with its claim (null: a claim made before this column existed).
ALTER TABLE outbox ADD COLUMN claimed_by {bigint};
