-- Placeholders: {id} an auto-numbered primary key, {blob} bytes, {uuid} a 16-byte id, {bigint} a 64-bit integer.
-- Times are Unix milliseconds (UTC).

CREATE TABLE organizations (
    id {id},
    name TEXT NOT NULL,
    created_at {bigint} NOT NULL
);

CREATE TABLE settings (
    organization_id {bigint} NOT NULL PRIMARY KEY REFERENCES organizations(id),
    version {bigint} NOT NULL,
    document TEXT NOT NULL,
    changed_at {bigint} NOT NULL
);

CREATE TABLE settings_versions (
    organization_id {bigint} NOT NULL REFERENCES organizations(id),
    version {bigint} NOT NULL,
    document TEXT NOT NULL,
    changed_at {bigint} NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (organization_id, version)
);

CREATE TABLE lines (
    id {id},
    organization_id {bigint} NOT NULL REFERENCES organizations(id),
    number TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    created_at {bigint} NOT NULL
);
CREATE INDEX lines_by_organization ON lines (organization_id, id);

CREATE TABLE api_keys (
    id {id},
    organization_id {bigint} NOT NULL REFERENCES organizations(id),
    line_id {bigint} NULL REFERENCES lines(id),
    key_hash {blob} NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at {bigint} NOT NULL,
    revoked_at {bigint} NULL
);

-- One row per (line, contact, channel): the consent state the engine decides on, with a version
-- bumped on every change.
CREATE TABLE conversations (
    id {id},
    organization_id {bigint} NOT NULL REFERENCES organizations(id),
    line_id {bigint} NOT NULL REFERENCES lines(id),
    contact TEXT NOT NULL,
    channel {bigint} NOT NULL,
    state {bigint} NOT NULL,
    since {bigint} NULL,
    version {bigint} NOT NULL,
    request_initiator {bigint} NULL,
    request_first_at {bigint} NULL,
    request_last_at {bigint} NULL,
    requests_sent {bigint} NULL,
    request_after_opt_out {bigint} NULL,
    opt_out_source {bigint} NULL,
    opt_out_how TEXT NULL,
    last_inbound_at {bigint} NULL,
    UNIQUE (line_id, contact, channel)
);
CREATE INDEX conversations_by_contact ON conversations (organization_id, contact);

-- Every message in either direction and every notice: the line's timeline.
CREATE TABLE messages (
    seq {id},
    id {uuid} NOT NULL UNIQUE,
    conversation_id {bigint} NOT NULL REFERENCES conversations(id),
    kind {bigint} NOT NULL,
    direction {bigint} NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NULL,
    template_id TEXT NULL,
    template_language TEXT NULL,
    template_version {bigint} NULL,
    as_whatsapp_template {bigint} NOT NULL,
    provider_message_id TEXT NULL,
    -- The outbox row it left through: orders sends finished in the same millisecond as they were queued.
    outbox_id {bigint} NULL,
    created_at {bigint} NOT NULL,
    updated_at {bigint} NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
CREATE INDEX messages_by_provider_id ON messages (provider_message_id);

-- Messages waiting to leave, each due at its sending number's next slot.
CREATE TABLE outbox (
    id {id},
    message_id {uuid} NOT NULL UNIQUE REFERENCES messages(id),
    organization_id {bigint} NOT NULL,
    conversation_id {bigint} NOT NULL REFERENCES conversations(id),
    requires TEXT NOT NULL,
    due_at {bigint} NOT NULL,
    attempts {bigint} NOT NULL,
    claimed_until {bigint} NULL,
    dead {bigint} NOT NULL,
    last_error TEXT NULL
);
CREATE INDEX outbox_due ON outbox (dead, due_at);
CREATE INDEX outbox_by_conversation ON outbox (conversation_id);

-- The next free send slot of each sending number (carrier pacing shared by every node).
CREATE TABLE sender_slots (
    number TEXT NOT NULL,
    channel {bigint} NOT NULL,
    next_slot_at {bigint} NOT NULL,
    PRIMARY KEY (number, channel)
);

-- Provider message ids already processed, with the outcome returned the first time.
CREATE TABLE processed_inbound (
    provider TEXT NOT NULL,
    provider_message_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    processed_at {bigint} NOT NULL,
    PRIMARY KEY (provider, provider_message_id)
);

-- Organization-wide opt-outs (optOutScope = organization), applied to conversations created later.
CREATE TABLE organization_opt_outs (
    organization_id {bigint} NOT NULL,
    contact TEXT NOT NULL,
    opted_out_at {bigint} NOT NULL,
    PRIMARY KEY (organization_id, contact)
);

CREATE TABLE reviews (
    id {id},
    organization_id {bigint} NOT NULL,
    conversation_id {bigint} NOT NULL REFERENCES conversations(id),
    message_id {uuid} NOT NULL REFERENCES messages(id),
    rule TEXT NOT NULL,
    created_at {bigint} NOT NULL,
    decision TEXT NULL,
    decided_at {bigint} NULL,
    decided_by TEXT NULL
);
CREATE INDEX reviews_open ON reviews (organization_id, decision, id);

-- The attestation record: one hash chain per organization.
CREATE TABLE audit_records (
    organization_id {bigint} NOT NULL,
    seq {bigint} NOT NULL,
    at {bigint} NOT NULL,
    event TEXT NOT NULL,
    line_number TEXT NULL,
    contact TEXT NULL,
    channel TEXT NULL,
    message_id TEXT NULL,
    text TEXT NULL,
    template_id TEXT NULL,
    template_version {bigint} NULL,
    rule TEXT NULL,
    classifier_version TEXT NULL,
    provider_message_id TEXT NULL,
    signature TEXT NULL,
    payload_sha256 TEXT NULL,
    detail TEXT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (organization_id, seq)
);

CREATE TABLE audit_heads (
    organization_id {bigint} NOT NULL PRIMARY KEY,
    seq {bigint} NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX messages_held ON messages (conversation_id, seq) WHERE status = 'held';
CREATE INDEX audit_by_contact ON audit_records (organization_id, contact, seq);
