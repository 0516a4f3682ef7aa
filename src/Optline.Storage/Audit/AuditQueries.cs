using System.Data.Common;
using System.Runtime.CompilerServices;
using Optline.Storage.Database;

namespace Optline.Storage.Audit;

/// <summary>Which records an export or a proof covers; every filter is optional.</summary>
public sealed record AuditFilter(DateTimeOffset? From = null, DateTimeOffset? To = null, string? LineNumber = null, string? Contact = null, string? Event = null)
{
    public bool IsWholeChain => From is null && To is null && LineNumber is null && Contact is null && Event is null;
}

/// <summary>Where a chain starts after retention removed its oldest records: the last removed record's sequence and hash.</summary>
public sealed record AuditCheckpoint(long Seq, string Hash, DateTimeOffset At, long Removed);

/// <summary>Reads the attestation record as a stream, oldest first, one row at a time (constant memory for any size).</summary>
public sealed class AuditQueries(OptlineDatabase database)
{
    private const string Columns =
        "organization_id, seq, at, event, line_number, contact, channel, message_id, text, template_id, template_version, rule, classifier_version, " +
        "provider_message_id, signature, payload_sha256, detail, prev_hash, hash";

    public async IAsyncEnumerable<AuditRecord> StreamAsync(long organizationId, AuditFilter filter, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var connection = database.Dialect.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM audit_records WHERE organization_id = @org " +
            "AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) AND (@line IS NULL OR line_number = @line) " +
            "AND (@contact IS NULL OR contact = @contact) AND (@event IS NULL OR event = @event) ORDER BY seq")
            .With("@org", organizationId).WithNullable("@from", filter.From?.ToUnixMs()).WithNullable("@to", filter.To?.ToUnixMs())
            .WithNullable("@line", filter.LineNumber).WithNullable("@contact", filter.Contact).WithNullable("@event", filter.Event);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return Read(reader);
        }
    }

    public Task<AuditCheckpoint?> CheckpointAsync(long organizationId, CancellationToken ct = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT seq, hash, at, removed FROM audit_checkpoints WHERE organization_id = @org").With("@org", organizationId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct)
                ? new AuditCheckpoint(reader.GetInt64(0), reader.GetString(1), DbExtensions.FromUnixMs(reader.GetInt64(2)), reader.GetInt64(3))
                : null;
        }, ct);

    public async Task<AuditVerification> VerifyAsync(long organizationId, CancellationToken ct = default) =>
        await AuditVerifier.VerifyAsync(StreamAsync(organizationId, new AuditFilter(), ct), await CheckpointAsync(organizationId, ct), ct);

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
