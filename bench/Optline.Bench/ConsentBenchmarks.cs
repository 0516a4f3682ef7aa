using BenchmarkDotNet.Attributes;
using Optline.Core.Consent;

namespace Optline.Bench;

/// <summary>
/// The cost of one event through the consent engine: classification (for contact messages) and the decision,
/// as the shell pays it per inbound or outbound message.
/// </summary>
[MemoryDiagnoser]
public class ConsentBenchmarks
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly ConsentPolicy _policy = ConsentPolicy.Default;
    private readonly ConversationContext _context = new("Morgan Wealth Partners", "Alex Morgan", "+12015550100", "+12015550123", Channel.Sms);

    private Conversation _pendingWithTwoHeld = Conversation.New;
    private Conversation _optedIn = Conversation.New;
    private ContactSent _yes = null!;
    private ContactSent _chatter = null!;
    private ContactSent _stopPlease = null!;
    private LineSent _lineMessage = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pendingWithTwoHeld = new Conversation
        {
            State = ConsentState.Pending,
            Since = Start,
            Request = new PendingRequest(Initiator.Line, Start, Start, 1),
            Held = [new HeldMessage(Guid.NewGuid(), Direction.Outbound, Start), new HeldMessage(Guid.NewGuid(), Direction.Inbound, Start.AddMinutes(2))],
        };
        _optedIn = new Conversation { State = ConsentState.OptedIn, Since = Start, LastInboundAt = Start };

        var at = Start.AddMinutes(10);
        _yes = new ContactSent(Guid.NewGuid(), "YES", at);
        _chatter = new ContactSent(Guid.NewGuid(), "Can we move our call to Friday?", at);
        _stopPlease = new ContactSent(Guid.NewGuid(), "Stop please", at);
        _lineMessage = new LineSent(Guid.NewGuid(), "Great, talk on Thursday at 10.", at);
    }

    [Benchmark(Description = "contact YES on pending with 2 held")]
    public Decision ContactYesOnPending() => ConsentEngine.Decide(_pendingWithTwoHeld, _yes, _policy, _context);

    [Benchmark(Description = "line send on opted_in")]
    public Decision LineSendOnOptedIn() => ConsentEngine.Decide(_optedIn, _lineMessage, _policy, _context);

    [Benchmark(Description = "contact chatter on opted_in")]
    public Decision ContactChatterOnOptedIn() => ConsentEngine.Decide(_optedIn, _chatter, _policy, _context);

    [Benchmark(Description = "contact \"Stop please\" on opted_in")]
    public Decision StopPleaseOnOptedIn() => ConsentEngine.Decide(_optedIn, _stopPlease, _policy, _context);

    [Benchmark(Description = "line writes first (none → pending, line_request rendered)")]
    public Decision LineFirstOnNone() => ConsentEngine.Decide(Conversation.New, _lineMessage, _policy, _context);
}
