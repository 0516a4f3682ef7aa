-- Retention: where each chain starts once its oldest records were removed, and the legal hold that forbids removal.
CREATE TABLE audit_checkpoints (
    organization_id {bigint} NOT NULL PRIMARY KEY,
    seq {bigint} NOT NULL,
    hash TEXT NOT NULL,
    at {bigint} NOT NULL,
    removed {bigint} NOT NULL
);
