using Optline.Core.Consent;

namespace Optline.Storage.Outbox;

/// <summary><c>Optline__Outbox__*</c>: carrier pacing per sending number, retries and dispatch batches.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Optline:Outbox";

    /// <summary>A US long code sends about one message per second.</summary>
    public double SmsMessagesPerSecond { get; set; } = 1;

    /// <summary>A US toll-free number (+1 800, 833, 844, 855, 866, 877, 888) is allowed three SMS per second.</summary>
    public double TollFreeMessagesPerSecond { get; set; } = 3;

    public double WhatsAppMessagesPerSecond { get; set; } = 80;

    /// <summary>Attempts before a message is dead-lettered for an admin to see and retry.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed row stays invisible to other dispatchers; past it, a crashed node's claim is taken over.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public int BatchSize { get; set; } = 200;

    /// <summary>
    /// How far ahead of its send time a message may be claimed, so that a number's next send is already in memory when
    /// its slot comes. Well below <see cref="ClaimTimeout"/>: a claim is held until the send.
    /// </summary>
    public TimeSpan ClaimLookahead { get; set; } = TimeSpan.FromMilliseconds(500);

    public double MessagesPerSecond(Channel channel, string fromNumber) =>
        channel == Channel.WhatsApp ? WhatsAppMessagesPerSecond
        : IsUsTollFree(fromNumber) ? TollFreeMessagesPerSecond
        : SmsMessagesPerSecond;

    public long SlotMicroseconds(Channel channel, string fromNumber)
    {
        var rate = MessagesPerSecond(channel, fromNumber);
        return rate <= 0 ? 0 : (long)Math.Round(1_000_000 / rate);
    }

    public string? Validate() =>
        SmsMessagesPerSecond <= 0 || TollFreeMessagesPerSecond <= 0 || WhatsAppMessagesPerSecond <= 0 ? "Optline__Outbox__*MessagesPerSecond must be positive."
        : MaxAttempts < 1 ? "Optline__Outbox__MaxAttempts must be at least 1."
        : BatchSize < 1 ? "Optline__Outbox__BatchSize must be at least 1."
        : ClaimLookahead < TimeSpan.Zero || ClaimLookahead >= ClaimTimeout / 2 ? "Optline__Outbox__ClaimLookahead must be between 0 and half the ClaimTimeout."
        : null;

    private static bool IsUsTollFree(string number) =>
        number.Length == 12 && number.StartsWith("+1", StringComparison.Ordinal)
        && number.AsSpan(2, 3) is "800" or "833" or "844" or "855" or "866" or "877" or "888";
}
