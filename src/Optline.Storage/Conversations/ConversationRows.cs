using System.Data.Common;
using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

/// <summary>A stored conversation: its key, its consent state for the engine, and the version bumped on every change.</summary>
public sealed record ConversationRow(long Id, long OrganizationId, long LineId, string Contact, Channel Channel, long Version, Conversation State);

/// <summary>
/// A conversation the event has already looked for: <see cref="Row"/> is null when it does not exist yet. The default
/// value means it has not been looked for.
/// </summary>
internal readonly record struct LookedUp(bool Done, ConversationRow? Row);

/// <summary>Reads and writes the <c>conversations</c> table and the held messages that belong to each row.</summary>
internal static class ConversationRows
{
    private static readonly string[] ColumnNames =
    [
        "id", "organization_id", "line_id", "contact", "channel", "version", "state", "since", "request_initiator", "request_first_at",
        "request_last_at", "requests_sent", "request_after_opt_out", "opt_out_source", "opt_out_how", "last_inbound_at",
    ];

    private static readonly string SelectByKey = $"SELECT {ColumnsOf(null)} FROM conversations WHERE line_id = @line AND contact = @contact AND channel = @channel";

    /// <summary>The columns <see cref="Read"/> reads, in its order, qualified by <paramref name="alias"/> when given.</summary>
    public static string ColumnsOf(string? alias) => string.Join(", ", ColumnNames.Select(column => alias is null ? column : $"{alias}.{column}"));

    /// <summary>
    /// Loads the conversation for update, creating it first if it does not exist. On PostgreSQL the row is
    /// locked until the transaction ends: every node serialises on it. A contact opted out across the whole
    /// organization starts opted out. Held messages are read only while pending, the one state that holds any.
    /// </summary>
    public static async Task<ConversationRow> LoadForUpdateAsync(
        WriteContext context, long organizationId, long lineId, string contact, Channel channel, CancellationToken cancellationToken, LookedUp found = default)
    {
        var row = found.Row;
        var heldRead = false;
        if (!found.Done)
        {
            if (await context.ReadAheadAsync(cancellationToken) is { } ahead && ahead.TryTakeRow(lineId, contact, channel, out var early))
            {
                (row, heldRead) = (early, true);
            }
            else
            {
                row = await FindForUpdateAsync(context, lineId, contact, channel, cancellationToken);
            }
        }

        if (row is null)
        {
            heldRead = false;
            row = await CreateAsync(context, organizationId, lineId, contact, channel, cancellationToken)
                ?? await FindForUpdateAsync(context, lineId, contact, channel, cancellationToken)
                ?? throw new InvalidOperationException("The conversation row vanished inside its transaction.");
        }

        if (heldRead || row.State.State != ConsentState.Pending)
        {
            return row;
        }

        var held = await HeldAsync(context, row.Id, cancellationToken);
        return held.Count == 0 ? row : row with { State = row.State with { Held = held } };
    }

    /// <summary>
    /// An inbound message's first two steps in one statement: where its provider id stands, and its conversation,
    /// found and locked. Read ahead with the batch (PostgreSQL, usually), the conversation is left for
    /// <see cref="LoadForUpdateAsync"/> to take. PostgreSQL event by event claims the id at once, so that another
    /// node delivering it at the same moment waits; SQLite's single writer only looks, and inserts it at the end.
    /// </summary>
    public static async Task<(ProviderIdClaim Claim, LookedUp Found)> ClaimAndFindForUpdateAsync(
        WriteContext context, string provider, string providerMessageId, long lineId, string contact, Channel channel, CancellationToken cancellationToken)
    {
        if (await context.ReadAheadAsync(cancellationToken) is { } ahead && ahead.TryTakeClaim(provider, providerMessageId, out var claimAhead))
        {
            return (claimAhead, default);
        }

        await using var command = context.Command(
            (context.Dialect.IsPostgres
                ? "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) VALUES (@provider, @id, '', @now) " +
                  "ON CONFLICT (provider, provider_message_id) DO NOTHING RETURNING 1;"
                : "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM processed_inbound WHERE provider = @provider AND provider_message_id = @id);") +
            SelectByKey + context.Dialect.ForUpdate)
            .With("@provider", provider).With("@id", providerMessageId).With("@now", context.Now.ToUnixMs())
            .With("@line", lineId).With("@contact", contact).With("@channel", (long)channel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var claim = !await reader.ReadAsync(cancellationToken) ? ProviderIdClaim.Seen
            : context.Dialect.IsPostgres ? ProviderIdClaim.Claimed : ProviderIdClaim.New;
        await reader.NextResultAsync(cancellationToken);
        return (claim, new LookedUp(true, await reader.ReadAsync(cancellationToken) ? Read(reader) : null));
    }

    private static async Task<ConversationRow?> FindForUpdateAsync(WriteContext context, long lineId, string contact, Channel channel, CancellationToken cancellationToken)
    {
        await using var command = context.Command(SelectByKey + context.Dialect.ForUpdate)
            .With("@line", lineId).With("@contact", contact).With("@channel", (long)channel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public static async Task<ConversationRow?> FindAsync(DbConnection connection, long lineId, string contact, Channel channel, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(SelectByKey)
            .With("@line", lineId).With("@contact", contact).With("@channel", (long)channel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public static async Task<IReadOnlyList<(long LineId, Channel Channel)>> SiblingsAsync(WriteContext context, ConversationRow of, OptOutScope scope, CancellationToken cancellationToken)
    {
        var siblings = new HashSet<(long, Channel)>();
        foreach (var channel in Enum.GetValues<Channel>())
        {
            siblings.Add((of.LineId, channel));
        }

        if (scope == OptOutScope.Organization)
        {
            await using var command = context.Command("SELECT line_id, channel FROM conversations WHERE organization_id = @org AND contact = @contact")
                .With("@org", of.OrganizationId).With("@contact", of.Contact);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                siblings.Add((reader.GetInt64(0), (Channel)reader.GetInt64(1)));
            }
        }

        siblings.Remove((of.LineId, of.Channel));
        return [.. siblings.OrderBy(s => s.Item1).ThenBy(s => s.Item2)];
    }

    /// <summary>Writes the conversation's consent state, unless the event left every stored column as it was.</summary>
    public static async Task SaveAsync(WriteContext context, ConversationRow row, Conversation state, CancellationToken cancellationToken)
    {
        if (Stored(state) == Stored(row.State))
        {
            return;
        }

        var request = state.Request;
        var optOut = state.OptOut;
        await using var command = context.Command(
            "UPDATE conversations SET version = version + 1, state = @state, since = @since, request_initiator = @initiator, request_first_at = @first, request_last_at = @last, " +
            "requests_sent = @sent, request_after_opt_out = @after, opt_out_source = @source, opt_out_how = @how, last_inbound_at = @inbound WHERE id = @id")
            .With("@id", row.Id).With("@state", (long)state.State).With("@since", state.Since?.ToUnixMs())
            .With("@initiator", (long?)request?.InitiatedBy).With("@first", request?.FirstRequestAt.ToUnixMs())
            .With("@last", request?.LastRequestAt.ToUnixMs()).With("@sent", request?.RequestsSent)
            .With("@after", request is null ? (long?)null : request.AfterOptOut ? 1L : 0L)
            .With("@source", (long?)optOut?.Source).With("@how", optOut?.How)
            .With("@inbound", state.LastInboundAt?.ToUnixMs());
        await command.ExecuteLaterAsync(cancellationToken);
    }

    /// <summary>What of a conversation's state its row keeps (held messages live in the messages table).</summary>
    private static (ConsentState, DateTimeOffset?, PendingRequest?, OptOutRecord?, DateTimeOffset?) Stored(Conversation state) =>
        (state.State, state.Since, state.Request, state.OptOut, state.LastInboundAt);

    /// <summary>The columns a new conversation is inserted with.</summary>
    internal const string InsertColumns = "INSERT INTO conversations (organization_id, line_id, contact, channel, state, since, opt_out_source, opt_out_how, version) ";

    /// <summary>
    /// A new conversation's state, opt-out time, source and how, and version, from <c>o</c>, the contact's organization-wide
    /// opt-out left-joined (null when there is none): such a contact starts opted out, from the time of that opt-out.
    /// </summary>
    internal static readonly string InitialState =
        $"CASE WHEN o.opted_out_at IS NULL THEN {(int)ConsentState.None} ELSE {(int)ConsentState.OptedOut} END, o.opted_out_at, " +
        $"CASE WHEN o.opted_out_at IS NULL THEN NULL ELSE {(int)OptOutSource.Scope} END, CASE WHEN o.opted_out_at IS NULL THEN NULL ELSE 'organization_scope' END, 0";

    private static readonly string Create =
        $"{InsertColumns}SELECT @org, @line, @contact, @channel, {InitialState} " +
        "FROM (SELECT 1 AS one) AS k LEFT JOIN organization_opt_outs o ON o.organization_id = @org AND o.contact = @contact WHERE true " +
        $"ON CONFLICT (line_id, contact, channel) DO NOTHING RETURNING {ColumnsOf(null)}";

    /// <summary>
    /// A new conversation, or null when another transaction created it first. A contact opted out across the whole
    /// organization starts opted out, from the time of that opt-out.
    /// </summary>
    private static async Task<ConversationRow?> CreateAsync(WriteContext context, long organizationId, long lineId, string contact, Channel channel, CancellationToken cancellationToken)
    {
        await using var command = context.Command(Create)
            .With("@org", organizationId).With("@line", lineId).With("@contact", contact).With("@channel", (long)channel);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task<IReadOnlyList<HeldMessage>> HeldAsync(WriteContext context, long conversationId, CancellationToken cancellationToken)
    {
        await using var command = context.Command("SELECT id, direction, created_at FROM messages WHERE conversation_id = @id AND status = 'held' ORDER BY seq")
            .With("@id", conversationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var held = new List<HeldMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            held.Add(ReadHeld(reader, context.Dialect, 0));
        }

        return held;
    }

    /// <summary>A held message from the columns id, direction, created_at, starting at <paramref name="first"/>.</summary>
    internal static HeldMessage ReadHeld(DbDataReader r, Dialect dialect, int first) =>
        new(dialect.ReadUuid(r, first), (Direction)r.GetInt64(first + 1), DbExtensions.FromUnixMs(r.GetInt64(first + 2)));

    internal static ConversationRow Read(DbDataReader r)
    {
        var state = (ConsentState)r.GetInt64(6);
        var request = state == ConsentState.Pending && !r.IsDBNull(8)
            ? new PendingRequest((Initiator)r.GetInt64(8), DbExtensions.FromUnixMs(r.GetInt64(9)), DbExtensions.FromUnixMs(r.GetInt64(10)), (int)r.GetInt64(11), r.GetInt64(12) == 1)
            : null;
        var optOut = state == ConsentState.OptedOut
            ? new OptOutRecord(r.IsDBNull(13) ? OptOutSource.Scope : (OptOutSource)r.GetInt64(13), r.GetNullableString(14) ?? string.Empty)
            : null;
        var conversation = new Conversation
        {
            State = state,
            Since = DbExtensions.FromUnixMs(r.GetNullableInt64(7)),
            Request = request,
            OptOut = optOut,
            LastInboundAt = DbExtensions.FromUnixMs(r.GetNullableInt64(15)),
        };
        return new ConversationRow(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), (Channel)r.GetInt64(4), r.GetInt64(5), conversation);
    }
}
