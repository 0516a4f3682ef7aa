using Optline.Core.Consent;
using Optline.Core.Templates;
using Optline.Storage.Database;

namespace Optline.Storage.Outbox;

/// <summary>What must still hold at the moment of sending for a queued message to leave (the consent re-check).</summary>
public static class SendRequirement
{
    /// <summary>A line's own message: the contact consented, or the conversation is ungated and not opted out.</summary>
    public const string Consent = "consent";

    /// <summary>An opt-in request: the request is still pending.</summary>
    public const string Pending = "pending";

    public const string OptedIn = "opted_in";

    /// <summary>HELP replies and opt-out confirmations go whatever the state: a contact who said STOP is always told it worked.</summary>
    public const string Any = "any";

    /// <summary>Cancelled by an opt-out while a dispatcher held it: it may never leave, whatever the state becomes.</summary>
    public const string Never = "never";

    public static string For(TemplateId template) => template switch
    {
        TemplateId.LineRequest or TemplateId.ContactRequest => Pending,
        TemplateId.LineOptedInConfirm or TemplateId.ContactOptedInConfirm => OptedIn,
        _ => Any,
    };
}

internal static class OutboxRows
{
    private const string TakeSlot =
        "INSERT INTO sender_slots (number, channel, next_slot_at) VALUES (@number, @channel, @now) " +
        "ON CONFLICT (number, channel) DO UPDATE SET next_slot_at = CASE WHEN sender_slots.next_slot_at + @slot > @now THEN sender_slots.next_slot_at + @slot ELSE @now END " +
        "RETURNING next_slot_at";

    private const string InsertOutbox =
        "INSERT INTO outbox (message_id, organization_id, conversation_id, requires, due_at, attempts, dead) ";

    /// <summary>
    /// Queues a message, due at its sending number's next free slot. The slot row is shared by every node,
    /// so a backlog drains at the carrier's rate instead of being refused by it.
    /// </summary>
    public static async Task EnqueueAsync(WriteContext context, OutboxOptions options, Guid messageId, long organizationId, long conversationId,
        string fromNumber, Channel channel, string requires, CancellationToken cancellationToken)
    {
        var nowMicros = context.Now.ToUnixMs() * 1000;
        if (context.Dialect.IsPostgres)
        {
            // One statement whose result nobody reads, so it travels with the batch's other writes.
            await using var enqueue = context.Command(
                $"WITH slot AS ({TakeSlot}) {InsertOutbox} SELECT @message, @org, @conversation, @requires, next_slot_at / 1000, 0, 0 FROM slot");
            BindSlot(enqueue, options, fromNumber, channel, nowMicros);
            BindRow(enqueue, context, messageId, organizationId, conversationId, requires);
            await enqueue.ExecuteLaterAsync(cancellationToken);
            return;
        }

        await using var slot = context.Command(TakeSlot);
        BindSlot(slot, options, fromNumber, channel, nowMicros);
        var dueMicros = Convert.ToInt64(await slot.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        await using var insert = context.Command($"{InsertOutbox} VALUES (@message, @org, @conversation, @requires, @due, 0, 0)");
        BindRow(insert, context, messageId, organizationId, conversationId, requires).With("@due", dueMicros / 1000);
        await insert.ExecuteLaterAsync(cancellationToken);
    }

    private static Statement BindSlot(Statement statement, OutboxOptions options, string fromNumber, Channel channel, long nowMicros) =>
        statement.With("@number", fromNumber).With("@channel", (long)channel).With("@now", nowMicros).With("@slot", options.SlotMicroseconds(channel, fromNumber));

    private static Statement BindRow(Statement statement, WriteContext context, Guid messageId, long organizationId, long conversationId, string requires) =>
        statement.With("@message", context.Dialect.Uuid(messageId)).With("@org", organizationId).With("@conversation", conversationId).With("@requires", requires);

    /// <summary>
    /// Cancels every queued, unsent message of a conversation; returns their ids. A message a dispatcher has claimed is
    /// in flight (or held by a crashed node until its claim times out): it is not deleted under the dispatcher, but
    /// marked so that it can never leave after this point — a send whose re-check already passed completes and is
    /// recorded as sent; any later re-check refuses it, whatever the consent has become by then. (Deleting it here
    /// recorded "cancelled" for messages the carrier then accepted, and freed their row id for reuse by the next row,
    /// which the dispatcher's "sent" then deleted: an opt-out confirmation was lost that way.)
    /// </summary>
    // "+dead" keeps these statements about one conversation on the conversation's index: a plan made without
    // statistics (SQLite's always; PostgreSQL's prepared while the tables were small) may otherwise walk the due index
    // over every live row of the outbox, the whole backlog, at each opt-out.

    /// <summary>The conversation's claimed rows may no longer leave.</summary>
    internal const string RevokeClaimedSql =
        "UPDATE outbox SET requires = @never WHERE conversation_id = @conversation AND +dead = 0 AND claimed_until IS NOT NULL";

    /// <summary>The conversation's rows not claimed go.</summary>
    internal const string DeleteUnclaimedSql =
        "DELETE FROM outbox WHERE conversation_id = @conversation AND +dead = 0 AND claimed_until IS NULL RETURNING message_id";

    public static async Task<IReadOnlyList<Guid>> CancelQueuedAsync(WriteContext context, long conversationId, CancellationToken cancellationToken)
    {
        await using (var revoke = context.Command(RevokeClaimedSql)
            .With("@conversation", conversationId).With("@never", SendRequirement.Never))
        {
            await revoke.ExecuteNonQueryAsync(cancellationToken);
        }

        var ids = new List<Guid>();
        await using var delete = context.Command(
            DeleteUnclaimedSql)
            .With("@conversation", conversationId);
        await using var reader = await delete.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(context.Dialect.ReadUuid(reader, 0));
        }

        return ids;
    }
}
