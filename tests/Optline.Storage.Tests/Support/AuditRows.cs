using System.Data.Common;
using Optline.Storage.Audit;
using Optline.Storage.Database;

namespace Optline.Storage.Tests.Support;

/// <summary>Reads an organization's attestation record back and checks it is one unbroken chain.</summary>
internal static class AuditRows
{
    private const string Columns =
        "organization_id, seq, at, event, line_number, contact, channel, message_id, text, template_id, template_version, rule, " +
        "classifier_version, provider_message_id, signature, payload_sha256, detail, prev_hash, hash";

    public static Task<IReadOnlyList<AuditRecord>> ReadAsync(TestDatabase database, long? organizationId = null) =>
        database.RowsAsync($"SELECT {Columns} FROM audit_records WHERE organization_id = @org ORDER BY seq", Read, ("@org", organizationId ?? database.OrganizationId));

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

    private static AuditRecord Read(DbDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), DbExtensions.FromUnixMs(r.GetInt64(2)), new AuditEntry(r.GetString(3))
        {
            LineNumber = r.GetNullableString(4),
            Contact = r.GetNullableString(5),
            Channel = r.GetNullableString(6),
            MessageId = r.GetNullableString(7),
            Text = r.GetNullableString(8),
            TemplateId = r.GetNullableString(9),
            TemplateVersion = r.GetNullableInt64(10),
            Rule = r.GetNullableString(11),
            ClassifierVersion = r.GetNullableString(12),
            ProviderMessageId = r.GetNullableString(13),
            Signature = r.GetNullableString(14),
            PayloadSha256 = r.GetNullableString(15),
            Detail = r.GetNullableString(16),
        }, r.GetString(17), r.GetString(18));
}
