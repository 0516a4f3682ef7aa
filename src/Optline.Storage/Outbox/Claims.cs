using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Outbox;

/// <summary>The two statements of a claim: the due rows with what the consent check needs, then one update over the chosen ids.</summary>
internal static class Claims
{
    private const string CandidatesSql =
        "SELECT o.id, o.message_id, o.organization_id, o.conversation_id, o.requires, o.attempts, c.channel, c.contact, c.state, c.request_after_opt_out, c.last_inbound_at, " +
        "l.number, l.display_name, m.body, m.template_id, m.as_whatsapp_template, c.line_id, o.due_at " +
        "FROM outbox o JOIN conversations c ON c.id = o.conversation_id JOIN lines l ON l.id = c.line_id JOIN messages m ON m.id = o.message_id " +
        "WHERE o.dead = 0 AND o.due_at <= @until AND (o.claimed_until IS NULL OR o.claimed_until < @now) " +
        $"AND NOT EXISTS ({EarlierInConversation} AND CASE WHEN e.claimed_until >= @now THEN COALESCE(e.claimed_by, 0) <> @node ELSE e.due_at > o.due_at END) ";

    /// <summary>
    /// The live messages of row <c>o</c>'s conversation queued before it. A conversation's messages reach the contact in
    /// the order they were queued, so a claim passes over a message while an earlier one is in flight at another
    /// dispatcher (another node, or a process that died with its claim) or waits to fall due after it (a retry's
    /// backoff): it is taken once that one is sent, or in the same claim right behind it. One in flight in this
    /// dispatcher's own lanes does not hold it: the lane sends the two in the order claimed.
    /// </summary>
    internal const string EarlierInConversation =
        "SELECT 1 FROM outbox e WHERE e.conversation_id = o.conversation_id AND e.id < o.id AND e.dead = 0";

    /// <summary>An earlier message of row <c>o</c>'s conversation waiting to be claimed: never claimed, failed since, or its claim ran out.</summary>
    internal const string WaitingBefore = EarlierInConversation + " AND (e.claimed_until IS NULL OR e.claimed_until < @now)";

    public sealed record Candidate(ClaimedSend Send, string Requires, ConsentState State, bool AfterOptOut, DateTimeOffset? LastInbound)
    {
        public string? Refusal(ConsentPolicy policy, DateTimeOffset now) =>
            ConsentRecheck.Refusal(Requires, State, AfterOptOut, policy, Send.Channel, LastInbound, Send.AsWhatsAppTemplate, now);
    }

    public static async Task<IReadOnlyList<Candidate>> CandidatesAsync(WriteContext context, ClaimRequest request, long node, CancellationToken ct)
    {
        var dialect = context.Dialect;
        var sql = CandidatesSql
            + (request.SkipSenders.Count > 0 ? $"AND NOT ((c.line_id * 16) + c.channel {SqlLists.In(dialect, "@skip")}) " : "")
            + "ORDER BY o.due_at, o.id LIMIT @limit"
            + (dialect.IsPostgres ? " FOR UPDATE OF o SKIP LOCKED" : "");
        await using var select = context.Command(sql)
            .With("@now", context.Now.ToUnixMs()).With("@until", (context.Now + request.Lookahead).ToUnixMs()).With("@limit", request.Limit).With("@node", node);
        if (request.SkipSenders.Count > 0)
        {
            select.With("@skip", SqlLists.Longs(dialect, request.SkipSenders));
        }

        var candidates = new List<Candidate>();
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var send = new ClaimedSend(reader.GetInt64(0), dialect.ReadUuid(reader, 1), reader.GetInt64(2), reader.GetInt64(3),
                (int)reader.GetInt64(5) + 1, (Channel)reader.GetInt64(6), reader.GetString(11), reader.GetString(7), reader.GetString(13),
                reader.GetNullableString(14), reader.GetInt64(15) == 1, reader.GetString(12), reader.GetInt64(16), DbExtensions.FromUnixMs(reader.GetInt64(17)));
            candidates.Add(new Candidate(send, reader.GetString(4), (ConsentState)reader.GetInt64(8), reader.GetNullableInt64(9) == 1,
                DbExtensions.FromUnixMs(reader.GetNullableInt64(10))));
        }

        return candidates;
    }

    public static async Task MarkClaimedAsync(WriteContext context, IReadOnlyList<ClaimedSend> claimed, DateTimeOffset until, long node, CancellationToken ct)
    {
        if (claimed.Count == 0)
        {
            return;
        }

        await using var claim = context.Command($"UPDATE outbox SET claimed_until = @until, claimed_by = @node, attempts = attempts + 1 WHERE id {SqlLists.In(context.Dialect, "@ids")}")
            .With("@until", until.ToUnixMs()).With("@node", node).With("@ids", SqlLists.Longs(context.Dialect, claimed.Select(s => s.OutboxId)));
        await claim.ExecuteNonQueryAsync(ct);
    }
}
