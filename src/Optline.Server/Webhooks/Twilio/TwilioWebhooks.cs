using Microsoft.Extensions.Options;
using Optline.Channels.Twilio;
using Optline.Core.Consent;
using Optline.Server.Api;
using Optline.Server.Outbox;
using Optline.Storage.Audit;
using Optline.Storage.Outbox;

namespace Optline.Server.Webhooks.Twilio;

/// <summary>
/// <c>POST /webhooks/twilio</c> and <c>/webhooks/twilio/status</c>: signed by Twilio with the account's auth token over
/// the public URL and the form; answered with empty TwiML once the event is committed.
/// </summary>
public static class TwilioWebhooks
{
    private const string EmptyTwiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    public static IEndpointRouteBuilder MapTwilioWebhooks(this IEndpointRouteBuilder app)
    {
        var twilio = app.MapGroup("/webhooks/twilio").WithTags("Webhooks").DisableAntiforgery();
        twilio.MapPost("/", InboundAsync);
        twilio.MapPost("/status", StatusAsync);
        return app;
    }

    private static async Task<IResult> InboundAsync(HttpContext http, IOptions<TwilioOptions> options, InboundIntake intake, CancellationToken ct)
    {
        var (form, raw, problem) = await ReadSignedFormAsync(http, options.Value, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!TwilioInboundMessage.TryParse(form!, out var message, out var error))
        {
            return Problems.Of(400, "malformed-webhook", "The webhook is not a Twilio message.", error);
        }

        var (_, refused) = await intake.AcceptAsync(new CarrierMessage(
            "twilio", message.MessageSid, Channel.Sms, message.To, message.From, message.Body,
            CarrierOptOut: string.Equals(message.OptOutType, "STOP", StringComparison.OrdinalIgnoreCase),
            Signature: "valid", PayloadSha256: AuditHash.Sha256Hex(raw), NumMedia: message.NumMedia), ct);
        return refused ?? Results.Content(EmptyTwiml, "text/xml");
    }

    private static async Task<IResult> StatusAsync(HttpContext http, IOptions<TwilioOptions> options, DeliveryReports reports, CancellationToken ct)
    {
        var (form, _, problem) = await ReadSignedFormAsync(http, options.Value, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (!TwilioStatusCallback.TryParse(form!, out var callback, out var error))
        {
            return Problems.Of(400, "malformed-webhook", "The webhook is not a Twilio status callback.", error);
        }

        await reports.RecordAsync(callback.MessageSid, callback.MessageStatus, callback.ErrorCode,
            optedOut: callback.ErrorCode == TwilioSender.UnsubscribedRecipientErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        return Results.Content(EmptyTwiml, "text/xml");
    }

    private static async Task<(IReadOnlyDictionary<string, string>? Form, byte[] Raw, IResult? Problem)> ReadSignedFormAsync(HttpContext http, TwilioOptions options, CancellationToken ct)
    {
        var raw = await RawBody.ReadAsync(http.Request, ct);
        Dictionary<string, string> form;
        try
        {
            form = TwilioForm.FirstValues(System.Text.Encoding.UTF8.GetString(raw));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException)
        {
            return (null, raw, Problems.Of(400, "malformed-webhook", "The body is not a form.", ex.Message));
        }

        var url = TwilioSignature.SignedUrl(options.PublicBaseUrl, http.Request.Path + http.Request.QueryString);
        var signature = http.Request.Headers[TwilioSignature.HeaderName].ToString();
        if (!http.RequestServices.GetRequiredService<TwilioSignature>().IsValid(url, form, signature))
        {
            return (null, raw, Problems.Of(403, "invalid-signature", "The Twilio signature does not match.",
                "X-Twilio-Signature must sign Optline__Twilio__PublicBaseUrl + path and the form with the account's auth token. Nothing was stored."));
        }

        return (form, raw, null);
    }
}
