-- Status callbacks look up the messages Optline sent by the carrier's id; inbound ids are deduplicated by
-- processed_inbound. Indexing only the sent ones spares every inbound message an insert into a random page.
DROP INDEX messages_by_provider_id;
CREATE INDEX messages_sent_by_provider_id ON messages (provider_message_id) WHERE direction = 1 AND provider_message_id IS NOT NULL;
