using System.Globalization;
using System.Text;
using CsCheck;
using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// Random event sequences on random policies and both channels, checked against the promises of PRODUCT.md §2–§5
/// that must hold whatever happens: an opted-out contact hears nothing but the confirmation and HELP until they
/// consent again, every held message ends exactly once, one confirmation per opt-out, a line never reaches an
/// opted-out contact, only the contact (or an admin import) ever opts in, and an import never overrides a later opt-out.
/// </summary>
public class ConsentInvariantPropertyTests
{
    private const int Sequences = 10_000;

    private static readonly string[] Bodies =
    [
        "STOP", "stop", "Stop please", "please unsubscribe me", "UNSUBSCRIBE", "Arrête", "wrong number",
        "YES", "yes", "Y", "Sí", "oui", "START", "unstop",
        "HELP", "info",
        "Hello?", "Can you call me tomorrow?", "I'll stop by on Tuesday", "remove me from the invite, I can't make it", "👍", "",
    ];

    private static readonly Gen<TimeSpan> Delays = Gen.Frequency(
        (4, Gen.Int[1, 600].Select(s => TimeSpan.FromSeconds(s))),
        (3, Gen.Int[1, 48].Select(h => TimeSpan.FromHours(h))),
        (2, Gen.Int[1, 40].Select(d => TimeSpan.FromDays(d))));

    private static readonly Gen<ConsentPolicy> Policies = Gen.Select(
        Gen.Bool,
        Gen.Enum<OptOutScope>(),
        Gen.OneOf(TimeSpan.FromHours(24), TimeSpan.FromHours(1), TimeSpan.FromDays(3)),
        Gen.Int[1, 4],
        Gen.OneOf(TimeSpan.FromDays(30), TimeSpan.FromDays(2), TimeSpan.FromDays(10)),
        Gen.OneOf(TimeSpan.FromDays(7), TimeSpan.FromDays(1), TimeSpan.FromDays(12)),
        (smsOptIn, scope, cooldown, maxRequests, validity, ttl) => ConsentPolicy.Default with
        {
            SmsOptInRequired = smsOptIn,
            OptOutScope = scope,
            RequestCooldown = cooldown,
            MaxRequests = maxRequests,
            RequestValidity = validity,
            HeldMessageTtl = ttl,
        });

    private static readonly Gen<Step> Steps = Gen.Select(
        Delays,
        Gen.Frequency(
            (10, Gen.Const(Kind.LineSent)),
            (12, Gen.Const(Kind.ContactSent)),
            (1, Gen.Const(Kind.CarrierOptOutMessage)),
            (1, Gen.Const(Kind.CarrierReportedOptOut)),
            (2, Gen.Const(Kind.ConsentImported)),
            (1, Gen.Const(Kind.ConsentRevoked)),
            (1, Gen.Const(Kind.OptedOutElsewhere)),
            (1, Gen.Const(Kind.ReviewedAsOptOut)),
            (2, Gen.Const(Kind.TimePassed)),
            (1, Gen.Const(Kind.OptInRequirementLifted))),
        Gen.OneOf(Bodies),
        Gen.Frequency((4, Gen.Const(ConsentState.OptedIn)), (1, Gen.Const(ConsentState.OptedOut))),
        Gen.Int[-40 * 24, 2].Select(h => TimeSpan.FromHours(h)),
        (delay, kind, body, importState, evidenceOffset) => new Step(delay, kind, body, importState, evidenceOffset));

    private static readonly Gen<Run> Runs = Gen.Select(Policies, Gen.Enum<Channel>(), Steps.Array[1, 40], (policy, channel, steps) => new Run(policy, channel, steps));

    private enum Kind
    {
        LineSent,
        ContactSent,
        CarrierOptOutMessage,
        CarrierReportedOptOut,
        ConsentImported,
        ConsentRevoked,
        OptedOutElsewhere,
        ReviewedAsOptOut,
        TimePassed,
        OptInRequirementLifted,
    }

    [Fact]
    public void Random_event_sequences_keep_every_consent_promise()
    {
        Runs.Sample(run => Replay(run), iter: Sequences, print: run => run.ToString());
    }

    [Fact]
    public void Random_event_sequences_on_ungated_sms_keep_every_consent_promise()
    {
        Runs.Select(run => run with { Policy = run.Policy with { SmsOptInRequired = false }, Channel = Channel.Sms })
            .Sample(run => Replay(run), iter: Sequences / 2, print: run => run.ToString());
    }

    /// <summary>Plays the run through the engine, checking every decision, then the held messages left at the end.</summary>
    private static void Replay(Run run)
    {
        var policy = run.Policy;
        var context = new ConversationContext(SeedTexts.OrganizationName, SeedTexts.UserName, SeedTexts.LineNumber, SeedTexts.ContactNumber, run.Channel);
        var conversation = Conversation.New;
        var now = Scenario.Start;
        var messages = 0;
        var heldLedger = new Dictionary<Guid, (Direction Direction, string Fate)>();
        var optOutWindow = false;
        var lastContactMessage = Guid.Empty;
        DateTimeOffset? lastOptOutAt = null;

        for (var index = 0; index < run.Steps.Length; index++)
        {
            var step = run.Steps[index];
            now += step.Delay;
            var messageId = new Guid(++messages, 0, 0, [0, 0, 0, 0, 0, 0, 0, 2]);
            if (step.Kind == Kind.OptInRequirementLifted)
            {
                policy = policy with { SmsOptInRequired = false };
            }

            ConsentEvent @event = step.Kind switch
            {
                Kind.LineSent => new LineSent(messageId, "Line message", now),
                Kind.ContactSent => new ContactSent(messageId, step.Body, now),
                Kind.CarrierOptOutMessage => new ContactSent(messageId, step.Body, now, CarrierOptOut: true),
                Kind.CarrierReportedOptOut => new CarrierReportedOptOut("twilio:21610", now),
                Kind.ConsentImported => new ConsentImported(step.ImportState, new ConsentEvidence("paper_form", now + step.EvidenceOffset, null, null), now),
                Kind.ConsentRevoked => new ConsentRevoked("staff", now),
                Kind.OptedOutElsewhere => new OptedOutElsewhere("whatsapp", now),
                Kind.ReviewedAsOptOut => new ReviewedAsOptOut(lastContactMessage, now),
                Kind.TimePassed => new TimePassed(now),
                _ => new OptInRequirementLifted(now),
            };
            if (@event is ContactSent)
            {
                lastContactMessage = messageId;
            }

            var before = conversation;
            var decision = ConsentEngine.Decide(before, @event, policy, context);
            conversation = decision.Conversation;

            try
            {
                optOutWindow = CheckDecision(run.Channel, policy, before, @event, decision, heldLedger, optOutWindow, now);

                // (f) an import never opts in a contact who opted out (again) after its evidence was collected.
                if (@event is ConsentImported { State: ConsentState.OptedIn } import && lastOptOutAt > import.Evidence.CollectedAt && before.State != ConsentState.OptedIn)
                {
                    Check(conversation.State != ConsentState.OptedIn && decision.Refusal is not null, "an import opted in a contact who opted out after the evidence");
                }

                if (decision.Effects.Any(e => e is ConsentChanged { To: ConsentState.OptedOut } or AuditNote { Event: "opt_out_repeated" }))
                {
                    lastOptOutAt = now;
                }
            }
            catch (Exception failure) when (failure is not OutOfMemoryException)
            {
                throw new InvalidOperationException(
                    $"step {index} ({step}), {before.State} → {conversation.State}, effects: {Describe(decision.Effects)}: {failure.Message}", failure);
            }
        }

        // (b) at the end, the messages never ended are exactly those the conversation still holds.
        CheckStillHeld(heldLedger, conversation);
    }

    /// <summary>Checks one decision and returns whether the conversation is now inside an opt-out window.</summary>
    private static bool CheckDecision(
        Channel channel,
        ConsentPolicy policy,
        Conversation before,
        ConsentEvent @event,
        Decision decision,
        Dictionary<Guid, (Direction Direction, string Fate)> heldLedger,
        bool optOutWindow,
        DateTimeOffset now)
    {
        var after = decision.Conversation;
        var effects = decision.Effects;
        var transitions = effects.OfType<ConsentChanged>().ToList();

        // Shape of the conversation.
        Check(after.State == ConsentState.Pending == after.Request is not null, "a request exactly while pending");
        Check(after.State == ConsentState.OptedOut == after.OptOut is not null, "an opt-out record exactly while opted out");
        Check(after.Held.Count == 0 || after.State == ConsentState.Pending, "messages are held only while pending");
        Check(after.State == before.State ? transitions.Count == 0 : transitions.Count == 1, "one transition per state change");
        if (transitions.Count == 1)
        {
            Check(transitions[0].From == before.State && transitions[0].To == after.State, "the transition names the states");
            Check(after.Since == @event.At, "since is the time of the transition");
        }

        // Every contact message is classified, with the classifier version; every message gets an outcome.
        Check(@event is not ContactSent || decision.Classification?.ClassifierVersion == KeywordClassifier.Version, "a contact message is classified");
        Check(@event is not (LineSent or ContactSent) || decision.Outcome is not null, "a message has an outcome");

        // (b) every held message ends exactly once: released, cancelled or expired.
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case Hold hold:
                    Check(heldLedger.TryAdd(hold.MessageId, (hold.Direction, "held")), "a message held twice");
                    break;
                case Release release:
                    End(heldLedger, release.MessageId, release.Direction, "released");
                    break;
                case Cancel cancel:
                    End(heldLedger, cancel.MessageId, cancel.Direction, "cancelled");
                    break;
                case Expire expire:
                    End(heldLedger, expire.MessageId, expire.Direction, "expired");
                    Check(now - before.Held.FirstOrDefault(h => h.MessageId == expire.MessageId).HeldAt >= policy.HeldMessageTtl, "expired before its time");
                    break;
            }
        }

        CheckStillHeld(heldLedger, after);

        // (c) at most one opt-out confirmation per opt-out transition, and none when the carrier, staff or scope opted out.
        var confirmations = effects.OfType<SendToContact>().Count(s => s.Text.Template == TemplateId.OptOutConfirm);
        var optOuts = transitions.Count(t => t.To == ConsentState.OptedOut);
        Check(confirmations <= optOuts, "an opt-out confirmation without an opt-out");
        Check(confirmations == 0 || @event is ContactSent { CarrierOptOut: false } or ReviewedAsOptOut, "an opt-out confirmation the contact did not ask for");

        // (d) a line message never reaches an opted-out contact: blocked, opted_out, and the notice to the line.
        if (@event is LineSent sent && before.State == ConsentState.OptedOut)
        {
            Assert.Equal(new MessageOutcome(MessageStatus.Blocked, BlockReason.OptedOut), decision.Outcome);
            Assert.DoesNotContain(effects, e => e is SendToContact or QueueForContact or Release or Hold);
            Assert.Contains(new Block(sent.MessageId, BlockReason.OptedOut), effects);
            Assert.Equal([TemplateId.OptOutNotice], effects.OfType<NoticeToLine>().Select(n => n.Text.Template));
        }

        // (e) only a YES/START answering a request (or coming back after an opt-out), or an admin import, opts in.
        foreach (var optIn in transitions.Where(t => t.To == ConsentState.OptedIn))
        {
            var byContact = @event is ContactSent { CarrierOptOut: false }
                && decision.Classification?.Intent is Intent.Yes or Intent.Start
                && before.State is ConsentState.Pending or ConsentState.OptedOut;
            var byImport = @event is ConsentImported { State: ConsentState.OptedIn };
            Check(byContact || byImport, "opted in by something other than the contact's YES/START or an import");
        }

        // (a) from an opt-out until the contact opts in again: only the opt-out confirmation, HELP and the contact-initiated
        // request reach the contact (plus the opt-in confirmation of the event that ends the window); no line message does.
        var optsInHere = transitions.Any(t => t.To == ConsentState.OptedIn);
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case ConsentChanged { To: ConsentState.OptedOut }:
                    optOutWindow = true;
                    break;
                case ConsentChanged { To: ConsentState.OptedIn }:
                    optOutWindow = false;
                    break;
                case QueueForContact or Release { Direction: Direction.Outbound } when optOutWindow:
                    Assert.Fail($"{effect} reached a contact who opted out");
                    break;
                case SendToContact send when optOutWindow:
                    var allowed = send.Text.Template switch
                    {
                        TemplateId.OptOutConfirm or TemplateId.Help => true,
                        TemplateId.ContactRequest => before.State != ConsentState.OptedOut || @event is ContactSent,
                        TemplateId.ContactOptedInConfirm or TemplateId.LineOptedInConfirm => optsInHere,
                        _ => false,
                    };
                    Check(allowed, "an automated text other than the opt-out confirmation, HELP or the contact's own request reached a contact who opted out");
                    break;
            }
        }

        // A gated conversation lets nothing through to the contact before opt-in; WhatsApp only inside its window.
        var gated = policy.IsGated(channel) || optOutWindow;
        if (gated && after.State != ConsentState.OptedIn)
        {
            Check(!effects.Any(e => e is QueueForContact or Release { Direction: Direction.Outbound }), "a line message went out before opt-in");
        }

        if (channel == Channel.WhatsApp && effects.Any(e => e is QueueForContact))
        {
            Check(after.LastInboundAt is { } last && now - last < policy.WhatsAppWindow, "queued outside the WhatsApp window");
        }

        return optOutWindow;
    }

    private static void End(Dictionary<Guid, (Direction Direction, string Fate)> ledger, Guid id, Direction direction, string fate)
    {
        Check(ledger.TryGetValue(id, out var entry), "a message ended that was never held");
        Check(entry.Fate == "held", "a message ended twice");
        Check(entry.Direction == direction, "a message ended in the other direction");
        ledger[id] = (direction, fate);
    }

    /// <summary>The messages held and not yet ended are exactly those the conversation holds.</summary>
    private static void CheckStillHeld(Dictionary<Guid, (Direction Direction, string Fate)> ledger, Conversation conversation)
    {
        var open = 0;
        foreach (var (_, entry) in ledger)
        {
            open += entry.Fate == "held" ? 1 : 0;
        }

        Check(open == conversation.Held.Count, "the conversation holds a different number of messages than were held and not ended");
        foreach (var held in conversation.Held)
        {
            Check(ledger.TryGetValue(held.MessageId, out var entry) && entry.Fate == "held" && entry.Direction == held.Direction, "the conversation holds a message that ended");
        }
    }

    /// <summary>A cheap assertion for the hot loop (xunit's collection asserts cost more than the engine).</summary>
    private static void Check(bool condition, string promise)
    {
        if (!condition)
        {
            Assert.Fail(promise);
        }
    }

    private static string Describe(IEnumerable<Effect> effects) => string.Join(", ", effects.Select(e => e switch
    {
        SendToContact send => $"SendToContact({send.Text.Template.Name()})",
        NoticeToLine notice => $"NoticeToLine({notice.Text.Template.Name()})",
        _ => e.ToString(),
    }));

    private sealed record Step(TimeSpan Delay, Kind Kind, string Body, ConsentState ImportState, TimeSpan EvidenceOffset)
    {
        public override string ToString() => Kind switch
        {
            Kind.ContactSent or Kind.CarrierOptOutMessage => $"+{Delay} {Kind} \"{Body}\"",
            Kind.ConsentImported => $"+{Delay} {Kind} {ImportState} evidence {EvidenceOffset}",
            _ => $"+{Delay} {Kind}",
        };
    }

    private sealed record Run(ConsentPolicy Policy, Channel Channel, Step[] Steps)
    {
        public override string ToString()
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Channel}, smsOptIn={Policy.SmsOptInRequired}, scope={Policy.OptOutScope}, cooldown={Policy.RequestCooldown}, ");
            text.Append(CultureInfo.InvariantCulture, $"max={Policy.MaxRequests}, validity={Policy.RequestValidity}, ttl={Policy.HeldMessageTtl}");
            foreach (var step in Steps)
            {
                text.Append("\n  ").Append(step);
            }

            return text.ToString();
        }
    }
}
