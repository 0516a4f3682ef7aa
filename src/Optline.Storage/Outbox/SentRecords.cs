using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Database;

namespace Optline.Storage.Outbox;

/// <summary>
/// "Sent" for many messages in one unit of work: per organization, one delete of the outbox rows, one update of the
/// messages, and an attestation record per send (written with the batch's others just before the commit).
/// </summary>
internal static class SentRecords
{
    public static async Task<IReadOnlyList<bool>> WriteAsync(WriteContext context, IReadOnlyList<(ClaimedSend Send, string? ProviderMessageId)> sent, CancellationToken ct)
    {
        var recorded = new bool[sent.Count];
        foreach (var organization in sent.Select((s, i) => (s.Send.OrganizationId, Index: i)).GroupBy(s => s.OrganizationId))
        {
            var indexes = organization.Select(s => s.Index).ToList();
            var audit = await AuditChain.OpenAsync(context, organization.Key, ct);
            var present = await DeleteAsync(context, [.. indexes.Select(i => sent[i].Send)], ct);
            var written = indexes.Where(i => present.Remove(sent[i].Send.OutboxId)).ToList();
            if (written.Count == 0)
            {
                continue;
            }

            await UpdateMessagesAsync(context, [.. written.Select(i => sent[i])], ct);
            foreach (var i in written)
            {
                await OutboxStore.AppendAsync(audit, sent[i].Send, "message_sent", sent[i].ProviderMessageId, null, ct);
                recorded[i] = true;
            }

        }

        return recorded;
    }

    /// <summary>Deletes the rows still queued for these sends (an id alone could name a newer row that reused it); returns their ids.</summary>
    private static async Task<HashSet<long>> DeleteAsync(WriteContext context, IReadOnlyList<ClaimedSend> sends, CancellationToken ct)
    {
        var dialect = context.Dialect;
        // SQLite's "+" keeps it from looking rows up by every (id, message id) pair of the two lists: by id, then a filter.
        await using var delete = context.Command(
            $"DELETE FROM outbox WHERE id {SqlLists.In(dialect, "@ids")} AND {(dialect.IsPostgres ? "" : "+")}message_id {SqlLists.InUuids(dialect, "@messages")} RETURNING id")
            .With("@ids", SqlLists.Longs(dialect, sends.Select(s => s.OutboxId)))
            .With("@messages", SqlLists.Uuids(dialect, sends.Select(s => s.MessageId)));
        var present = new HashSet<long>();
        await using var reader = await delete.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            present.Add(reader.GetInt64(0));
        }

        return present;
    }

    private static async Task UpdateMessagesAsync(WriteContext context, IReadOnlyList<(ClaimedSend Send, string? ProviderMessageId)> sent, CancellationToken ct)
    {
        var dialect = context.Dialect;
        var rows = dialect.IsPostgres
            ? "unnest(@ids, @providers, @outboxes) AS v(id, provider, outbox)"
            : "(SELECT unhex(value ->> 0) AS id, value ->> 1 AS provider, value ->> 2 AS outbox FROM json_each(@rows)) AS v";
        await using var update = context.Command(
            "UPDATE messages SET status = @status, provider_message_id = COALESCE(v.provider, messages.provider_message_id), outbox_id = v.outbox, updated_at = @now " +
            $"FROM {rows} WHERE messages.id = v.id")
            .With("@status", MessageStatuses.Sent).With("@now", context.Now.ToUnixMs());
        if (dialect.IsPostgres)
        {
            update.With("@ids", sent.Select(s => s.Send.MessageId).ToArray())
                .With("@providers", sent.Select(s => s.ProviderMessageId).ToArray())
                .With("@outboxes", sent.Select(s => s.Send.OutboxId).ToArray());
        }
        else
        {
            update.With("@rows", SqlLists.Json(w =>
            {
                foreach (var (send, provider) in sent)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(SqlLists.Hex(send.MessageId));
                    w.WriteStringValue(provider);
                    w.WriteNumberValue(send.OutboxId);
                    w.WriteEndArray();
                }
            }));
        }

        if (!dialect.IsPostgres)
        {
            await update.ExecuteLaterAsync(ct);
            return;
        }

        // The table grows from empty. A plan PostgreSQL cached while it was small joins by scanning it, and kept that
        // plan until autovacuum's next analyze (1-4 ms a call in the first minute, inside the writer's batch); planned
        // each time with its ids, the update goes through the primary key.
        await using (var custom = context.Command("SET LOCAL plan_cache_mode = force_custom_plan"))
        {
            await custom.ExecuteLaterAsync(ct);
        }

        await update.ExecuteLaterAsync(ct);
        await using var usual = context.Command("SET LOCAL plan_cache_mode TO DEFAULT");
        await usual.ExecuteLaterAsync(ct);
    }
}
