using System.Globalization;
using System.Text.Json;
using Optline.Channels.Sending;

namespace Optline.Channels.WhatsApp;

/// <summary>Turns a Graph API error answer into a retry decision.</summary>
internal static class WhatsAppSendFailure
{
    /// <summary>Outside the 24-hour customer service window: only a template may be sent.</summary>
    public const int ReEngagementRequired = 131047;

    /// <summary>The contact stopped marketing messages from this business.</summary>
    public const int MarketingStopped = 131050;

    // Application (4), account (80007), Cloud API (130429) and per-recipient pair (131056) rate limits.
    private static readonly HashSet<int> RateLimitCodes = [4, 80007, 130429, 131056];

    public static SendResult Classify(int httpStatus, ReadOnlySpan<byte> body, TimeSpan? retryAfter)
    {
        var (code, message) = ReadError(body);
        var codeText = code?.ToString(CultureInfo.InvariantCulture);
        var error = $"WhatsApp Cloud API answered {httpStatus}" + (code is null ? "" : $" (error {codeText})") + ": " + (message ?? "no error details");

        if (HttpFailure.IsRetryableStatus(httpStatus) || code is { } limit && RateLimitCodes.Contains(limit))
            return SendResult.Transient(error, codeText, retryAfter);
        return code switch
        {
            ReEngagementRequired => SendResult.Permanent(
                "Outside the 24-hour customer service window: WhatsApp accepts only a template message. " + error, codeText),
            MarketingStopped => SendResult.Permanent("The contact has stopped marketing messages. " + error, codeText),
            _ => SendResult.Permanent(error, codeText),
        };
    }

    private static (int? Code, string? Message) ReadError(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error)
                || error.ValueKind != JsonValueKind.Object)
                return (null, null);
            int? code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            if (error.TryGetProperty("error_data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.String)
                message = $"{message} ({details.GetString()})";
            return (code, message);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return (null, null);
        }
    }
}
