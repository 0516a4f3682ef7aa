using Optline.Storage.Audit;

namespace Optline.Storage.Tests.Support;

/// <summary>Reads an organization's attestation record back and checks it is one unbroken chain.</summary>
internal static class AuditRows
{
    public static async Task<IReadOnlyList<AuditRecord>> ReadAsync(TestDatabase database, long? organizationId = null) =>
        await new AuditQueries(database.Database).StreamAsync(organizationId ?? database.OrganizationId, new AuditFilter()).ToListAsync();

    /// <summary>Sequence 1..n with no gap or fork, each record linked to the one before, every hash recomputed from its row, the head on the last.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> AssertChainIntactAsync(TestDatabase database, long? organizationId = null)
    {
        var records = await ReadAsync(database, organizationId);
        Assert.NotEmpty(records);
        var previous = AuditHash.Genesis;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            Assert.Equal(i + 1, record.Seq);
            Assert.Equal(previous, record.PrevHash);
            Assert.Equal(AuditHash.Compute(record.OrganizationId, record.Seq, record.At, record.Entry, record.PrevHash), record.Hash);
            previous = record.Hash;
        }

        var head = await database.RowsAsync("SELECT seq, hash FROM audit_heads WHERE organization_id = @org",
            r => (Seq: r.GetInt64(0), Hash: r.GetString(1)), ("@org", organizationId ?? database.OrganizationId));
        Assert.Equal((records[^1].Seq, records[^1].Hash), Assert.Single(head));
        return records;
    }
}
