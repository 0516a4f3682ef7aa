using Optline.Storage.Audit;
using Optline.Storage.Database;

namespace Optline.Server.Web.Portal;

/// <summary>One row of the attestation record as the portal lists it (the hashes stay in exports and proofs).</summary>
public sealed record AuditRow(long Seq, DateTimeOffset At, string Event, string? LineNumber, string? Contact, string? Channel, string? Text,
    string? TemplateId, long? TemplateVersion, string? Rule, string? Detail);

/// <summary>Pages through the attestation record newest first, with the export's filters; reads only.</summary>
public sealed class AuditBrowser(OptlineDatabase database)
{
    public Task<IReadOnlyList<AuditRow>> PageAsync(long organizationId, AuditFilter filter, long? before, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<AuditRow>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT seq, at, event, line_number, contact, channel, text, template_id, template_version, rule, detail FROM audit_records " +
                "WHERE organization_id = @org AND (@before IS NULL OR seq < @before) AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to) " +
                "AND (@line IS NULL OR line_number = @line) AND (@contact IS NULL OR contact = @contact) AND (@event IS NULL OR event = @event) " +
                "ORDER BY seq DESC LIMIT @limit")
                .With("@org", organizationId).WithNullable("@before", before).WithNullable("@from", filter.From?.ToUnixMs()).WithNullable("@to", filter.To?.ToUnixMs())
                .WithNullable("@line", filter.LineNumber).WithNullable("@contact", filter.Contact).WithNullable("@event", filter.Event).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var rows = new List<AuditRow>();
            while (await reader.ReadAsync(ct))
            {
                rows.Add(new AuditRow(reader.GetInt64(0), DbExtensions.FromUnixMs(reader.GetInt64(1)), reader.GetString(2), reader.GetNullableString(3),
                    reader.GetNullableString(4), reader.GetNullableString(5), reader.GetNullableString(6), reader.GetNullableString(7),
                    reader.GetNullableInt64(8), reader.GetNullableString(9), reader.GetNullableString(10)));
            }

            return rows;
        }, ct);
}
