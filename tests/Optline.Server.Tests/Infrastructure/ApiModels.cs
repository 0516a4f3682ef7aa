namespace Optline.Server.Tests.Infrastructure;

// The HTTP contract of PRODUCT.md §7 as a client reads it: the tests' own view, independent of the server's types.

public sealed record ConsentInfo(string State, DateTimeOffset? Since);

public sealed record SendResult(Guid Id, string Status, string? Reason, ConsentInfo Consent);

public sealed record TimelineItem(Guid Id, string Kind, string? Direction, string Body, string Status, string? Reason, DateTimeOffset At)
{
    public bool IsNotice => Kind == "notice";

    public bool IsOutboundMessage => Kind == "message" && Direction == "outbound";

    public bool IsInboundMessage => Kind == "message" && Direction == "inbound";
}

public sealed record Conversation(string Line, string Contact, string Channel, ConsentInfo Consent, IReadOnlyList<TimelineItem> Items, string? Next)
{
    public IReadOnlyList<string> Notices => [.. Items.Where(i => i.IsNotice).Select(i => i.Body)];

    /// <summary>The contact's messages the line can read: delivered to it.</summary>
    public IReadOnlyList<string> DeliveredInbound => [.. Items.Where(i => i.IsInboundMessage && i.Status == "delivered").Select(i => i.Body)];

    public TimelineItem Message(string body) => Items.Single(i => i.Kind == "message" && i.Body == body);

    /// <summary>Nothing outbound is waiting in the outbox: whatever will reach the carrier has reached it.</summary>
    public bool OutboxDrained => Items.All(i => !(i.IsOutboundMessage && i.Status == "queued"));
}

public sealed record ConsentHistoryEntry(DateTimeOffset At, string Event, string? Source, string? Text);

public sealed record ConsentRecord(string Line, string Contact, string Channel, string State, DateTimeOffset? Since, string? Source, IReadOnlyList<ConsentHistoryEntry> History);

public sealed record LineCreated(long Id, string Number, string DisplayName, string? ApiKey);

public sealed record LinePage(IReadOnlyList<LineCreated> Items, string? Next);

public sealed record Review(long Id, Guid MessageId, string Line, string Contact, string Channel, string Body, string Rule, string? Decision);

public sealed record ReviewPage(IReadOnlyList<Review> Items, string? Next);

public sealed record SimulatedOutbound(Guid Id, string Channel, string From, string To, string Body, string Status);

public sealed record SimulatedOutboundPage(IReadOnlyList<SimulatedOutbound> Items, string? Next);

/// <summary>An RFC 9457 problem; <see cref="Field"/> is Optline's extension naming the offending input.</summary>
public sealed record Problem(string Type, string? Title, int Status, string? Detail, string? Field);
