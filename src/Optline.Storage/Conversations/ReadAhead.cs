using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

/// <summary>
/// A PostgreSQL batch's reads, done for all its events in one round trip before the first of them needs any: the
/// settings versions, which provider message ids were seen before and what they decided, the conversation rows
/// (created first where they do not exist yet) locked in the batch's lock order, with their held messages, and the head
/// of each organization's attestation chain, not locked (see <see cref="Audit.AuditChain"/>), and the transaction's id. Each row serves only the
/// first event that loads its conversation; later ones read it again, since an earlier event of the batch may have
/// changed it.
/// </summary>
internal sealed class ReadAhead
{
    private readonly Dictionary<(long LineId, string Contact, Channel Channel), ConversationRow?> _rows = [];
    private readonly Dictionary<(string Provider, string Id), bool> _claims = [];
    private readonly Dictionary<(string Provider, string Id), string> _earlierOutcomes = [];
    private readonly Dictionary<long, (long Seq, string Hash)?> _chainHeads = [];

    private ReadAhead()
    {
    }

    /// <summary>
    /// Where this event's provider id stands: new unless it was processed before the batch or by an earlier event of
    /// it. False when the id was not among those read ahead.
    /// </summary>
    public bool TryTakeClaim(string provider, string id, out ProviderIdClaim claim)
    {
        if (!_claims.TryGetValue((provider, id), out var isNew))
        {
            claim = default;
            return false;
        }

        claim = isNew ? ProviderIdClaim.New : ProviderIdClaim.Seen;
        _claims[(provider, id)] = false;
        return true;
    }

    /// <summary>What the first delivery of a provider id processed before the batch decided, when it was read ahead.</summary>
    public bool TryGetEarlierOutcome(string provider, string id, out string? outcome) => _earlierOutcomes.TryGetValue((provider, id), out outcome);

    /// <summary>The conversation as read ahead (null: it did not exist), once; false when it was not read ahead or was taken.</summary>
    public bool TryTakeRow(long lineId, string contact, Channel channel, out ConversationRow? row) =>
        _rows.Remove((lineId, contact, channel), out row);

    /// <summary>
    /// The organization's chain head as it was when the batch began (null: the chain has none yet); false when it
    /// was not read ahead.
    /// </summary>
    public bool TryGetChainHead(long organizationId, out (long Seq, string Hash)? head) => _chainHeads.TryGetValue(organizationId, out head);

    public static async Task<ReadAhead> LoadAsync(WriteContext context, IReadOnlyList<EventKeys> events, CancellationToken cancellationToken)
    {
        var ahead = new ReadAhead();
        var conversations = events.Select(e => (e.OrganizationId, e.LineId, e.Contact, e.Channel)).Distinct()
            .OrderBy(c => new ConversationKey(c.LineId, c.Contact)).ThenBy(c => c.Channel).ToArray();
        var claims = events.Where(e => e.Provider is not null && e.ProviderMessageId is not null)
            .Select(e => (Provider: e.Provider!, Id: e.ProviderMessageId!)).Distinct().ToArray();
        var organizations = events.Select(e => e.OrganizationId).Distinct().ToArray();
        await using var command = context.Command(Sql)
            .With("@orgs", organizations)
            .With("@providers", claims.Select(c => c.Provider).ToArray()).With("@ids", claims.Select(c => c.Id).ToArray())
            .With("@lineOrgs", conversations.Select(c => c.OrganizationId).ToArray())
            .With("@lines", conversations.Select(c => c.LineId).ToArray()).With("@contacts", conversations.Select(c => c.Contact).ToArray())
            .With("@channels", conversations.Select(c => (long)c.Channel).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            context.RememberSettingsVersion(reader.GetInt64(0), reader.GetInt64(1));
        }

        await reader.NextResultAsync(cancellationToken);
        foreach (var (_, lineId, contact, channel) in conversations)
        {
            ahead._rows[(lineId, contact, channel)] = null;
        }

        var rows = new Dictionary<long, ConversationRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = ConversationRows.Read(reader);
            rows[row.Id] = row;
        }

        await reader.NextResultAsync(cancellationToken);
        foreach (var claim in claims)
        {
            ahead._claims[claim] = true;
        }

        while (await reader.ReadAsync(cancellationToken))
        {
            ahead._claims[(reader.GetString(0), reader.GetString(1))] = false;
            ahead._earlierOutcomes[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        }

        await reader.NextResultAsync(cancellationToken);
        var held = new Dictionary<long, List<HeldMessage>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var conversationId = reader.GetInt64(0);
            if (!held.TryGetValue(conversationId, out var messages))
            {
                held[conversationId] = messages = [];
            }

            messages.Add(ConversationRows.ReadHeld(reader, context.Dialect, 1));
        }

        foreach (var row in rows.Values)
        {
            ahead._rows[(row.LineId, row.Contact, row.Channel)] = held.TryGetValue(row.Id, out var messages)
                ? row with { State = row.State with { Held = messages } }
                : row;
        }

        await reader.NextResultAsync(cancellationToken);
        foreach (var organization in organizations)
        {
            ahead._chainHeads[organization] = null;
        }

        while (await reader.ReadAsync(cancellationToken))
        {
            ahead._chainHeads[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetString(2));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        context.RememberTransactionId(reader.GetInt64(0));
        return ahead;
    }

    private static readonly string Sql =
        // The conversations that do not exist yet are created first, as each event would create its own: a first
        // contact then costs no round trip of its own in the middle of the batch. They are created in the batch's lock
        // order, before any row is locked.
        ConversationRows.InsertColumns +
        $"SELECT k.org, k.line_id, k.contact, k.channel, {ConversationRows.InitialState} " +
        "FROM unnest(@lineOrgs::bigint[], @lines::bigint[], @contacts::text[], @channels::bigint[]) WITH ORDINALITY AS k(org, line_id, contact, channel, n) " +
        "LEFT JOIN organization_opt_outs o ON o.organization_id = k.org AND o.contact = k.contact " +
        "WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.line_id = k.line_id AND c.contact = k.contact AND c.channel = k.channel) " +
        "ORDER BY k.n ON CONFLICT (line_id, contact, channel) DO NOTHING;" +
        "SELECT organization_id, version FROM settings WHERE organization_id = ANY(@orgs);" +
        // Each key through the unique index, locked in the order given (the batch's lock order): a join would let the
        // planner scan the table, and sort only after locking.
        $"SELECT {ConversationRows.ColumnsOf("c")} " +
        "FROM unnest(@lines::bigint[], @contacts::text[], @channels::bigint[]) WITH ORDINALITY AS k(line_id, contact, channel, n) " +
        $"CROSS JOIN LATERAL (SELECT {ConversationRows.ColumnsOf(null)} FROM conversations " +
        "WHERE line_id = k.line_id AND contact = k.contact AND channel = k.channel FOR UPDATE) c ORDER BY k.n;" +
        // The ids seen before, read once the rows are locked: a node that held one of them has committed its ids by
        // then. A new id is inserted with its outcome when the batch ends (NewProviderIds).
        "SELECT u.p, u.i, seen.outcome FROM unnest(@providers::text[], @ids::text[]) AS u(p, i) " +
        "CROSS JOIN LATERAL (SELECT outcome FROM processed_inbound WHERE provider = u.p AND provider_message_id = u.i OFFSET 0) seen;" +
        // A statement of its own, so that it reads after the locks above were granted: a row whose lock had to wait for
        // another transaction is returned as that transaction left it, but a join in the same statement would still see
        // the held messages as they were before it. Conversation by conversation, through the partial index.
        "SELECT c.id, m.id, m.direction, m.created_at " +
        "FROM unnest(@lines::bigint[], @contacts::text[], @channels::bigint[]) AS k(line_id, contact, channel) " +
        "CROSS JOIN LATERAL (SELECT id, state FROM conversations WHERE line_id = k.line_id AND contact = k.contact AND channel = k.channel OFFSET 0) c " +
        "CROSS JOIN LATERAL (SELECT id, direction, created_at, seq FROM messages WHERE conversation_id = c.id AND status = 'held' OFFSET 0) m " +
        $"WHERE c.state = {(int)ConsentState.Pending} ORDER BY c.id, m.seq;" +
        "SELECT organization_id, seq, hash FROM audit_heads WHERE organization_id = ANY(@orgs);" +
        CommitOutcome.CurrentTransactionSql;
}
