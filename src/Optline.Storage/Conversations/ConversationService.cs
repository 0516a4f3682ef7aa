using System.Collections.Concurrent;
using System.Text.Json;
using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Storage.Audit;
using Optline.Storage.Database;
using Optline.Storage.Organizations;
using Optline.Storage.Outbox;

namespace Optline.Storage.Conversations;

/// <summary>A contact's message as a carrier (or the simulator) delivered it, already verified and parsed.</summary>
public sealed record InboundMessage(
    string Provider, string ProviderMessageId, Channel Channel, Line Line, string Contact, string Body,
    bool CarrierOptOut = false, string? Signature = null, string? PayloadSha256 = null, int NumMedia = 0);

/// <summary>What one event decided, as the API reports it. <see cref="Duplicate"/>: the provider id was seen before and nothing changed.</summary>
/// <param name="Request">For a line's message sent with an idempotency key, what the key stands for (see <see cref="IdempotentSends"/>).</param>
public sealed record EventOutcome(
    Guid? MessageId, string? Status, string? Reason, ConsentState State, DateTimeOffset? Since, bool Duplicate = false, string? Refusal = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Request = null);

/// <summary>
/// The unit of work per event: in one transaction, dedup by provider id, load and lock the conversation,
/// run the consent engine, and write its state, timeline, outbox rows and attestation records.
/// </summary>
public sealed class ConversationService(OptlineDatabase database, OrganizationStore organizations, OutboxOptions outbox)
{
    private readonly ConcurrentDictionary<long, string> _organizationNames = new();

    /// <summary>
    /// A line's message. With <paramref name="idempotencyKey"/> it is sent once however often the request is: a
    /// request sent again with the key gets the first one's outcome (marked as a duplicate), and the key used for a
    /// different message is refused (<see cref="IdempotencyKeyReusedException"/>).
    /// </summary>
    public Task<EventOutcome> LineSendAsync(
        Line line, string contact, Channel channel, string body, string actor, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var keys = idempotencyKey is null ? null : IdempotentSends.Namespace(line.OrganizationId);
        var request = idempotencyKey is null ? null : IdempotentSends.Fingerprint(line, contact, channel, body);
        return database.WriteAsync((context, ct) =>
        {
            Task<EventOutcome> SendAsync(LookedUp found)
            {
                var id = TimeOrderedIds.New(context.Now);
                var trigger = new Trigger(id, Direction.Outbound, body, null);
                var cause = new AuditEntry("line_message") { Text = body, Detail = actor };
                return ProcessAsync(context, line, contact, channel, new LineSent(id, body, context.Now), trigger, cause, ct, found);
            }

            return idempotencyKey is null
                ? SendAsync(default)
                : OnceAsync(context, keys!, idempotencyKey, line.Id, contact, channel,
                    async found => await SendAsync(found) with { Request = request },
                    earlier => earlier.Request == request ? earlier with { Duplicate = true } : throw new IdempotencyKeyReusedException(), ct);
        }, new EventKeys(line.OrganizationId, line.Id, contact, channel, keys, idempotencyKey), cancellationToken);
    }

    public Task<EventOutcome> ContactSendAsync(InboundMessage message, CancellationToken cancellationToken = default) =>
        database.WriteAsync((context, ct) => OnceAsync(context, message.Provider, message.ProviderMessageId, message.Line.Id, message.Contact, message.Channel,
            found =>
            {
                var id = TimeOrderedIds.New(context.Now);
                var trigger = new Trigger(id, Direction.Inbound, message.Body, message.ProviderMessageId);
                var cause = new AuditEntry("contact_message")
                {
                    Text = message.Body,
                    ProviderMessageId = message.ProviderMessageId,
                    Signature = message.Signature,
                    PayloadSha256 = message.PayloadSha256,
                    Detail = message.NumMedia > 0 ? $"media:{message.NumMedia}" : null,
                };
                return ProcessAsync(context, message.Line, message.Contact, message.Channel,
                    new ContactSent(id, message.Body, context.Now, message.CarrierOptOut), trigger, cause, ct, found);
            },
            earlier => earlier with { Duplicate = true }, ct),
            new EventKeys(message.Line.OrganizationId, message.Line.Id, message.Contact, message.Channel, message.Provider, message.ProviderMessageId), cancellationToken);

    /// <summary>Any other event on a conversation: an import, a revocation, a carrier opt-out, a review decision, time passing.</summary>
    public Task<EventOutcome> ApplyAsync(Line line, string contact, Channel channel, Func<DateTimeOffset, ConsentEvent> @event, AuditEntry cause, CancellationToken cancellationToken = default) =>
        database.WriteAsync((context, ct) => ProcessAsync(context, line, contact, channel, @event(context.Now), null, cause, ct),
            new EventKeys(line.OrganizationId, line.Id, contact, channel), cancellationToken);

    /// <summary>
    /// A person's judgement of a flagged message, in one transaction with what it decides: an opt-out, or nothing but
    /// the record. Null when the review was already decided.
    /// </summary>
    public Task<EventOutcome?> DecideReviewAsync(Line line, string contact, Channel channel, long reviewId, Guid messageId, bool optOut, string actor, AuditEntry cause, CancellationToken cancellationToken = default) =>
        database.WriteAsync<EventOutcome?>(async (context, ct) =>
        {
            await using var decide = context.Command("UPDATE reviews SET decision = @decision, decided_at = @now, decided_by = @actor WHERE id = @id AND decision IS NULL")
                .With("@id", reviewId).With("@decision", optOut ? "opt_out" : "not_opt_out").With("@now", context.Now.ToUnixMs()).With("@actor", actor);
            if (await decide.ExecuteNonQueryAsync(ct) == 0)
            {
                return null;
            }

            ConsentEvent @event = optOut ? new ReviewedAsOptOut(messageId, context.Now) : new TimePassed(context.Now);
            return await ProcessAsync(context, line, contact, channel, @event, null, cause, ct);
        }, line.Id, contact, cancellationToken);

    internal async Task<EventOutcome> ProcessAsync(
        WriteContext context, Line line, string contact, Channel channel, ConsentEvent @event, Trigger? trigger, AuditEntry cause, CancellationToken ct, LookedUp found = default)
    {
        // The chain head is locked only at the end of the batch (see AuditChain), after every conversation row.
        var audit = await AuditChain.OpenAsync(context, line.OrganizationId, ct);
        var policy = await organizations.PolicyAsync(context, line.OrganizationId, ct);
        var row = await ConversationRows.LoadForUpdateAsync(context, line.OrganizationId, line.Id, contact, channel, ct, found);
        var decision = ConsentEngine.Decide(row.State, @event, policy, await ContextAsync(context, line, contact, channel, ct));

        if (trigger is { } t)
        {
            var status = decision.Outcome?.Status.Name() ?? MessageStatuses.Delivered;
            await MessageRows.InsertAsync(context, t.Id, row.Id, MessageKind.Message, t.Direction, t.Body, status, ct,
                reason: decision.Outcome?.Reason?.Name(), providerMessageId: t.ProviderMessageId);
        }

        await audit.AppendAsync(Describe(cause, line, row, trigger, decision.Classification), ct);
        if (decision.Refusal is null)
        {
            await ConversationRows.SaveAsync(context, row, decision.Conversation, ct);
        }

        var applier = new EffectApplier(context, outbox, audit, line, row, trigger?.Id, trigger?.Body);
        await applier.ApplyAsync(decision.Effects, ct);
        foreach (var scope in applier.Propagations)
        {
            await PropagateOptOutAsync(context, audit, policy, line, row, scope, ct);
        }

        return new EventOutcome(trigger?.Id, decision.Outcome?.Status.Name(), decision.Outcome?.Reason?.Name(),
            decision.Conversation.State, decision.Conversation.Since, Refusal: decision.Refusal);
    }

    /// <summary>An opt-out reaches the line's other channel, and under organization scope every line of the organization.</summary>
    private async Task PropagateOptOutAsync(WriteContext context, AuditChain audit, ConsentPolicy policy, Line line, ConversationRow origin, OptOutScope scope, CancellationToken ct)
    {
        if (scope == OptOutScope.Organization)
        {
            await using var record = context.Command(
                "INSERT INTO organization_opt_outs (organization_id, contact, opted_out_at) VALUES (@org, @contact, @now) " +
                "ON CONFLICT (organization_id, contact) DO UPDATE SET opted_out_at = @now")
                .With("@org", origin.OrganizationId).With("@contact", origin.Contact).With("@now", context.Now.ToUnixMs());
            await record.ExecuteLaterAsync(ct);
        }

        var where = $"{origin.Channel.Name()}:{line.Number}";
        foreach (var (lineId, channel) in await ConversationRows.SiblingsAsync(context, origin, scope, ct))
        {
            var siblingLine = lineId == line.Id
                ? line
                : await OrganizationStore.FindLineAsync(context.Connection, context.Transaction, "id = @id", lineId, ct) ?? line;
            var row = await ConversationRows.LoadForUpdateAsync(context, origin.OrganizationId, lineId, origin.Contact, channel, ct);
            var decision = ConsentEngine.Decide(row.State, new OptedOutElsewhere(where, context.Now), policy, await ContextAsync(context, siblingLine, origin.Contact, channel, ct));
            await ConversationRows.SaveAsync(context, row, decision.Conversation, ct);
            await new EffectApplier(context, outbox, audit, siblingLine, row, null).ApplyAsync(decision.Effects, ct);
        }
    }

    private static AuditEntry Describe(AuditEntry cause, Line line, ConversationRow row, Trigger? trigger, Classification? classification) => cause with
    {
        LineNumber = line.Number,
        Contact = row.Contact,
        Channel = row.Channel.Name(),
        MessageId = trigger?.Id.ToString() ?? cause.MessageId,
        Rule = classification?.Rule,
        ClassifierVersion = classification?.ClassifierVersion,
    };

    /// <summary>The names the texts need. An organization's name is read once, in the event's own transaction (not through the pool).</summary>
    private async Task<ConversationContext> ContextAsync(WriteContext context, Line line, string contact, Channel channel, CancellationToken ct)
    {
        if (!_organizationNames.TryGetValue(line.OrganizationId, out var name))
        {
            await using var command = context.Command("SELECT name FROM organizations WHERE id = @id").With("@id", line.OrganizationId);
            name = await command.ExecuteScalarAsync(ct) as string ?? string.Empty;
            _organizationNames[line.OrganizationId] = name;
        }

        return new ConversationContext(name, line.DisplayName, line.Number, contact, channel);
    }

    /// <summary>
    /// An event that may arrive more than once under one id (a carrier's message id, an API client's idempotency key),
    /// claimed in the event's transaction: the first time it is processed (<paramref name="first"/>, given the
    /// conversation the claim found) and its outcome recorded with the id; any later time it is answered from that
    /// outcome (<paramref name="again"/>) and changes nothing.
    /// </summary>
    private static async Task<EventOutcome> OnceAsync(
        WriteContext context, string provider, string id, long lineId, string contact, Channel channel,
        Func<LookedUp, Task<EventOutcome>> first, Func<EventOutcome, EventOutcome> again, CancellationToken ct)
    {
        var (claim, found) = await ConversationRows.ClaimAndFindForUpdateAsync(context, provider, id, lineId, contact, channel, ct);
        if (claim == ProviderIdClaim.Seen)
        {
            return again(await EarlierOutcomeAsync(context, provider, id, ct));
        }

        var outcome = await first(found);
        await RecordProviderOutcomeAsync(context, claim, provider, id, outcome, ct);
        return outcome;
    }

    /// <summary>What the first delivery of a provider id decided, as recorded with it (perhaps earlier in this batch).</summary>
    private static async Task<EventOutcome> EarlierOutcomeAsync(WriteContext context, string provider, string providerMessageId, CancellationToken ct)
    {
        var json = context.NewProviderIds.Outcome(provider, providerMessageId);
        if (json is null && !(await context.ReadAheadAsync(ct) is { } ahead && ahead.TryGetEarlierOutcome(provider, providerMessageId, out json)))
        {
            await using var read = context.Command("SELECT outcome FROM processed_inbound WHERE provider = @provider AND provider_message_id = @id")
                .With("@provider", provider).With("@id", providerMessageId);
            json = await read.ExecuteScalarAsync(ct) as string;
        }

        return string.IsNullOrEmpty(json)
            ? new EventOutcome(null, null, null, ConsentState.None, null)
            : JsonSerializer.Deserialize<EventOutcome>(json, OrganizationStore.Json)!;
    }

    private static async Task RecordProviderOutcomeAsync(
        WriteContext context, ProviderIdClaim claim, string provider, string providerMessageId, EventOutcome outcome, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(outcome, OrganizationStore.Json);
        if (claim == ProviderIdClaim.New && context.Dialect.IsPostgres)
        {
            context.NewProviderIds.Add(provider, providerMessageId, json);
            return;
        }

        await using var record = context.Command(claim == ProviderIdClaim.Claimed
                ? "UPDATE processed_inbound SET outcome = @outcome WHERE provider = @provider AND provider_message_id = @id"
                : "INSERT INTO processed_inbound (provider, provider_message_id, outcome, processed_at) VALUES (@provider, @id, @outcome, @now)")
            .With("@provider", provider).With("@id", providerMessageId).With("@outcome", json).With("@now", context.Now.ToUnixMs());
        await record.ExecuteLaterAsync(ct);
    }

    /// <summary>The message that caused the event, written to the timeline with the status the engine gave it.</summary>
    internal readonly record struct Trigger(Guid Id, Direction Direction, string Body, string? ProviderMessageId);
}
