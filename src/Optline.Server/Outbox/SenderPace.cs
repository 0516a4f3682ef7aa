namespace Optline.Server.Outbox;

/// <summary>
/// Carrier pacing of one sending number: its carrier calls are at least one slot apart, so a backlog drains at the
/// configured rate however late the dispatcher is, and never faster. Not thread-safe: its lane serialises the calls.
/// </summary>
public sealed class SenderPace(TimeSpan slot)
{
    private DateTimeOffset? _lastScheduled;
    private DateTimeOffset? _lastCall;

    public TimeSpan Slot => slot;

    /// <summary>When a message due at <paramref name="due"/> would go if it were queued behind the ones already scheduled.</summary>
    public DateTimeOffset Next(DateTimeOffset due) =>
        _lastScheduled is { } last && last + slot > due ? last + slot : due;

    /// <summary>Queues a message: the time to wake for it, a slot after the one before it (or when it is due).</summary>
    public DateTimeOffset Schedule(DateTimeOffset due)
    {
        var at = Next(due);
        _lastScheduled = at;
        return at;
    }

    /// <summary>
    /// How long the carrier call must still wait to be a slot after the previous one. Wake times only start the
    /// consent re-check; the call itself is what the carrier counts, and re-checks do not all take the same time.
    /// </summary>
    public TimeSpan UntilCall(DateTimeOffset now) =>
        _lastCall is { } last && last + slot > now ? last + slot - now : TimeSpan.Zero;

    /// <summary>The carrier call was made at <paramref name="at"/> (its slot, when it waited for one).</summary>
    public void Called(DateTimeOffset at) => _lastCall = at;

    /// <summary>Nothing scheduled after <paramref name="before"/>: the pace remembers nothing a new message must wait for.</summary>
    public bool IdleSince(DateTimeOffset before) =>
        (_lastScheduled is not { } scheduled || scheduled + slot <= before) && (_lastCall is not { } call || call + slot <= before);
}
