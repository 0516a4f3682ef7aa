using System.Globalization;

namespace Optline.Faults;

/// <summary>
/// The promises, checked after a run from the database (read-only), the attestation chain, the fake carrier's record and
/// the harness's ledger:
/// every acknowledged inbound stored exactly once; every acknowledged API send stored; every STOP honoured; nothing reaches
/// the carrier after a STOP was acknowledged (a send that had already started at the carrier is in flight, not after);
/// every held message ends once; every queued message ends sent or cancelled, and is sent at most once; a conversation's
/// messages reach the carrier in the order they were queued; the chain verifies;
/// the log holds no secret, body or full number.
/// </summary>
public static class Invariants
{
    /// <summary>What may still reach an opted-out contact: the opt-out confirmation, HELP, and the opt-in request their own new message asked for.</summary>
    private static readonly HashSet<string> AllowedAfterStop = new(StringComparer.Ordinal) { "optout_confirm", "help", "contact_request" };

    /// <summary>How long after a carrier accepted a send a kill (or an outage) still explains that "sent" was never recorded.</summary>
    private static readonly TimeSpan CrashWindow = TimeSpan.FromSeconds(10);

    public static RunReport Check(
        Rig rig, StoreSnapshot store, (bool Ok, long Records, string Raw) chain, string fault, int runs, TimeSpan duration,
        IEnumerable<string>? extraViolations = null, IEnumerable<string>? extraNotes = null)
    {
        var violations = new List<string>(extraViolations ?? []);
        var notes = new List<string>(extraNotes ?? []);
        var ledger = rig.Ledger;
        var requests = rig.Carrier.Requests;
        var conversations = store.Conversations.ToDictionary(c => c.Id);
        (string Line, string Contact) Of(StoredMessage m) => (store.Lines[conversations[m.ConversationId].LineId], conversations[m.ConversationId].Contact);
        int lost = 0, duplicates = 0, afterStop = 0, resends = 0;

        // Every acknowledged inbound message is stored exactly once, as sent.
        var inboundBySid = store.Messages.Where(m => m.IsInbound && m.ProviderMessageId is not null)
            .GroupBy(m => m.ProviderMessageId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        foreach (var inbound in ledger.Inbound.Where(i => i.Acknowledged))
        {
            var stored = inboundBySid.GetValueOrDefault(inbound.Sid) ?? [];
            if (stored.Count == 0 || !store.ProcessedInbound.Contains(("twilio", inbound.Sid)))
            {
                lost++;
                violations.Add($"LOST: inbound {inbound.Sid} ('{inbound.Body}' from {inbound.Contact}) was acknowledged but is not stored");
            }
            else if (stored.Count > 1)
            {
                duplicates++;
                violations.Add($"DUPLICATE: inbound {inbound.Sid} is stored {stored.Count} times");
            }
            else if (stored[0].Body != inbound.Body)
            {
                violations.Add($"ALTERED: inbound {inbound.Sid} was stored as '{stored[0].Body}', not '{inbound.Body}'");
            }
        }

        var abandoned = ledger.Inbound.Count(i => !i.Acknowledged);
        if (abandoned > 0)
        {
            violations.Add($"{abandoned} inbound message(s) were never acknowledged within the delivery deadline (the server did not recover)");
        }

        foreach (var repeated in store.Audit.Where(a => a.Event == "contact_message" && a.ProviderMessageId is not null).GroupBy(a => a.ProviderMessageId).Where(g => g.Count() > 1))
        {
            duplicates++;
            violations.Add($"DUPLICATE: inbound {repeated.Key} has {repeated.Count()} contact_message records in the attestation chain");
        }

        // Every acknowledged API send is stored, as sent; none is stored twice.
        var byId = store.Messages.ToDictionary(m => m.Id);
        foreach (var send in ledger.Sends.Where(s => s.Acknowledged))
        {
            if (send.Id is not { } id || !byId.TryGetValue(id, out var message))
            {
                lost++;
                violations.Add($"LOST: the API send '{send.Body}' was acknowledged ({send.Outcome}) but is not stored");
            }
            else if (message.Body != send.Body)
            {
                violations.Add($"ALTERED: message {id} was stored as '{message.Body}', not '{send.Body}'");
            }
        }

        foreach (var twice in store.Messages.Where(m => m.IsOutbound && m.TemplateId is null).GroupBy(m => (m.ConversationId, m.Body)).Where(g => g.Count() > 1))
        {
            duplicates++;
            violations.Add($"DUPLICATE: the line's message '{twice.Key.Body}' is stored {twice.Count()} times");
        }

        foreach (var status in ledger.WebhookStatuses.Where(s => s.Status >= 500 && s.Status != 503).GroupBy(s => s.Status))
        {
            violations.Add($"{status.Count()} webhook(s) answered {status.Key} (only 503 may tell the carrier to retry)");
        }

        foreach (var status in ledger.Sends.Where(s => s.Status >= 500 && s.Status != 503).GroupBy(s => s.Status))
        {
            violations.Add($"{status.Count()} API send(s) answered {status.Key}");
        }

        foreach (var refused in ledger.WebhookStatuses.Where(s => s.Status is >= 400 and < 500).GroupBy(s => s.Status))
        {
            violations.Add($"{refused.Count()} valid webhook(s) were refused with {refused.Key}");
        }

        // The template of what reached the carrier, by (line, contact, body): null for a line's own message.
        var templates = new Dictionary<(string, string, string), string?>();
        foreach (var message in store.Messages.Where(m => m.IsOutbound))
        {
            var (line, contact) = Of(message);
            templates[(line, contact, message.Body)] = message.TemplateId;
        }

        // Every STOP is honoured: nothing but its confirmation (or HELP, or a request the contact's own new message asked for)
        // reaches the carrier after it was acknowledged, until the contact's next YES/START; the conversation ends opted out
        // when STOP was the contact's last word.
        foreach (var phone in ledger.Inbound.GroupBy(i => (i.Line, i.Contact)))
        {
            var inbound = phone.Where(i => i.Acknowledged).OrderBy(i => i.FirstAck).ToList();
            var resumes = phone.Where(i => i.Kind is InboundKind.Yes or InboundKind.Start && i.FirstSent is not null).Select(i => i.FirstSent!.Value).Order().ToList();
            var toContact = requests.Where(r => r.To == phone.Key.Contact && r.From == phone.Key.Line).ToList();
            var counted = new HashSet<long>();
            foreach (var stop in inbound.Where(i => i.Kind == InboundKind.Stop))
            {
                var acked = stop.FirstAck!.Value;
                var until = resumes.Where(r => r > acked).Select(r => (TimeSpan?)r).FirstOrDefault() ?? TimeSpan.MaxValue;
                foreach (var request in toContact.Where(r => r.Arrived > acked && r.Arrived < until))
                {
                    var template = templates.TryGetValue((phone.Key.Line, phone.Key.Contact, request.Body ?? string.Empty), out var t) ? t ?? "a line message" : "an unknown message";
                    if (!AllowedAfterStop.Contains(template) && counted.Add(request.Seq))
                    {
                        afterStop++;
                        violations.Add(string.Create(CultureInfo.InvariantCulture,
                            $"AFTER STOP: {template} '{request.Body}' to {request.To} started at the carrier {(request.Arrived - acked).TotalMilliseconds:0} ms after the STOP ({stop.Sid}) was acknowledged (carrier answered {request.Status}){SinceRestart(ledger, request.Arrived)}"));
                    }
                }

                foreach (var send in ledger.Sends.Where(s => s.Contact == phone.Key.Contact && s.Line == phone.Key.Line && s.Sent > acked && s.Sent < until && s.Outcome == "queued"))
                {
                    violations.Add($"AFTER STOP: the API queued '{send.Body}' for {send.Contact} after its STOP was acknowledged");
                }
            }

            if (inbound.Count > 0 && inbound[^1].Kind == InboundKind.Stop)
            {
                var conversation = store.Conversations.FirstOrDefault(c => c.Contact == phone.Key.Contact && store.Lines[c.LineId] == phone.Key.Line && c.Channel == 0);
                if (conversation?.State != StoredConversation.OptedOut)
                {
                    violations.Add($"STOP NOT HONOURED: {phone.Key.Contact}'s last word to {phone.Key.Line} was STOP, but the conversation is in state {conversation?.State.ToString(CultureInfo.InvariantCulture) ?? "missing"}");
                }
            }
        }

        // Every held message ends exactly once; none is left held in a conversation that was decided.
        foreach (var message in store.Audit.Where(a => a.MessageId is not null).GroupBy(a => a.MessageId!))
        {
            var events = message.Select(a => a.Event).ToList();
            var ends = events.Count(e => e is "held_message_released" or "held_message_cancelled" or "held_message_expired");
            if (ends > 1)
            {
                violations.Add($"HELD TWICE DECIDED: message {message.Key} has {string.Join(", ", events.Where(e => e.StartsWith("held_message_", StringComparison.Ordinal)))}");
            }

            var sent = events.Count(e => e == "message_sent");
            if (sent > 1)
            {
                duplicates++;
                violations.Add($"DUPLICATE: message {message.Key} was recorded as sent {sent} times");
            }

            if (sent > 0 && events.Any(e => e is "queued_message_cancelled" or "send_cancelled_at_recheck"))
            {
                violations.Add($"SENT AND CANCELLED: message {message.Key} has both");
            }
        }

        foreach (var held in store.Messages.Where(m => m.Status == "held" && conversations[m.ConversationId].State is StoredConversation.OptedOut or StoredConversation.OptedIn))
        {
            violations.Add($"LEFT HELD: message {held.Id} is still held in a conversation in state {conversations[held.ConversationId].State}");
        }

        // Every message the carrier accepted is one Optline recorded, once; every message recorded as sent was accepted.
        var accepted = requests.Where(r => r.Accepted).ToList();
        var acceptedIds = accepted.Select(r => r.ProviderId!).ToHashSet(StringComparer.Ordinal);
        var recordedIds = store.Messages.Where(m => m.IsOutbound && m.ProviderMessageId is not null).Select(m => m.ProviderMessageId!).ToHashSet(StringComparer.Ordinal);
        foreach (var message in store.Messages.Where(m => m.IsOutbound && m.Status is "sent" or "delivered"))
        {
            if (message.ProviderMessageId is null || !acceptedIds.Contains(message.ProviderMessageId))
            {
                violations.Add($"PHANTOM: message {message.Id} is recorded as sent ({message.ProviderMessageId}) but the carrier never accepted it");
            }
        }

        var rowsByKey = store.Messages.Where(m => m.IsOutbound && m.Status is "queued" or "sent" or "delivered" or "failed" or "cancelled")
            .GroupBy(m => (Of(m).Line, Of(m).Contact, m.Body)).ToDictionary(g => g.Key, g => g.ToList());
        var unrecordedDeliveries = 0;
        var unrecordedStatuses = new List<string>();
        // What reached the carrier, by (line, contact, body): every acceptance of each message.
        var acceptedByMessage = accepted.GroupBy(r => (r.From ?? string.Empty, r.To, r.Body ?? string.Empty)).ToList();
        foreach (var key in acceptedByMessage)
        {
            var rows = rowsByKey.GetValueOrDefault(key.Key) ?? [];
            var orphans = key.Where(r => !recordedIds.Contains(r.ProviderId!)).ToList();
            unrecordedDeliveries += orphans.Count;
            unrecordedStatuses.AddRange(orphans.Select(_ => string.Join("/", rows.Select(r => r.Status + (r.Reason is null ? string.Empty : $" ({r.Reason})")))));
            var excess = key.Count() - rows.Count;
            if (excess <= 0)
            {
                continue;
            }

            var explained = Math.Min(excess, orphans.Count(o => ExplainedByCrash(o, ledger)));
            resends += explained;
            if (excess > explained)
            {
                duplicates += excess - explained;
                violations.Add($"DUPLICATE: '{key.Key.Item3}' reached {key.Key.To} {key.Count()} times for {rows.Count} message(s), {excess - explained} of them not explained by a crash");
            }
        }

        if (unrecordedDeliveries > 0)
        {
            notes.Add($"{unrecordedDeliveries} carrier acceptance(s) were never recorded as sent (the process died or the database went away in between); {resends} of them were sent again; " +
                $"their messages are recorded as: {string.Join(", ", unrecordedStatuses.GroupBy(s => s).Select(g => $"{g.Count()} × {g.Key}"))}");
        }

        // A conversation's own messages first reach the carrier in the order they were queued: their order in the
        // messages table (held ones are released in theirs, before anything the line writes after the release).
        var outOfOrder = OutOfOrder(store, acceptedByMessage, Of);
        if (ledger.DatabaseOutages.Count > 0)
        {
            // Shown, not counted: with the database away a dispatcher gives up every claim it may hold, and their messages
            // keep their place; a break of order here would point at a write whose fate it misjudged.
            notes.AddRange(outOfOrder.Select(o => $"with the database away: {o}"));
        }
        else
        {
            violations.AddRange(outOfOrder);
        }

        // Every queued message ends: nothing left to send, nothing dead-lettered, nothing stuck in 'queued'.
        var pending = store.Outbox.Count(o => !o.Dead);
        if (pending > 0)
        {
            lost += pending;
            violations.Add($"STUCK: {pending} outbox row(s) were never sent");
        }

        foreach (var dead in store.Outbox.Where(o => o.Dead))
        {
            violations.Add($"DEAD LETTER: message {dead.MessageId} gave up after {dead.Attempts} attempt(s): {dead.LastError}");
        }

        var stuck = store.Messages.Count(m => m.IsOutbound && m.Status == "queued") - pending;
        if (stuck > 0)
        {
            lost += stuck;
            violations.Add($"STUCK: {stuck} message(s) are 'queued' with no outbox row");
        }

        if (!chain.Ok || chain.Records == 0)
        {
            violations.Add($"CHAIN: the attestation chain does not verify: {chain.Raw}");
        }

        violations.AddRange(LogScan.Leaks(rig.Log.Text, LogScan.NeedlesOf(rig)).Select(l => "LOG: " + l));

        return new RunReport
        {
            Fault = fault,
            Database = rig.Database.Provider,
            Runs = runs,
            Events = ledger.Inbound.Count(i => i.Acknowledged) + ledger.Sends.Count(s => s.Acknowledged),
            CarrierSends = accepted.Count,
            Lost = lost,
            SentAfterStop = afterStop,
            DuplicateSideEffects = duplicates,
            AtLeastOnceResends = resends,
            Violations = violations,
            Notes = notes,
            Duration = duration,
        };
    }

    private static List<string> OutOfOrder(
        StoreSnapshot store, IEnumerable<IGrouping<(string Line, string Contact, string Body), CarrierRequest>> acceptedByMessage, Func<StoredMessage, (string Line, string Contact)> of)
    {
        var firstAccepted = acceptedByMessage.ToDictionary(g => g.Key, g => g.Min(r => r.Arrived));
        var outOfOrder = new List<string>();
        foreach (var conversation in store.Messages.Where(m => m.IsOutbound && m.TemplateId is null).GroupBy(m => m.ConversationId))
        {
            (TimeSpan At, string Body)? latest = null;
            foreach (var message in conversation)
            {
                var (line, contact) = of(message);
                if (!firstAccepted.TryGetValue((line, contact, message.Body), out var at))
                {
                    continue;
                }

                if (latest is { } before && at < before.At)
                {
                    outOfOrder.Add(string.Create(CultureInfo.InvariantCulture,
                        $"OUT OF ORDER: '{message.Body}' reached {contact} {(before.At - at).TotalMilliseconds:0} ms before '{before.Body}', which was queued before it"));
                }
                else
                {
                    latest = (at, message.Body);
                }
            }
        }

        return outOfOrder;
    }

    private static string SinceRestart(Ledger ledger, TimeSpan at) =>
        ledger.Restarts.Where(r => r <= at).Select(r => (TimeSpan?)r).LastOrDefault() is { } restart
            ? string.Create(CultureInfo.InvariantCulture, $"; {(at - restart).TotalMilliseconds:0} ms after the server was restarted")
            : string.Empty;

    /// <summary>A carrier acceptance never recorded as sent is explained when the server was killed, or the database was down, right after it.</summary>
    private static bool ExplainedByCrash(CarrierRequest request, Ledger ledger) =>
        ledger.Kills.Any(k => k >= request.Arrived && k <= request.Answered + CrashWindow)
        || ledger.DatabaseOutages.Any(o => o.From <= request.Answered + CrashWindow && o.To >= request.Arrived);
}
