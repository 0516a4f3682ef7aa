namespace Optline.Storage.Audit;

/// <summary>The outcome of checking a chain: ok, how many records were read, the first sequence number that does not hold, and the head hash.</summary>
public sealed record AuditVerification(bool Ok, long Records, long? FirstBadSeq, string? Reason, string? HeadHash);

/// <summary>
/// Walks a chain in sequence order and checks that every record's hash is the hash of its own contents and the
/// previous hash, and that every record links to the one before it with no gap. Finds a changed, removed,
/// inserted or reordered record by its sequence number. Works on rows from the database or from an exported file.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditRecord> records, AuditCheckpoint? checkpoint, CancellationToken ct = default)
    {
        var expectedSeq = (checkpoint?.Seq ?? 0) + 1;
        var previousHash = checkpoint?.Hash ?? AuditHash.Genesis;
        long count = 0;
        await foreach (var record in records.WithCancellation(ct))
        {
            count++;
            if (record.Seq != expectedSeq)
            {
                var reason = record.Seq > expectedSeq ? $"record {expectedSeq} is missing" : $"record {record.Seq} is out of order or repeated";
                return new AuditVerification(false, count, expectedSeq, reason, null);
            }

            if (!string.Equals(record.PrevHash, previousHash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, record.Seq, $"record {record.Seq} does not link to record {record.Seq - 1}", null);
            }

            var computed = AuditHash.Compute(record.OrganizationId, record.Seq, record.At, record.Entry, record.PrevHash);
            if (!string.Equals(computed, record.Hash, StringComparison.Ordinal))
            {
                return new AuditVerification(false, count, record.Seq, $"record {record.Seq} was changed: its contents do not match its hash", null);
            }

            previousHash = record.Hash;
            expectedSeq++;
        }

        return new AuditVerification(true, count, null, null, previousHash);
    }
}
