using System.Data.Common;
using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

public sealed record TimelineItem(long Seq, Guid Id, string Kind, string? Direction, string Body, string Status, string? Reason, string? TemplateId, DateTimeOffset At);

public sealed record ConsentHistoryItem(long Seq, DateTimeOffset At, string Event, string? Source, string? Text);

public sealed record ReviewItem(long Id, Guid MessageId, string LineNumber, string Contact, string Channel, string Body, string Rule, DateTimeOffset At, string? Decision, long LineId);

public sealed record SimulatedMessage(long Seq, Guid Id, string Channel, string From, string To, string Body, string Status, DateTimeOffset At);

/// <summary>The read side: timelines, consent states and history, reviews, what the simulator's contacts received.</summary>
public sealed class ConversationQueries(OptlineDatabase database)
{
    public Task<ConversationRow?> FindAsync(long lineId, string contact, Channel channel, CancellationToken ct = default) =>
        database.ReadAsync(connection => ConversationRows.FindAsync(connection, lineId, contact, channel, ct), ct);

    public Task<IReadOnlyList<TimelineItem>> TimelineAsync(long conversationId, long after, int limit, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<TimelineItem>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT seq, id, kind, direction, body, status, reason, template_id, created_at FROM messages WHERE conversation_id = @id AND seq > @after ORDER BY seq LIMIT @limit")
                .With("@id", conversationId).With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<TimelineItem>();
            while (await reader.ReadAsync(ct))
            {
                var kind = (MessageKind)reader.GetInt64(2);
                items.Add(new TimelineItem(reader.GetInt64(0), database.Dialect.ReadUuid(reader, 1), kind == MessageKind.Notice ? "notice" : "message",
                    reader.IsDBNull(3) ? null : ((Direction)reader.GetInt64(3)).Name(), reader.GetString(4), reader.GetString(5),
                    reader.GetNullableString(6), reader.GetNullableString(7), DbExtensions.FromUnixMs(reader.GetInt64(8))));
            }

            return items;
        }, ct);

    /// <summary>Every consent transition of one conversation, from the attestation record.</summary>
    public Task<IReadOnlyList<ConsentHistoryItem>> ConsentHistoryAsync(long organizationId, string lineNumber, string contact, Channel channel, long after, int limit, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<ConsentHistoryItem>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT seq, at, event, rule, text FROM audit_records WHERE organization_id = @org AND contact = @contact AND line_number = @line AND channel = @channel " +
                "AND event LIKE 'consent_%' AND seq > @after ORDER BY seq LIMIT @limit")
                .With("@org", organizationId).With("@contact", contact).With("@line", lineNumber).With("@channel", channel.Name())
                .With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<ConsentHistoryItem>();
            while (await reader.ReadAsync(ct))
            {
                items.Add(new ConsentHistoryItem(reader.GetInt64(0), DbExtensions.FromUnixMs(reader.GetInt64(1)), reader.GetString(2)["consent_".Length..],
                    reader.GetNullableString(3), reader.GetNullableString(4)));
            }

            return items;
        }, ct);

    public Task<IReadOnlyList<(long LineId, string Contact)>> PendingWithHeldAsync(long organizationId, Channel channel, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<(long, string)>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT c.line_id, c.contact FROM conversations c WHERE c.organization_id = @org AND c.channel = @channel AND c.state = @pending " +
                "AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.status = 'held')")
                .With("@org", organizationId).With("@channel", (long)channel).With("@pending", (long)ConsentState.Pending);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<(long, string)>();
            while (await reader.ReadAsync(ct))
            {
                items.Add((reader.GetInt64(0), reader.GetString(1)));
            }

            return items;
        }, ct);

    public Task<IReadOnlyList<ReviewItem>> ReviewsAsync(long organizationId, long? lineId, bool openOnly, long after, int limit, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<ReviewItem>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT r.id, r.message_id, l.number, c.contact, c.channel, m.body, r.rule, r.created_at, r.decision, l.id FROM reviews r " +
                "JOIN conversations c ON c.id = r.conversation_id JOIN lines l ON l.id = c.line_id JOIN messages m ON m.id = r.message_id " +
                "WHERE r.organization_id = @org AND (@line IS NULL OR c.line_id = @line) AND (@open = 0 OR r.decision IS NULL) AND r.id > @after ORDER BY r.id LIMIT @limit")
                .With("@org", organizationId).WithNullable("@line", lineId).With("@open", openOnly ? 1L : 0L).With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<ReviewItem>();
            while (await reader.ReadAsync(ct))
            {
                items.Add(ReadReview(reader));
            }

            return items;
        }, ct);

    public Task<ReviewItem?> ReviewAsync(long organizationId, long id, CancellationToken ct = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT r.id, r.message_id, l.number, c.contact, c.channel, m.body, r.rule, r.created_at, r.decision, l.id FROM reviews r " +
                "JOIN conversations c ON c.id = r.conversation_id JOIN lines l ON l.id = c.line_id JOIN messages m ON m.id = r.message_id " +
                "WHERE r.organization_id = @org AND r.id = @id")
                .With("@org", organizationId).With("@id", id);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadReview(reader) : null;
        }, ct);

    /// <summary>What the simulated contacts' phones received, in the order they were sent; <paramref name="after"/> counts messages already seen.</summary>
    public Task<IReadOnlyList<SimulatedMessage>> SimulatedOutboundAsync(string? to, IReadOnlyCollection<Channel> channels, long after, int limit, CancellationToken ct = default) =>
        database.ReadAsync<IReadOnlyList<SimulatedMessage>>(async connection =>
        {
            var channelList = string.Join(",", channels.Select(c => (long)c));
            await using var command = connection.Command(
                "SELECT m.seq, m.id, c.channel, l.number, c.contact, m.body, m.status, m.updated_at FROM messages m " +
                "JOIN conversations c ON c.id = m.conversation_id JOIN lines l ON l.id = c.line_id " +
                $"WHERE m.kind = 0 AND m.direction = 1 AND m.status IN ('sent', 'delivered') AND c.channel IN ({(channelList.Length == 0 ? "-1" : channelList)}) " +
                "AND (@to IS NULL OR c.contact = @to) ORDER BY m.updated_at, m.outbox_id, m.seq LIMIT @limit OFFSET @after")
                .WithNullable("@to", to).With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(ct);
            var items = new List<SimulatedMessage>();
            while (await reader.ReadAsync(ct))
            {
                items.Add(new SimulatedMessage(reader.GetInt64(0), database.Dialect.ReadUuid(reader, 1), ((Channel)reader.GetInt64(2)).Name(),
                    reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), DbExtensions.FromUnixMs(reader.GetInt64(7))));
            }

            return items;
        }, ct);

    private ReviewItem ReadReview(DbDataReader reader) =>
        new(reader.GetInt64(0), database.Dialect.ReadUuid(reader, 1), reader.GetString(2), reader.GetString(3), ((Channel)reader.GetInt64(4)).Name(),
            reader.GetString(5), reader.GetString(6), DbExtensions.FromUnixMs(reader.GetInt64(7)), reader.GetNullableString(8), reader.GetInt64(9));
}
