using Microsoft.Extensions.Time.Testing;
using Optline.Core.Consent;
using Optline.Core.Keywords;
using Optline.Core.Templates;

namespace Optline.Core.Tests.Consent;

/// <summary>
/// One conversation (Alex Morgan's line and one contact, on one channel) driven through
/// <see cref="ConsentEngine.Decide"/> event by event on a fake clock. Each event gives a <see cref="Turn"/>:
/// what the contact received and what the line saw because of it. The scenario also keeps the running totals,
/// so a test reads like the seed: "the line writes first → the contact gets exactly this → the line sees exactly that".
/// </summary>
internal sealed class Scenario
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly List<Turn> _turns = [];
    private int _messages;

    public Scenario(Channel channel = Channel.Sms, ConsentPolicy? policy = null)
    {
        Policy = policy ?? ConsentPolicy.Default;
        Context = new ConversationContext(SeedTexts.OrganizationName, SeedTexts.UserName, SeedTexts.LineNumber, SeedTexts.ContactNumber, channel);
    }

    /// <summary>The organization's settings; a test may change them between events.</summary>
    public ConsentPolicy Policy { get; set; }

    public ConversationContext Context { get; }

    public Conversation Conversation { get; private set; } = Conversation.New;

    public ConsentState State => Conversation.State;

    public DateTimeOffset Now => _clock.GetUtcNow();

    public IReadOnlyList<Turn> Turns => _turns;

    /// <summary>Every automated text the contact received, in order, since the scenario began.</summary>
    public IReadOnlyList<string> ContactReceived => [.. _turns.SelectMany(t => t.ToContact)];

    /// <summary>Every notice the line saw, in order, since the scenario began.</summary>
    public IReadOnlyList<string> LineSaw => [.. _turns.SelectMany(t => t.ToLine)];

    /// <summary>The line wrote first; the contact has been asked.</summary>
    public static Scenario PendingByLine(Channel channel = Channel.Sms, ConsentPolicy? policy = null)
    {
        var scenario = new Scenario(channel, policy);
        scenario.LineSends("Hi, it's Alex. Do you have a minute for your annual review?");
        return scenario.Wait(TimeSpan.FromMinutes(1));
    }

    /// <summary>The contact wrote first; they have been asked.</summary>
    public static Scenario PendingByContact(Channel channel = Channel.Sms, ConsentPolicy? policy = null)
    {
        var scenario = new Scenario(channel, policy);
        scenario.ContactSends("Hello, is this Alex?");
        return scenario.Wait(TimeSpan.FromMinutes(1));
    }

    /// <summary>The line wrote first and the contact replied YES.</summary>
    public static Scenario OptedIn(Channel channel = Channel.Sms, ConsentPolicy? policy = null)
    {
        var scenario = PendingByLine(channel, policy);
        scenario.ContactSends("YES");
        return scenario.Wait(TimeSpan.FromMinutes(1));
    }

    /// <summary>The contact opted in, then replied STOP.</summary>
    public static Scenario OptedOut(Channel channel = Channel.Sms, ConsentPolicy? policy = null)
    {
        var scenario = OptedIn(channel, policy);
        scenario.ContactSends("STOP");
        return scenario.Wait(TimeSpan.FromMinutes(1));
    }

    /// <summary>A conversation brought to <paramref name="state"/> by the seed's own flows (pending: the line wrote first).</summary>
    public static Scenario In(ConsentState state, Channel channel = Channel.Sms, ConsentPolicy? policy = null) => state switch
    {
        ConsentState.None => new Scenario(channel, policy),
        ConsentState.Pending => PendingByLine(channel, policy),
        ConsentState.OptedIn => OptedIn(channel, policy),
        ConsentState.OptedOut => OptedOut(channel, policy),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public Scenario Wait(TimeSpan span)
    {
        _clock.Advance(span);
        return this;
    }

    public Turn LineSends(string body = "Are you free on Thursday at 10?")
    {
        var id = NextMessageId();
        return Apply(new LineSent(id, body, Now), id);
    }

    public Turn ContactSends(string body, bool carrierOptOut = false)
    {
        var id = NextMessageId();
        return Apply(new ContactSent(id, body, Now, carrierOptOut), id);
    }

    public Turn CarrierReportsOptOut(string reason = "twilio:21610") => Apply(new CarrierReportedOptOut(reason, Now));

    public Turn AdminImports(ConsentState state, DateTimeOffset collectedAt, string method = "paper_form") =>
        Apply(new ConsentImported(state, new ConsentEvidence(method, collectedAt, "I agree to receive text messages.", "form-2291"), Now));

    public Turn StaffRevokes(string reason = "client asked by phone") => Apply(new ConsentRevoked(reason, Now));

    public Turn OptedOutElsewhere(string where = "sms:+12015550100") => Apply(new OptedOutElsewhere(where, Now));

    public Turn ReviewedAsOptOut(Guid messageId) => Apply(new ReviewedAsOptOut(messageId, Now));

    public Turn TimePasses(TimeSpan span)
    {
        Wait(span);
        return Apply(new TimePassed(Now));
    }

    /// <summary>The organization turns SMS opt-in off (the policy changes, then the event is decided under it).</summary>
    public Turn OptInRequirementLifted()
    {
        Policy = Policy with { SmsOptInRequired = false };
        return Apply(new OptInRequirementLifted(Now));
    }

    public Turn Apply(ConsentEvent @event, Guid? messageId = null)
    {
        var before = Conversation;
        var decision = ConsentEngine.Decide(before, @event, Policy, Context);
        Conversation = decision.Conversation;
        var turn = new Turn(@event, messageId, before, decision);
        _turns.Add(turn);
        return turn;
    }

    private Guid NextMessageId() => new(++_messages, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
}

/// <summary>One event and what the engine decided about it, seen from the contact and from the line.</summary>
internal sealed record Turn(ConsentEvent Event, Guid? MessageId, Conversation Before, Decision Decision)
{
    /// <summary>The id of the message this turn was about (a line or contact message).</summary>
    public Guid Message => MessageId ?? throw new InvalidOperationException($"{Event.GetType().Name} carries no message.");

    public IReadOnlyList<Effect> Effects => Decision.Effects;

    public ConsentState State => Decision.Conversation.State;

    public MessageStatus? Status => Decision.Outcome?.Status;

    public BlockReason? Reason => Decision.Outcome?.Reason;

    /// <summary>The automated texts sent to the contact, in order.</summary>
    public IReadOnlyList<string> ToContact => [.. Of<SendToContact>().Select(s => s.Text.Text)];

    public IReadOnlyList<TemplateId> TemplatesToContact => [.. Of<SendToContact>().Select(s => s.Text.Template)];

    /// <summary>The notices shown to the line, in order.</summary>
    public IReadOnlyList<string> ToLine => [.. Of<NoticeToLine>().Select(n => n.Text.Text)];

    /// <summary>Line messages that go on to the contact now: queued directly, or released from hold.</summary>
    public IReadOnlyList<Guid> OutboundToContact =>
        [.. Effects.Select(e => e switch
        {
            QueueForContact queue => queue.MessageId,
            Release { Direction: Direction.Outbound } release => release.MessageId,
            _ => Guid.Empty,
        }).Where(id => id != Guid.Empty)];

    /// <summary>Contact messages the line sees now: delivered directly, or released from hold.</summary>
    public IReadOnlyList<Guid> InboundToLine =>
        [.. Effects.Select(e => e switch
        {
            DeliverToLine deliver => deliver.MessageId,
            Release { Direction: Direction.Inbound } release => release.MessageId,
            _ => Guid.Empty,
        }).Where(id => id != Guid.Empty)];

    public IReadOnlyList<Guid> Held => [.. Of<Hold>().Select(h => h.MessageId)];

    public IReadOnlyList<Guid> Released => [.. Of<Release>().Select(r => r.MessageId)];

    public IReadOnlyList<Guid> Cancelled => [.. Of<Cancel>().Select(c => c.MessageId)];

    public IReadOnlyList<Guid> Expired => [.. Of<Expire>().Select(e => e.MessageId)];

    public ConsentChanged? Transition => Of<ConsentChanged>().SingleOrDefault();

    public Classification? Classification => Decision.Classification;

    public IReadOnlyList<T> Of<T>() where T : Effect => [.. Effects.OfType<T>()];

    public override string ToString() =>
        $"{Event.GetType().Name} at {Event.At:O}: {Before.State} → {State}; effects: {string.Join(", ", Effects.Select(e => e.GetType().Name))}";
}
