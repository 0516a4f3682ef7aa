using System.Globalization;
using Optline.Core.Consent;
using Optline.Storage.Database;

namespace Optline.Server.Web.Live;

/// <summary>
/// Cheap fingerprints of what a screen shows, read from the database so that a change committed by any node is seen:
/// the newest timeline entry of a line, and the newest entry and latest status change of one conversation.
/// </summary>
public sealed class LiveSignals(OptlineDatabase database)
{
    /// <summary>Changes when any conversation of the line gets a message or notice, or when the given conversation changes at all.</summary>
    public Task<string> LineAsync(long lineId, string? contact, Channel channel, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT (SELECT MAX(m.seq) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.line_id = @line), " +
                "(SELECT MAX(m.updated_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
                "WHERE c.line_id = @line AND c.contact = @contact AND c.channel = @channel), " +
                "(SELECT c.version FROM conversations c WHERE c.line_id = @line AND c.contact = @contact AND c.channel = @channel)")
                .With("@line", lineId).With("@contact", contact ?? string.Empty).With("@channel", (long)channel);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return Fingerprint(reader.GetNullableInt64(0), reader.GetNullableInt64(1), reader.GetNullableInt64(2));
        }, ct);

    /// <summary>Changes when the conversation gets a message or notice, or one of its messages changes status (held, sent, ...).</summary>
    public Task<string> ConversationAsync(long lineId, string contact, Channel channel, CancellationToken ct) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT MAX(m.seq), MAX(m.updated_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
                "WHERE c.line_id = @line AND c.contact = @contact AND c.channel = @channel")
                .With("@line", lineId).With("@contact", contact).With("@channel", (long)channel);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return Fingerprint(reader.GetNullableInt64(0), reader.GetNullableInt64(1), null);
        }, ct);

    private static string Fingerprint(long? a, long? b, long? c) =>
        string.Create(CultureInfo.InvariantCulture, $"{a ?? 0}.{b ?? 0}.{c ?? 0}");
}
