using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Optline.Channels.Twilio;

/// <summary>An SMS or MMS Twilio delivered to our inbound webhook. A media-only message has an empty body.</summary>
/// <param name="OptOutType">Set by Twilio's Advanced Opt-Out (STOP, START, HELP) when it recognised a keyword.</param>
public sealed record TwilioInboundMessage(
    string MessageSid,
    string From,
    string To,
    string Body,
    int NumMedia,
    IReadOnlyList<string> MediaUrls,
    string? OptOutType)
{
    /// <summary>Twilio accepts at most 10 media items per message.</summary>
    public const int MaxMedia = 10;

    public static bool TryParse(
        IReadOnlyDictionary<string, string> form,
        [NotNullWhen(true)] out TwilioInboundMessage? message,
        [NotNullWhen(false)] out string? error)
    {
        message = null;
        var sid = TwilioForm.NonEmptyField(form, "MessageSid") ?? TwilioForm.NonEmptyField(form, "SmsMessageSid");
        var from = TwilioForm.NonEmptyField(form, "From");
        var to = TwilioForm.NonEmptyField(form, "To");
        error = sid is null ? "MessageSid is missing"
            : from is null ? "From is missing"
            : to is null ? "To is missing"
            : null;
        if (error is not null)
            return false;

        var numMedia = 0;
        if (TwilioForm.NonEmptyField(form, "NumMedia") is { } numMediaText
            && (!int.TryParse(numMediaText, NumberStyles.None, CultureInfo.InvariantCulture, out numMedia) || numMedia > MaxMedia))
        {
            error = $"NumMedia must be a whole number from 0 to {MaxMedia}";
            return false;
        }

        var mediaUrls = new List<string>(numMedia);
        for (var i = 0; i < numMedia; i++)
        {
            if (TwilioForm.NonEmptyField(form, "MediaUrl" + i.ToString(CultureInfo.InvariantCulture)) is { } url)
                mediaUrls.Add(url);
        }

        message = new TwilioInboundMessage(
            sid!, from!.Trim(), to!.Trim(), TwilioForm.Field(form, "Body") ?? "", numMedia, mediaUrls,
            TwilioForm.NonEmptyField(form, "OptOutType"));
        return true;
    }

    public static bool TryParse(
        IFormCollection form,
        [NotNullWhen(true)] out TwilioInboundMessage? message,
        [NotNullWhen(false)] out string? error) =>
        TryParse(TwilioForm.FirstValues(form), out message, out error);
}
