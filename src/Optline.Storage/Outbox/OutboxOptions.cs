using Optline.Core.Consent;

namespace Optline.Storage.Outbox;

/// <summary><c>Optline__Outbox__*</c>: carrier pacing per sending number, retries and dispatch batches.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Optline:Outbox";

    /// <summary>A US long code sends about one message per second.</summary>
    public double SmsMessagesPerSecond { get; set; } = 1;

    public double WhatsAppMessagesPerSecond { get; set; } = 80;

    /// <summary>Attempts before a message is dead-lettered for an admin to see and retry.</summary>
    public int MaxAttempts { get; set; } = 8;

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a claimed row stays invisible to other dispatchers; past it, a crashed node's claim is taken over.</summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromSeconds(60);

    public int BatchSize { get; set; } = 200;

    public long SlotMicroseconds(Channel channel)
    {
        var rate = channel == Channel.WhatsApp ? WhatsAppMessagesPerSecond : SmsMessagesPerSecond;
        return rate <= 0 ? 0 : (long)Math.Round(1_000_000 / rate);
    }

    public string? Validate() =>
        SmsMessagesPerSecond <= 0 || WhatsAppMessagesPerSecond <= 0 ? "Optline__Outbox__*MessagesPerSecond must be positive."
        : MaxAttempts < 1 ? "Optline__Outbox__MaxAttempts must be at least 1."
        : null;
}
