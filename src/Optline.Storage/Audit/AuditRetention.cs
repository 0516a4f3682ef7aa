using System.Globalization;
using Optline.Storage.Database;

namespace Optline.Storage.Audit;

/// <summary>What a retention run did: how many records it removed and the checkpoint the chain now starts from.</summary>
public sealed record RetentionResult(long Removed, AuditCheckpoint? Checkpoint, string? Refusal);

/// <summary>
/// Retention (PRODUCT.md §8): records are kept forever unless the organization sets a retention period. Then only a
/// whole oldest prefix of the chain is removed, and a checkpoint keeps the last removed hash so the rest still
/// verifies. A legal hold stops any removal. The removal itself is appended to the chain.
/// </summary>
public sealed class AuditRetention(OptlineDatabase database)
{
    public Task<RetentionResult> ApplyAsync(long organizationId, TimeSpan retention, bool legalHold, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            if (legalHold)
            {
                return new RetentionResult(0, null, "A legal hold is in force: nothing is removed.");
            }

            var cutoff = (context.Now - retention).ToUnixMs();
            var audit = await AuditChain.OpenAsync(context, organizationId, ct);
            await using var last = context.Command(
                "SELECT MAX(seq) FROM audit_records WHERE organization_id = @org AND seq < " +
                "COALESCE((SELECT MIN(seq) FROM audit_records WHERE organization_id = @org AND at >= @cutoff), " +
                "(SELECT MAX(seq) FROM audit_records WHERE organization_id = @org))")
                .With("@org", organizationId).With("@cutoff", cutoff);
            var lastRemoved = await last.ExecuteScalarAsync(ct);
            if (lastRemoved is null or DBNull)
            {
                return new RetentionResult(0, null, null);
            }

            var seq = Convert.ToInt64(lastRemoved, CultureInfo.InvariantCulture);
            await using var hashCommand = context.Command("SELECT hash FROM audit_records WHERE organization_id = @org AND seq = @seq")
                .With("@org", organizationId).With("@seq", seq);
            var hash = (string)(await hashCommand.ExecuteScalarAsync(ct))!;
            await using var delete = context.Command("DELETE FROM audit_records WHERE organization_id = @org AND seq <= @seq")
                .With("@org", organizationId).With("@seq", seq);
            var removed = await delete.ExecuteNonQueryAsync(ct);
            await using var checkpoint = context.Command(
                "INSERT INTO audit_checkpoints (organization_id, seq, hash, at, removed) VALUES (@org, @seq, @hash, @now, @removed) " +
                "ON CONFLICT (organization_id) DO UPDATE SET seq = @seq, hash = @hash, at = @now, removed = audit_checkpoints.removed + @removed")
                .With("@org", organizationId).With("@seq", seq).With("@hash", hash).With("@now", context.Now.ToUnixMs()).With("@removed", (long)removed);
            await checkpoint.ExecuteNonQueryAsync(ct);
            await audit.AppendAsync(new AuditEntry("retention_applied")
            {
                Detail = $"removed records up to seq {seq} ({removed} records older than {retention.TotalDays:0.##} days); checkpoint hash {hash}",
            }, ct);
            return new RetentionResult(removed, new AuditCheckpoint(seq, hash, context.Now, removed), null);
        }, cancellationToken);
}
