using System.Collections.Concurrent;
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
    string From, string To, string Body, string? TemplateId, bool AsWhatsAppTemplate, string LineDisplayName, long LineId,
    DateTimeOffset DueAt = default)
{
    /// <summary>The sending number and channel as one value: what carrier pacing is per.</summary>
    public long Sender => SenderKey(LineId, Channel);

    public static long SenderKey(long lineId, Channel channel) => (lineId * 16) + (long)channel;
}

/// <summary>What one claim takes: up to <see cref="Limit"/> rows due within <see cref="Lookahead"/>, oldest first.</summary>
public sealed record ClaimRequest(int Limit)
{
    public TimeSpan Lookahead { get; init; }

    /// <summary>Senders (<see cref="ClaimedSend.Sender"/>) whose messages are not wanted now: their pacing has no room for more.</summary>
    public IReadOnlyCollection<long> SkipSenders { get; init; } = [];

    /// <summary>
    /// Picks the messages to claim among those whose consent still holds (the rest stay queued for a later claim). Runs in
    /// the writer, maybe more than once for one claim: it must not change anything.
    /// </summary>
    public Func<IReadOnlyList<ClaimedSend>, IReadOnlyList<ClaimedSend>>? Choose { get; init; }
}

/// <summary>What a claim took, and whether it stopped at its limit (more may be due at once).</summary>
public sealed record ClaimResult(IReadOnlyList<ClaimedSend> Claimed, bool MaybeMore);

/// <summary>A message that gave up after its last attempt, for an admin to see and retry.</summary>
public sealed record DeadLetter(long OutboxId, Guid MessageId, Channel Channel, string From, string To, int Attempts, string? LastError);

/// <summary>
/// The transactional outbox: claims due rows without blocking other nodes, re-checks consent at the moment
/// of sending, and records each outcome (sent, retry with backoff, dead letter, cancelled). Claims, re-checks and
/// "sent" records are set-based: concurrent re-checks share one query and concurrent "sent" records one unit of work.
/// </summary>
public sealed class OutboxStore
{
    private readonly OptlineDatabase _database;
    private readonly OrganizationStore _organizations;
    private readonly OutboxOptions _options;
    private readonly Rechecks _rechecks;
    private readonly WriteCoalescer<(ClaimedSend Send, string? ProviderMessageId), bool> _sent;

    /// <summary>This dispatcher's name on the claims it makes, new at each start (a process that died leaves its claims to another).</summary>
    private long _node = NewNode();

    /// <summary>
    /// Rows this dispatcher is sending or recording as sent (<see cref="Hold"/>), with how many holds each has. A claim
    /// queued while the row's claim still held may run after it ran out (the writer behind a stalled disk), and the
    /// "sent" record may wait behind that claim: the claim must not take the row again and send it a second time.
    /// </summary>
    private readonly ConcurrentDictionary<long, int> _held = new();

    public OutboxStore(OptlineDatabase database, OrganizationStore organizations, OutboxOptions options)
    {
        _database = database;
        _organizations = organizations;
        _options = options;
        _rechecks = new(database, organizations);
        _sent = new(database, SentRecords.WriteAsync);
    }

    /// <summary>The re-check's answer for a message whose row is gone: its outcome was recorded by whatever removed it.</summary>
    public const string Gone = "gone";

    /// <summary>
    /// The re-check's answer for a message queued after one of its conversation's that now waits for a retry: it is
    /// released (<see cref="ReleaseAsync"/>), not cancelled, and claimed again after the earlier one.
    /// </summary>
    public const string Behind = "behind an earlier message of its conversation";

    /// <summary>
    /// Gives up the claims this dispatcher holds for messages it will not send (their sends were abandoned): they count
    /// from now on as another dispatcher's, so that the later messages of their conversations wait until those claims
    /// run out and the messages are claimed again, instead of passing them. Claims still in the lanes are only
    /// renamed: their sends and records go on.
    /// </summary>
    public void ForgetClaims() => Interlocked.Exchange(ref _node, NewNode());

    private static long NewNode() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <summary>
    /// Keeps this dispatcher's claims off <paramref name="send"/>'s row, even once its claim has run out, until the
    /// returned hold is disposed: from just before its carrier call until its outcome is recorded.
    /// </summary>
    public IDisposable Hold(ClaimedSend send)
    {
        _held.AddOrUpdate(send.OutboxId, 1, (_, holds) => holds + 1);
        return new RowHold(this, send.OutboxId);
    }

    private void Unhold(long outboxId)
    {
        while (_held.TryGetValue(outboxId, out var holds))
        {
            if (holds <= 1 ? _held.TryRemove(new KeyValuePair<long, int>(outboxId, holds)) : _held.TryUpdate(outboxId, holds - 1, holds))
            {
                return;
            }
        }
    }

    private sealed class RowHold(OutboxStore store, long outboxId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                store.Unhold(outboxId);
            }
        }
    }

    /// <summary>Claims up to <paramref name="limit"/> due messages; those whose consent no longer holds are cancelled instead.</summary>
    public async Task<IReadOnlyList<ClaimedSend>> ClaimDueAsync(int limit, CancellationToken cancellationToken = default) =>
        (await ClaimDueAsync(new ClaimRequest(limit), cancellationToken)).Claimed;

    /// <summary>Claims the messages <paramref name="request"/> asks for; those whose consent no longer holds are cancelled instead.</summary>
    public Task<ClaimResult> ClaimDueAsync(ClaimRequest request, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (context, ct) =>
        {
            var node = Interlocked.Read(ref _node);
            var candidates = await Claims.CandidatesAsync(context, request, node, ct);
            var policies = new Dictionary<long, ConsentPolicy>();
            var allowed = new List<ClaimedSend>(candidates.Count);
            var refused = new List<(ClaimedSend Send, string Refusal)>();
            foreach (var candidate in candidates.Where(c => !_held.ContainsKey(c.Send.OutboxId)))
            {
                if (!policies.TryGetValue(candidate.Send.OrganizationId, out var policy))
                {
                    policies[candidate.Send.OrganizationId] = policy = await _organizations.PolicyAsync(context, candidate.Send.OrganizationId, ct);
                }

                if (candidate.Refusal(policy, context.Now) is { } refusal)
                {
                    refused.Add((candidate.Send, refusal));
                }
                else
                {
                    allowed.Add(candidate.Send);
                }
            }

            var claimed = request.Choose?.Invoke(allowed) ?? allowed;
            await Claims.MarkClaimedAsync(context, claimed, context.Now + _options.ClaimTimeout, node, ct);
            foreach (var (send, refusal) in refused)
            {
                await FinishAsync(context, send, MessageStatuses.Cancelled, refusal, "send_cancelled_at_recheck", null, ct);
            }

            return new ClaimResult(claimed, MaybeMore: candidates.Count == request.Limit);
        }, cancellationToken);

    /// <summary>
    /// The last consent re-check, right before the carrier call (a read, outside the writer): null when the message
    /// may still leave, else why not. Keeps the gap between a STOP's commit and a send already claimed to a read.
    /// Re-checks asked for at the same time share one query; each is answered by a query that started after it was asked.
    /// </summary>
    public Task<string?> RecheckAsync(ClaimedSend send, CancellationToken cancellationToken = default) =>
        _rechecks.RefusalAsync(send).WaitAsync(cancellationToken);

    /// <summary>
    /// Records that a claimed message may not leave. False (nothing recorded) when its row is already gone: whatever
    /// removed it — its "sent" under an earlier claim, an opt-out — recorded the outcome.
    /// </summary>
    public Task<bool> CancelAsync(ClaimedSend send, string reason, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (context, ct) =>
        {
            if (reason == Gone || !await ExistsAsync(context, send, ct))
            {
                return false;
            }

            await FinishAsync(context, send, MessageStatuses.Cancelled, reason, "send_cancelled_at_recheck", null, ct);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Gives a claimed message back to the queue unsent, as if it had not been claimed: it keeps its place and its
    /// attempts. False when the row is no longer under this claim. The caller must drop the claim it holds.
    /// </summary>
    public Task<bool> ReleaseAsync(ClaimedSend send, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (context, ct) =>
        {
            await using var release = context.Command($"UPDATE outbox SET claimed_until = NULL, attempts = attempts - 1 WHERE {UnderThisClaim}")
                .With("@id", send.OutboxId).With("@message", context.Dialect.Uuid(send.MessageId)).With("@attempt", send.Attempt);
            return await release.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    /// <summary>
    /// Records that the carrier accepted the message. False when its row is already gone: an earlier attempt of this
    /// record committed (its answer was lost with the database connection), so recording again would duplicate it.
    /// Records asked for at the same time are written as one unit of work.
    /// </summary>
    public Task<bool> MarkSentAsync(ClaimedSend send, string? providerMessageId, CancellationToken cancellationToken = default) =>
        _sent.RunAsync((send, providerMessageId)).WaitAsync(cancellationToken);

    /// <summary>
    /// The row as this claim left it: a newer claim (this one ran out while its carrier call hung) counted another
    /// attempt, and a failure of the older one must not release the row under it.
    /// </summary>
    private const string UnderThisClaim = "id = @id AND message_id = @message AND attempts = @attempt";

    /// <summary>
    /// A failed attempt: retried with exponential backoff and jitter, or dead-lettered after the last attempt or a permanent
    /// failure. Nothing is recorded when the row is no longer under this claim (sent or failed under a newer one, or gone).
    /// </summary>
    public Task<bool> MarkFailedAsync(ClaimedSend send, string error, bool permanent, TimeSpan? retryAfter, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (context, ct) =>
        {
            var audit = await AuditChain.OpenAsync(context, send.OrganizationId, ct);
            if (permanent || send.Attempt >= _options.MaxAttempts)
            {
                await using (var dead = context.Command($"UPDATE outbox SET dead = 1, claimed_until = NULL, last_error = @error WHERE {UnderThisClaim}")
                    .With("@id", send.OutboxId).With("@message", context.Dialect.Uuid(send.MessageId)).With("@attempt", send.Attempt).With("@error", error))
                {
                    if (await dead.ExecuteNonQueryAsync(ct) == 0)
                    {
                        return false;
                    }
                }

                await MessageRows.SetStatusAsync(context, send.MessageId, MessageStatuses.Failed, ct, error);
                await AuditAsync(audit, send, "send_failed", null, $"attempt {send.Attempt}: {error}", ct);
                return true;
            }

            var delay = retryAfter ?? Backoff(send.Attempt);
            await using (var retry = context.Command($"UPDATE outbox SET due_at = @due, claimed_until = NULL, last_error = @error WHERE {UnderThisClaim}")
                .With("@id", send.OutboxId).With("@message", context.Dialect.Uuid(send.MessageId)).With("@attempt", send.Attempt)
                .With("@due", (context.Now + delay).ToUnixMs()).With("@error", error))
            {
                if (await retry.ExecuteNonQueryAsync(ct) == 0)
                {
                    return false;
                }
            }

            await AuditAsync(audit, send, "send_retry_scheduled", null, $"attempt {send.Attempt}: {error}; next in {delay.TotalSeconds:0.#} s", ct);
            return false;
        }, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ListDeadAsync(long organizationId, long after, int limit, CancellationToken cancellationToken = default) =>
        _database.ReadAsync<IReadOnlyList<DeadLetter>>(async connection =>
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
                dead.Add(new DeadLetter(reader.GetInt64(0), _database.Dialect.ReadUuid(reader, 1), (Channel)reader.GetInt64(2), reader.GetString(3),
                    reader.GetString(4), (int)reader.GetInt64(5), reader.GetNullableString(6)));
            }

            return dead;
        }, cancellationToken);

    /// <summary>Puts a dead letter back in the queue with fresh attempts; its consent is re-checked when it is claimed.</summary>
    public Task<bool> RetryDeadAsync(long organizationId, long outboxId, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(async (context, ct) =>
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
        _database.WriteAsync<(long, string, Channel)?>(async (context, ct) =>
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
            return (lineId, contact, channel);
        }, cancellationToken);

    private static async Task<bool> ExistsAsync(WriteContext context, ClaimedSend send, CancellationToken ct)
    {
        await using var exists = context.Command("SELECT COUNT(*) FROM outbox WHERE id = @id AND message_id = @message")
            .With("@id", send.OutboxId).With("@message", context.Dialect.Uuid(send.MessageId));
        return Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.FirstRetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        var jitter = 0.5 + (Random.Shared.NextDouble() / 2);
        return TimeSpan.FromMilliseconds(capped * jitter);
    }

    private static async Task FinishAsync(WriteContext context, ClaimedSend send, string status, string? reason, string auditEvent, string? providerMessageId, CancellationToken ct)
    {
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

    internal static async Task AuditAsync(AuditChain audit, ClaimedSend send, string @event, string? providerMessageId, string? detail, CancellationToken ct)
    {
        await AppendAsync(audit, send, @event, providerMessageId, detail, ct);
    }

    internal static Task AppendAsync(AuditChain audit, ClaimedSend send, string @event, string? providerMessageId, string? detail, CancellationToken ct) =>
        audit.AppendAsync(new AuditEntry(@event)
        {
            LineNumber = send.From,
            Contact = send.To,
            Channel = send.Channel.Name(),
            MessageId = send.MessageId.ToString(),
            TemplateId = send.TemplateId,
            ProviderMessageId = providerMessageId,
            Detail = detail,
        }, ct);
}
