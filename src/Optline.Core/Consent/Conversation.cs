namespace Optline.Core.Consent;

/// <summary>
/// Everything the engine needs to know about one conversation (line, contact, channel):
/// its consent, the request in flight, the WhatsApp service window and the messages held back.
/// </summary>
public sealed record Conversation
{
    public static readonly Conversation New = new();

    public ConsentState State { get; init; } = ConsentState.None;

    /// <summary>
    /// When the conversation entered <see cref="State"/>; null while it is <c>none</c>. For <c>opted_out</c>, the
    /// latest opt-out (a repeated opt-out moves it), so an imported opt-in can be checked against it.
    /// </summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Set while <see cref="State"/> is <c>pending</c>.</summary>
    public PendingRequest? Request { get; init; }

    /// <summary>Set while <see cref="State"/> is <c>opted_out</c>.</summary>
    public OptOutRecord? OptOut { get; init; }

    /// <summary>
    /// When the contact last wrote on this WhatsApp conversation (opens its 24-hour window). SMS has no such window, so
    /// an SMS conversation's ordinary message changes nothing here and its state need not be written again.
    /// </summary>
    public DateTimeOffset? LastInboundAt { get; init; }

    /// <summary>Messages held until consent, oldest first.</summary>
    public IReadOnlyList<HeldMessage> Held { get; init; } = [];
}

/// <summary>
/// The opt-in request in flight: who started it, when each request went out, how many. <paramref name="AfterOptOut"/>:
/// the contact had opted out before, so the conversation stays gated even where SMS opt-in is off.
/// </summary>
public sealed record PendingRequest(Initiator InitiatedBy, DateTimeOffset FirstRequestAt, DateTimeOffset LastRequestAt, int RequestsSent, bool AfterOptOut = false);

/// <summary>How an opt-out happened: the source, and the keyword rule or reason that decided it.</summary>
public sealed record OptOutRecord(OptOutSource Source, string How);

/// <summary>A message kept back until the contact consents.</summary>
public readonly record struct HeldMessage(Guid MessageId, Direction Direction, DateTimeOffset HeldAt);
