using Optline.Storage.Database;

namespace Optline.Server.Web.Portal;

/// <summary>How much of an organization's outbox is waiting, and since when; how much gave up (dead letters).</summary>
public sealed record OutboxSummary(long Waiting, DateTimeOffset? OldestDue, long Dead);

public sealed class OutboxSummaryQuery(OptlineDatabase database)
{
    public Task<OutboxSummary> ReadAsync(long organizationId, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT (SELECT COUNT(*) FROM outbox WHERE organization_id = @org AND dead = 0), " +
                "(SELECT MIN(due_at) FROM outbox WHERE organization_id = @org AND dead = 0), " +
                "(SELECT COUNT(*) FROM outbox WHERE organization_id = @org AND dead = 1)")
                .With("@org", organizationId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return new OutboxSummary(reader.GetInt64(0), DbExtensions.FromUnixMs(reader.GetNullableInt64(1)), reader.GetInt64(2));
        }, ct);
}
