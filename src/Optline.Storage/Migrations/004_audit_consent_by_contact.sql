-- Consent history (a conversation's consent_* records) is the only reader that finds audit records by contact:
-- exports and proofs filter the organization's chain in seq order. Indexing only the consent records spares every
-- other record, most of them, an insert into a random page of an index as large as the chain.
DROP INDEX audit_by_contact;
CREATE INDEX audit_consent_by_contact ON audit_records (organization_id, contact, seq) WHERE event LIKE 'consent_%';
