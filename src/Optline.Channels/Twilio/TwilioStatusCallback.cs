using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Optline.Channels.Twilio;

/// <summary>A delivery report Twilio posts to a message's StatusCallback URL.</summary>
/// <param name="MessageStatus">Lower case as Twilio sends it: queued, sending, sent, delivered, undelivered, failed, …</param>
/// <param name="ErrorCode">Twilio's error code for undelivered and failed messages (e.g. 30003).</param>
public sealed record TwilioStatusCallback(string MessageSid, string MessageStatus, string? ErrorCode)
{
    public bool IsFinal => MessageStatus is "delivered" or "undelivered" or "failed" or "read" or "canceled";

    public bool IsFailure => MessageStatus is "undelivered" or "failed";

    public static bool TryParse(
        IReadOnlyDictionary<string, string> form,
        [NotNullWhen(true)] out TwilioStatusCallback? callback,
        [NotNullWhen(false)] out string? error)
    {
        callback = null;
        var sid = TwilioForm.NonEmptyField(form, "MessageSid") ?? TwilioForm.NonEmptyField(form, "SmsSid");
        // Older callbacks carry SmsStatus only.
        var status = TwilioForm.NonEmptyField(form, "MessageStatus") ?? TwilioForm.NonEmptyField(form, "SmsStatus");
        error = sid is null ? "MessageSid is missing" : status is null ? "MessageStatus is missing" : null;
        if (error is not null)
            return false;

        callback = new TwilioStatusCallback(sid!, status!.Trim().ToLowerInvariant(), TwilioForm.NonEmptyField(form, "ErrorCode")?.Trim());
        return true;
    }

    public static bool TryParse(
        IFormCollection form,
        [NotNullWhen(true)] out TwilioStatusCallback? callback,
        [NotNullWhen(false)] out string? error) =>
        TryParse(TwilioForm.FirstValues(form), out callback, out error);
}
