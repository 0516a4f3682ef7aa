using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Storage.Database;

namespace Optline.Server.Web.Inbox;

/// <summary>One conversation of a line as the inbox lists it: consent at a glance and the latest entry.</summary>
public sealed record ConversationSummary(
    string Contact, Channel Channel, ConsentState State, DateTimeOffset? Since, Initiator? PendingInitiator, long HeldCount,
    long LastSeq, string LastKind, Direction? LastDirection, string LastStatus, string LastBody, DateTimeOffset LastAt);

/// <summary>The inbox's read side beyond <see cref="ConversationQueries"/>: a line's conversations by latest activity.</summary>
public sealed class InboxQueries(OptlineDatabase database)
{
    /// <summary>The line's conversations that have any entry, most recent activity first; <paramref name="before"/> pages back.</summary>
    public Task<IReadOnlyList<ConversationSummary>> ConversationsAsync(long lineId, long? before, int limit, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<ConversationSummary>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT c.contact, c.channel, c.state, c.since, c.request_initiator, " +
                "(SELECT COUNT(*) FROM messages h WHERE h.conversation_id = c.id AND h.status = 'held'), " +
                "m.seq, m.kind, m.direction, m.status, m.body, m.created_at " +
                "FROM conversations c JOIN messages m ON m.seq = (SELECT MAX(x.seq) FROM messages x WHERE x.conversation_id = c.id) " +
                "WHERE c.line_id = @line AND (@before IS NULL OR m.seq < @before) ORDER BY m.seq DESC LIMIT @limit")
                .With("@line", lineId).WithNullable("@before", before).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<ConversationSummary>();
            while (await reader.ReadAsync(ct))
            {
                var state = (ConsentState)reader.GetInt64(2);
                items.Add(new ConversationSummary(
                    reader.GetString(0), (Channel)reader.GetInt64(1), state, DbExtensions.FromUnixMs(reader.GetNullableInt64(3)),
                    state == ConsentState.Pending && reader.GetNullableInt64(4) is { } initiator ? (Initiator)initiator : null,
                    reader.GetInt64(5), reader.GetInt64(6), (MessageKind)reader.GetInt64(7) == MessageKind.Notice ? "notice" : "message",
                    reader.GetNullableInt64(8) is { } direction ? (Direction)direction : null, reader.GetString(9), reader.GetString(10),
                    DbExtensions.FromUnixMs(reader.GetInt64(11))));
            }

            return items;
        }, ct);

    /// <summary>The cursor that shows only the newest <paramref name="keep"/> entries of a conversation (0 when it has fewer).</summary>
    public Task<long> NewestWindowStartAsync(long conversationId, int keep, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT seq FROM messages WHERE conversation_id = @id ORDER BY seq DESC LIMIT 1 OFFSET @keep")
                .With("@id", conversationId).With("@keep", keep);
            return await command.ExecuteScalarAsync(ct) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0L;
        }, ct);

    public Task<long> HeldCountAsync(long conversationId, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT COUNT(*) FROM messages WHERE conversation_id = @id AND status = 'held'").With("@id", conversationId);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }, ct);
}
