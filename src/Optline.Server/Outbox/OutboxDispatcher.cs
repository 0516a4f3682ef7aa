using Microsoft.Extensions.Options;
using Optline.Channels.Sending;
using Optline.Channels.Twilio;
using Optline.Channels.WhatsApp;
using Optline.Core.Consent;
using Optline.Storage.Database;
using Optline.Storage.Outbox;

namespace Optline.Server.Outbox;

/// <summary>
/// Drains the outbox: claims due messages (consent re-checked in the claim), hands each to its sending number's lane,
/// which sends it at the number's pace after a last consent re-check, and records the outcome. A crash between the
/// carrier's acceptance and the commit of "sent" repeats that one send after the claim times out: delivery is at
/// least once, and that window is one carrier call plus the commit of the batch of records it joins.
/// </summary>
public sealed partial class OutboxDispatcher(
    OutboxStore outbox, ChannelRouter channels, DeliveryReports reports, SendsInFlight inFlight, IOptions<OutboxOptions> options, IOptions<WhatsAppOptions> whatsApp,
    IOptions<TwilioOptions> twilio, TimeProvider time, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BusyPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Longer than a group's spread (<see cref="SenderLanes.RecheckLead"/> + <see cref="SenderLanes.RecheckGroup"/>): past it a re-check is done again.</summary>
    private static readonly TimeSpan MaxRecheckAge = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var lanes = new SenderLanes(settings, time, SendAsync);
        // Enough claimed ahead to fill the lookahead of a busy fleet, not so much that a crash strands many.
        var maxQueued = settings.BatchSize * 8;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await lanes.RoomAsync(maxQueued, IdlePoll, stoppingToken);
                ClaimResult claim;
                // No later than the claim's own time: the claim protects the rows until this plus ClaimTimeout.
                var claimedAt = time.GetUtcNow();
                try
                {
                    claim = await outbox.ClaimDueAsync(
                        new ClaimRequest(settings.BatchSize) { Lookahead = settings.ClaimLookahead, SkipSenders = lanes.Full(), Choose = lanes.Choose },
                        stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database is down or a claim failed: nothing was sent; try again shortly. Should the claim have
                    // been made all the same, its messages wait for it to run out, and their conversations' later ones too.
                    outbox.ForgetClaims();
                    LogStorageUnavailable(logger, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                    continue;
                }

                lanes.Enqueue(claim.Claimed, claimedAt, stoppingToken);
                if (!claim.MaybeMore)
                {
                    await Task.Delay(IdlePoll, time, stoppingToken);
                }
                else if (claim.Claimed.Count == 0)
                {
                    // A full page of messages whose lanes have no room yet: the next claim skips those lanes, once they show as full.
                    await Task.Delay(BusyPoll, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is claimed and unsent is sent after its claim times out.
        }
        finally
        {
            await lanes.DrainAsync();
        }

        async Task SendAsync(IReadOnlyList<SenderLanes.LaneMessage> group, SenderLanes.Lane lane, CancellationToken ct)
        {
            try
            {
                await SendGroupAsync(group, lane, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The claims time out and the messages are tried again (at least once, never lost), each before its
                // conversation's later ones.
                outbox.ForgetClaims();
                LogStorageUnavailable(logger, ex);
            }
        }
    }

    /// <summary>A lane's next messages, in order: their consent re-checked together, each sent at its slot, each outcome recorded.</summary>
    private async Task SendGroupAsync(IReadOnlyList<SenderLanes.LaneMessage> queued, SenderLanes.Lane lane, CancellationToken ct)
    {
        var group = queued.Where(m => ClaimHolds(m, time.GetUtcNow())).ToList();
        if (group.Count < queued.Count)
        {
            outbox.ForgetClaims(); // the others are left to whoever claims them next; see SendOneAsync
        }

        if (group.Count == 0)
        {
            return;
        }

        // From before the re-check until the carrier answers: an opt-out acknowledged meanwhile waits for these sends.
        var flights = group.Select(m => inFlight.Begin(m.Message.To)).ToList();
        try
        {
            var recheckedAt = time.GetUtcNow();
            // Should the database fail here, nothing was sent: SendAsync gives the claims up, and they time out.
            var refusals = await Task.WhenAll(group.Select(m => outbox.RecheckAsync(m.Message, ct)));

            // Conversations whose message in this group was not sent: the carrier reported the contact unsubscribed (the
            // opt-out it recorded), or the message waits for a retry (its conversation's later ones must wait behind it).
            var notSent = new HashSet<long>();
            for (var i = 0; i < group.Count; i++)
            {
                var refusal = refusals[i];
                if (notSent.Contains(group[i].Message.ConversationId) || time.GetUtcNow() - recheckedAt > MaxRecheckAge)
                {
                    // What the group's re-check read has changed, or an earlier call of the group was slow: this message is
                    // re-checked again before its call.
                    refusal = await outbox.RecheckAsync(group[i].Message, ct);
                }

                if (await SendOneAsync(group[i], refusal, flights[i], lane, ct) is not (SendOutcome.Sent or null))
                {
                    notSent.Add(group[i].Message.ConversationId);
                }
            }
        }
        finally
        {
            foreach (var flight in flights)
            {
                flight.Dispose();
            }
        }
    }

    private async Task<SendOutcome?> SendOneAsync(SenderLanes.LaneMessage queued, string? refusal, IDisposable flight, SenderLanes.Lane lane, CancellationToken ct)
    {
        var send = queued.Message;
        SendResult result;
        IDisposable? hold = null;
        try
        {
            using (flight)
            {
                try
                {
                    if (refusal == OutboxStore.Behind)
                    {
                        // An earlier message of the conversation waits for a retry: this one goes after it, claimed again then.
                        await outbox.ReleaseAsync(send, ct);
                        return null;
                    }

                    if (refusal is not null)
                    {
                        await outbox.CancelAsync(send, refusal, ct); // nothing is recorded for a row already gone
                        return null;
                    }

                    await lane.BeforeCarrierCallAsync(queued, ct);
                    // From here until its outcome is recorded, this dispatcher's own claims leave the row alone, even if its
                    // claim runs out meanwhile: the carrier may have it already.
                    hold = outbox.Hold(send);
                    if (!ClaimHolds(queued, time.GetUtcNow()))
                    {
                        // Its claim ran out while it waited (behind a slow carrier call): it may have been taken again, here
                        // or on another node, and is left to the newer claim, which its conversation's later ones wait for.
                        outbox.ForgetClaims();
                        return null;
                    }

                    result = await channels.For(send.Channel).SendAsync(Message(send), ct);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException && !ct.IsCancellationRequested)
                {
                    result = new SendResult(SendOutcome.TransientFailure, Error: ex.GetType().Name);
                }
            }

            try
            {
                switch (result.Outcome)
                {
                    case SendOutcome.Sent:
                        // The lane goes on to its next message while this is written: records of many lanes share one commit.
                        // The record releases the hold once written (or given up).
                        lane.Track(RecordSentAsync(send, result.ProviderMessageId, queued.ClaimedAt, hold, CancellationToken.None));
                        hold = null;
                        break;
                    case SendOutcome.RecipientOptedOut:
                        await outbox.MarkFailedAsync(send, result.Error ?? "recipient unsubscribed", permanent: true, null, ct);
                        await reports.CarrierOptOutAsync(send.LineId, send.To, send.Channel, $"send refused: {result.ProviderErrorCode}", ct);
                        break;
                    default:
                        var dead = await outbox.MarkFailedAsync(send, result.Error ?? result.Outcome.ToString(), result.Outcome == SendOutcome.PermanentFailure, result.RetryAfter, ct);
                        LogSendFailed(logger, send.OutboxId, send.Attempt, result.Outcome.ToString(), dead);
                        break;
                }
            }
            catch (StorageUnavailableException ex)
            {
                // The failure may not be recorded: the row may still be claimed here, and is then left to its claim running out.
                outbox.ForgetClaims();
                LogStorageUnavailable(logger, ex);
            }

            return result.Outcome;
        }
        finally
        {
            hold?.Dispose();
        }
    }

    private bool ClaimHolds(SenderLanes.LaneMessage queued, DateTimeOffset now) =>
        now < queued.ClaimedAt + options.Value.ClaimTimeout - TimeSpan.FromSeconds(1);

    private OutboundMessage Message(ClaimedSend send)
    {
        var template = send.AsWhatsAppTemplate
            ? new WhatsAppTemplateMessage(whatsApp.Value.OptInTemplateName, whatsApp.Value.OptInTemplateLanguage, [send.LineDisplayName])
            : null;
        var statusCallback = send.Channel == Channel.Sms && !string.IsNullOrEmpty(twilio.Value.PublicBaseUrl)
            ? TwilioSignature.SignedUrl(twilio.Value.PublicBaseUrl, "/webhooks/twilio/status")
            : null;
        return new OutboundMessage(send.Channel, send.From, send.To, send.Body, template, statusCallback);
    }

    /// <summary>
    /// The carrier has the message: recording that is worth waiting for (the database may be briefly away) while the claim
    /// still keeps the row from every other dispatcher; given up, the message is sent again once the claim times out.
    /// </summary>
    private async Task RecordSentAsync(ClaimedSend send, string? providerMessageId, DateTimeOffset claimedAt, IDisposable? hold, CancellationToken ct)
    {
        using var _ = hold;
        var giveUpAt = claimedAt + options.Value.ClaimTimeout - TimeSpan.FromSeconds(1);
        var pause = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await outbox.MarkSentAsync(send, providerMessageId, ct);
                return;
            }
            catch (Exception ex) when (ex is StorageUnavailableException or System.Data.Common.DbException { IsTransient: true } && time.GetUtcNow() + pause < giveUpAt)
            {
                LogRecordRetry(logger, send.OutboxId);
                await Task.Delay(pause, time, ct);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 2000));
            }
            catch (Exception ex) when (ex is StorageUnavailableException or System.Data.Common.DbException)
            {
                LogStorageUnavailable(logger, ex);
                return;
            }
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Outbox row {OutboxId} was accepted by the carrier; recording it waits for the database")]
    private static partial void LogRecordRetry(ILogger logger, long outboxId);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "The outbox could not complete a step; it retries and nothing is lost")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Outbox row {OutboxId} attempt {Attempt} failed ({Outcome}); dead-lettered: {Dead}")]
    private static partial void LogSendFailed(ILogger logger, long outboxId, int attempt, string outcome, bool dead);
}
