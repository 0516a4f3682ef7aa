using System.Data.Common;
using Optline.Core.Consent;
using Optline.Storage.Audit;
using Optline.Storage.Conversations;
using Optline.Storage.Database;
using Optline.Storage.Organizations;

namespace Optline.Storage.Outbox;

/// <summary>A queued message claimed for sending, with everything the channel needs.</summary>
public sealed record ClaimedSend(
    long OutboxId, Guid MessageId, long OrganizationId, long ConversationId, int Attempt, Channel Channel,
    string From, string To, string Body, string? TemplateId, bool AsWhatsAppTemplate, string LineDisplayName, long LineId);

/// <summary>A message that gave up after its last attempt, for an admin to see and retry.</summary>
public sealed record DeadLetter(long OutboxId, Guid MessageId, Channel Channel, string From, string To, int Attempts, string? LastError);

/// <summary>
/// The transactional outbox: claims due rows without blocking other nodes, re-checks consent at the moment
/// of sending, and records each outcome (sent, retry with backoff, dead letter, cancelled).
/// </summary>
public sealed class OutboxStore(OptlineDatabase database, OrganizationStore organizations, OutboxOptions options)
{
    private const string ClaimSql =
        "SELECT o.id, o.message_id, o.organization_id, o.conversation_id, o.requires, o.attempts, c.channel, c.contact, c.state, c.request_after_opt_out, c.last_inbound_at, " +
        "l.number, l.display_name, m.body, m.template_id, m.as_whatsapp_template, c.line_id " +
        "FROM outbox o JOIN conversations c ON c.id = o.conversation_id JOIN lines l ON l.id = c.line_id JOIN messages m ON m.id = o.message_id " +
        "WHERE o.dead = 0 AND o.due_at <= @now AND (o.claimed_until IS NULL OR o.claimed_until < @now) ORDER BY o.due_at, o.id LIMIT @limit";

    /// <summary>Claims up to <paramref name="limit"/> due messages; those whose consent no longer holds are cancelled instead.</summary>
    public Task<IReadOnlyList<ClaimedSend>> ClaimDueAsync(int limit, CancellationToken cancellationToken = default) =>
        database.WriteAsync<IReadOnlyList<ClaimedSend>>(async (context, ct) =>
        {
            var candidates = new List<(ClaimedSend Send, string Requires, ConsentState State, bool AfterOptOut, DateTimeOffset? LastInbound)>();
            var sql = ClaimSql + (context.Dialect.IsPostgres ? " FOR UPDATE OF o SKIP LOCKED" : string.Empty);
            await using (var select = context.Command(sql).With("@now", context.Now.ToUnixMs()).With("@limit", limit))
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    var send = new ClaimedSend(reader.GetInt64(0), context.Dialect.ReadUuid(reader, 1), reader.GetInt64(2), reader.GetInt64(3),
                        (int)reader.GetInt64(5) + 1, (Channel)reader.GetInt64(6), reader.GetString(11), reader.GetString(7), reader.GetString(13),
                        reader.GetNullableString(14), reader.GetInt64(15) == 1, reader.GetString(12), reader.GetInt64(16));
                    candidates.Add((send, reader.GetString(4), (ConsentState)reader.GetInt64(8), reader.GetNullableInt64(9) == 1,
                        DbExtensions.FromUnixMs(reader.GetNullableInt64(10))));
                }
            }

            var claimed = new List<ClaimedSend>(candidates.Count);
            foreach (var (send, requires, state, afterOptOut, lastInbound) in candidates)
            {
                var policy = await organizations.PolicyAsync(context.Connection, context.Transaction, send.OrganizationId, ct);
                var refusal = ConsentRecheck.Refusal(requires, state, afterOptOut, policy, send.Channel, lastInbound, send.AsWhatsAppTemplate, context.Now);
                if (refusal is not null)
                {
                    // Cancelling appends to the organization's chain. Waiting for its head while holding the rows just locked
                    // would deadlock with an event that holds the head and cancels those rows (a STOP on another node); leave
                    // the row to that event, or to the next claim.
                    if (!await TryLockChainAsync(context, send.OrganizationId, ct))
                    {
                        continue;
                    }

                    await FinishAsync(context, send, MessageStatuses.Cancelled, refusal, "send_cancelled_at_recheck", null, ct);
                    continue;
                }

                await using var claim = context.Command("UPDATE outbox SET claimed_until = @until, attempts = attempts + 1 WHERE id = @id")
                    .With("@until", (context.Now + options.ClaimTimeout).ToUnixMs()).With("@id", send.OutboxId);
                await claim.ExecuteNonQueryAsync(ct);
                claimed.Add(send);
            }

            return claimed;
        }, cancellationToken);

    /// <summary>
    /// The last consent re-check, right before the carrier call (a read, outside the writer): null when the message
    /// may still leave, else why not. Keeps the gap between a STOP's commit and a send already claimed to a read.
    /// </summary>
    public Task<string?> RecheckAsync(ClaimedSend send, CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command(
                "SELECT o.requires, c.state, c.request_after_opt_out, c.last_inbound_at FROM outbox o JOIN conversations c ON c.id = o.conversation_id WHERE o.id = @id")
                .With("@id", send.OutboxId);
            string requires;
            ConsentState state;
            bool afterOptOut;
            DateTimeOffset? lastInbound;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return "cancelled";
                }

                (requires, state, afterOptOut, lastInbound) = (reader.GetString(0), (ConsentState)reader.GetInt64(1), reader.GetNullableInt64(2) == 1,
                    DbExtensions.FromUnixMs(reader.GetNullableInt64(3)));
            }

            var policy = await organizations.PolicyAsync(connection, null, send.OrganizationId, cancellationToken);
            return ConsentRecheck.Refusal(requires, state, afterOptOut, policy, send.Channel, lastInbound, send.AsWhatsAppTemplate, database.Time.GetUtcNow());
        }, cancellationToken);

    public Task CancelAsync(ClaimedSend send, string reason, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            await FinishAsync(context, send, MessageStatuses.Cancelled, reason, "send_cancelled_at_recheck", null, ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Records that the carrier accepted the message. False when its row is already gone: an earlier attempt of this
    /// record committed (its answer was lost with the database connection), so recording again would duplicate it.
    /// </summary>
    public Task<bool> MarkSentAsync(ClaimedSend send, string? providerMessageId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            await using (var exists = context.Command("SELECT COUNT(*) FROM outbox WHERE id = @id AND message_id = @message")
                .With("@id", send.OutboxId).With("@message", context.Dialect.Uuid(send.MessageId)))
            {
                if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    return false;
                }
            }

            await FinishAsync(context, send, MessageStatuses.Sent, null, "message_sent", providerMessageId, ct);
            return true;
        }, cancellationToken);

    /// <summary>A failed attempt: retried with exponential backoff and jitter, or dead-lettered after the last attempt or a permanent failure.</summary>
    public Task<bool> MarkFailedAsync(ClaimedSend send, string error, bool permanent, TimeSpan? retryAfter, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            var audit = await AuditChain.OpenAsync(context, send.OrganizationId, ct); // the chain head first, as every write takes it
            if (permanent || send.Attempt >= options.MaxAttempts)
            {
                await using (var dead = context.Command("UPDATE outbox SET dead = 1, claimed_until = NULL, last_error = @error WHERE id = @id")
                    .With("@id", send.OutboxId).With("@error", error))
                {
                    await dead.ExecuteNonQueryAsync(ct);
                }

                await MessageRows.SetStatusAsync(context, send.MessageId, MessageStatuses.Failed, ct, error);
                await AuditAsync(audit, send, "send_failed", null, $"attempt {send.Attempt}: {error}", ct);
                return true;
            }

            var delay = retryAfter ?? Backoff(send.Attempt);
            await using (var retry = context.Command("UPDATE outbox SET due_at = @due, claimed_until = NULL, last_error = @error WHERE id = @id")
                .With("@id", send.OutboxId).With("@due", (context.Now + delay).ToUnixMs()).With("@error", error))
            {
                await retry.ExecuteNonQueryAsync(ct);
            }

            await AuditAsync(audit, send, "send_retry_scheduled", null, $"attempt {send.Attempt}: {error}; next in {delay.TotalSeconds:0.#} s", ct);
            return false;
        }, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ListDeadAsync(long organizationId, long after, int limit, CancellationToken cancellationToken = default) =>
        database.ReadAsync<IReadOnlyList<DeadLetter>>(async connection =>
        {
            await using var command = connection.Command(
                "SELECT o.id, o.message_id, c.channel, l.number, c.contact, o.attempts, o.last_error FROM outbox o " +
                "JOIN conversations c ON c.id = o.conversation_id JOIN lines l ON l.id = c.line_id " +
                "WHERE o.organization_id = @org AND o.dead = 1 AND o.id > @after ORDER BY o.id LIMIT @limit")
                .With("@org", organizationId).With("@after", after).With("@limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var dead = new List<DeadLetter>();
            while (await reader.ReadAsync(cancellationToken))
            {
                dead.Add(new DeadLetter(reader.GetInt64(0), database.Dialect.ReadUuid(reader, 1), (Channel)reader.GetInt64(2), reader.GetString(3),
                    reader.GetString(4), (int)reader.GetInt64(5), reader.GetNullableString(6)));
            }

            return dead;
        }, cancellationToken);

    /// <summary>Puts a dead letter back in the queue with fresh attempts; its consent is re-checked when it is claimed.</summary>
    public Task<bool> RetryDeadAsync(long organizationId, long outboxId, CancellationToken cancellationToken = default) =>
        database.WriteAsync(async (context, ct) =>
        {
            await using var retry = context.Command(
                "UPDATE outbox SET dead = 0, attempts = 0, due_at = @now, claimed_until = NULL WHERE id = @id AND organization_id = @org AND dead = 1")
                .With("@id", outboxId).With("@org", organizationId).With("@now", context.Now.ToUnixMs());
            if (await retry.ExecuteNonQueryAsync(ct) == 0)
            {
                return false;
            }

            await using var requeue = context.Command("UPDATE messages SET status = 'queued' WHERE id = (SELECT message_id FROM outbox WHERE id = @id)").With("@id", outboxId);
            await requeue.ExecuteNonQueryAsync(ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// A carrier's delivery report: the message's status moves to delivered or failed (a later report never moves a
    /// delivered message back). Returns the conversation it belongs to, or null for an unknown provider id.
    /// </summary>
    public Task<(long LineId, string Contact, Channel Channel)?> RecordDeliveryAsync(string providerMessageId, string status, string? errorCode, CancellationToken cancellationToken = default) =>
        database.WriteAsync<(long, string, Channel)?>(async (context, ct) =>
        {
            await using var find = context.Command(
                "SELECT m.id, c.organization_id, c.line_id, c.contact, c.channel, l.number FROM messages m JOIN conversations c ON c.id = m.conversation_id " +
                "JOIN lines l ON l.id = c.line_id WHERE m.provider_message_id = @provider AND m.direction = 1")
                .With("@provider", providerMessageId);
            Guid id;
            long organizationId, lineId;
            string contact, lineNumber;
            Channel channel;
            await using (var reader = await find.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct))
                {
                    return null;
                }

                (id, organizationId, lineId, contact, channel, lineNumber) = (context.Dialect.ReadUuid(reader, 0), reader.GetInt64(1), reader.GetInt64(2),
                    reader.GetString(3), (Channel)reader.GetInt64(4), reader.GetString(5));
            }

            var mapped = status switch
            {
                "delivered" or "read" => MessageStatuses.Delivered,
                "failed" or "undelivered" => MessageStatuses.Failed,
                _ => null,
            };
            if (mapped is not null)
            {
                await using var update = context.Command("UPDATE messages SET status = @status, reason = COALESCE(@error, reason), updated_at = @now WHERE id = @id AND status <> 'delivered'")
                    .With("@id", context.Dialect.Uuid(id)).With("@status", mapped).With("@error", errorCode).With("@now", context.Now.ToUnixMs());
                await update.ExecuteNonQueryAsync(ct);
            }

            var audit = await AuditChain.OpenAsync(context, organizationId, ct);
            await audit.AppendAsync(new AuditEntry("delivery_report")
            {
                LineNumber = lineNumber,
                Contact = contact,
                Channel = channel.Name(),
                MessageId = id.ToString(),
                ProviderMessageId = providerMessageId,
                Detail = errorCode is null ? status : $"{status}; error {errorCode}",
            }, ct);
            await audit.CloseAsync(ct);
            return (lineId, contact, channel);
        }, cancellationToken);

    /// <summary>The earliest time a queued message falls due, to sleep until then.</summary>
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) =>
        database.ReadAsync(async connection =>
        {
            await using var command = connection.Command("SELECT MIN(due_at) FROM outbox WHERE dead = 0 AND claimed_until IS NULL");
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? (DateTimeOffset?)null : DbExtensions.FromUnixMs(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }, cancellationToken);

    private TimeSpan Backoff(int attempt)
    {
        var exponential = options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, options.MaxRetryDelay.TotalMilliseconds);
        var jitter = 0.5 + (Random.Shared.NextDouble() / 2);
        return TimeSpan.FromMilliseconds(capped * jitter);
    }

    private static async Task FinishAsync(WriteContext context, ClaimedSend send, string status, string? reason, string auditEvent, string? providerMessageId, CancellationToken ct)
    {
        // Lock order on PostgreSQL, as in every event: the organization's chain head first, then the rows. Taking the
        // outbox and message rows first deadlocks with a STOP that holds the head and cancels them.
        var audit = await AuditChain.OpenAsync(context, send.OrganizationId, ct);
        await using (var delete = context.Command("DELETE FROM outbox WHERE id = @id").With("@id", send.OutboxId))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }

        await using (var update = context.Command(
            "UPDATE messages SET status = @status, reason = COALESCE(@reason, reason), provider_message_id = COALESCE(@provider, provider_message_id), " +
            "outbox_id = @outbox, updated_at = @now WHERE id = @id")
            .With("@id", context.Dialect.Uuid(send.MessageId)).With("@status", status).With("@reason", reason)
            .With("@provider", providerMessageId).With("@outbox", send.OutboxId).With("@now", context.Now.ToUnixMs()))
        {
            await update.ExecuteNonQueryAsync(ct);
        }

        await AuditAsync(audit, send, auditEvent, providerMessageId, reason, ct);
    }

    /// <summary>Locks the organization's chain head unless another transaction holds it (PostgreSQL; SQLite has one writer).</summary>
    private static async Task<bool> TryLockChainAsync(WriteContext context, long organizationId, CancellationToken ct)
    {
        if (!context.Dialect.IsPostgres)
        {
            return true;
        }

        await using var command = context.Command("SELECT organization_id FROM audit_heads WHERE organization_id = @org FOR UPDATE SKIP LOCKED").With("@org", organizationId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static async Task AuditAsync(AuditChain audit, ClaimedSend send, string @event, string? providerMessageId, string? detail, CancellationToken ct)
    {
        await audit.AppendAsync(new AuditEntry(@event)
        {
            LineNumber = send.From,
            Contact = send.To,
            Channel = send.Channel.Name(),
            MessageId = send.MessageId.ToString(),
            TemplateId = send.TemplateId,
            ProviderMessageId = providerMessageId,
            Detail = detail,
        }, ct);
        await audit.CloseAsync(ct);
    }
}

/// <summary>The consent re-check at the moment of sending: null when the message may leave, else why not.</summary>
public static class ConsentRecheck
{
    public static string? Refusal(string requires, ConsentState state, bool afterOptOut, ConsentPolicy policy, Channel channel,
        DateTimeOffset? lastInbound, bool asWhatsAppTemplate, DateTimeOffset now)
    {
        var allowed = requires switch
        {
            SendRequirement.Consent => state == ConsentState.OptedIn
                || (!policy.IsGated(channel) && state != ConsentState.OptedOut && !(state == ConsentState.Pending && afterOptOut)),
            SendRequirement.Pending => state == ConsentState.Pending,
            SendRequirement.OptedIn => state == ConsentState.OptedIn,
            SendRequirement.Never => false,
            _ => true,
        };
        if (!allowed)
        {
            return state == ConsentState.OptedOut || requires == SendRequirement.Never ? "opted_out" : "consent_changed";
        }

        var windowClosed = channel == Channel.WhatsApp && !asWhatsAppTemplate
            && (lastInbound is not { } last || now - last >= policy.WhatsAppWindow);
        return windowClosed ? "whatsapp_window_closed" : null;
    }
}
