using Optline.Core.Consent;
using Optline.Core.Templates;
using Optline.Storage.Database;

namespace Optline.Storage.Conversations;

/// <summary>A timeline entry: a message in either direction, or a notice to the line.</summary>
public enum MessageKind
{
    Message = 0,
    Notice = 1,
}

/// <summary>Message statuses as the contract spells them.</summary>
public static class MessageStatuses
{
    public const string Held = "held";
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Expired = "expired";
    public const string Blocked = "blocked";
}

internal static class MessageRows
{
    private static readonly RowInsert Insert = new("messages",
        ("id", ColumnType.Uuid), ("conversation_id", ColumnType.Bigint), ("kind", ColumnType.Bigint), ("direction", ColumnType.Bigint),
        ("body", ColumnType.Text), ("status", ColumnType.Text), ("reason", ColumnType.Text), ("template_id", ColumnType.Text),
        ("template_language", ColumnType.Text), ("template_version", ColumnType.Bigint), ("as_whatsapp_template", ColumnType.Bigint),
        ("provider_message_id", ColumnType.Text), ("created_at", ColumnType.Bigint), ("updated_at", ColumnType.Bigint));

    public static Task InsertAsync(
        WriteContext context, Guid id, long conversationId, MessageKind kind, Direction? direction, string body, string status,
        CancellationToken cancellationToken, string? reason = null, RenderedText? template = null, bool asWhatsAppTemplate = false, string? providerMessageId = null)
    {
        var now = context.Now.ToUnixMs();
        return context.InsertRowAsync(Insert,
            [
                context.Dialect.Uuid(id), conversationId, (long)kind, (long?)direction, body, status, reason, template?.Template.Name(),
                template?.Language, (long?)template?.Version, asWhatsAppTemplate ? 1L : 0L, providerMessageId, now, now,
            ],
            cancellationToken);
    }

    public static async Task SetStatusAsync(WriteContext context, Guid id, string status, CancellationToken cancellationToken, string? reason = null)
    {
        await using var command = context.Command("UPDATE messages SET status = @status, reason = COALESCE(@reason, reason), updated_at = @now WHERE id = @id")
            .With("@id", context.Dialect.Uuid(id)).With("@status", status).With("@reason", reason).With("@now", context.Now.ToUnixMs());
        await command.ExecuteLaterAsync(cancellationToken);
    }

    public static async Task<string?> BodyAsync(WriteContext context, Guid id, CancellationToken cancellationToken)
    {
        await using var command = context.Command("SELECT body FROM messages WHERE id = @id").With("@id", context.Dialect.Uuid(id));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
