using Microsoft.Extensions.Options;
using Optline.Channels.WhatsApp;
using Optline.Core.Consent;
using Optline.Core.Phones;
using Optline.Server.Api;
using Optline.Server.Outbox;
using Optline.Storage.Audit;
using Optline.Storage.Organizations;

namespace Optline.Server.Webhooks.WhatsApp;

/// <summary>
/// <c>GET /webhooks/whatsapp</c>: Meta's verify handshake. <c>POST</c>: messages, statuses and stop preferences,
/// accepted only with a valid <c>X-Hub-Signature-256</c> over the raw bytes.
/// </summary>
public static class WhatsAppWebhooks
{
    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder app)
    {
        var whatsapp = app.MapGroup("/webhooks/whatsapp").WithTags("Webhooks").DisableAntiforgery();
        whatsapp.MapGet("/", Verify);
        whatsapp.MapPost("/", ReceiveAsync);
        return app;
    }

    private static IResult Verify(HttpRequest request, IOptions<WhatsAppOptions> options)
    {
        var challenge = WhatsAppVerifyHandshake.Challenge(request.Query["hub.mode"], request.Query["hub.verify_token"], request.Query["hub.challenge"], options.Value.VerifyToken);
        return challenge is null
            ? Problems.Of(403, "invalid-verify-token", "The verify token does not match.", "hub.verify_token must equal Optline__WhatsApp__VerifyToken.")
            : Results.Text(challenge, "text/plain");
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptions<WhatsAppOptions> options, InboundIntake intake, DeliveryReports reports,
        OrganizationStore organizations, CancellationToken ct)
    {
        var raw = await RawBody.ReadAsync(http.Request, ct);
        if (!new WhatsAppSignature(options.Value.AppSecret).IsValid(raw, http.Request.Headers[WhatsAppSignature.HeaderName]))
        {
            return Problems.Of(403, "invalid-signature", "The X-Hub-Signature-256 does not match.",
                "The signature must be HMAC-SHA256 of the raw body with the app secret. Nothing was stored.");
        }

        if (!WhatsAppWebhookParser.TryParse(raw, out var events, out var error))
        {
            return Problems.Of(400, "malformed-webhook", "The body is not a WhatsApp Cloud API webhook.", error);
        }

        var payloadHash = AuditHash.Sha256Hex(raw);
        foreach (var @event in events)
        {
            switch (@event)
            {
                case WhatsAppInboundMessage message:
                    var (_, refused) = await intake.AcceptAsync(new CarrierMessage("whatsapp", message.MessageId, Channel.WhatsApp,
                        Plus(message.DisplayPhoneNumber), message.From, message.Body, Signature: "valid", PayloadSha256: payloadHash), ct);
                    if (refused is not null)
                    {
                        return refused;
                    }

                    break;
                case WhatsAppStatusUpdate status:
                    await reports.RecordAsync(status.MessageId, status.Status, status.ErrorCode, optedOut: false, ct);
                    break;
                case WhatsAppUserPreferenceStop stop when stop.DisplayPhoneNumber is not null
                    && PhoneNumbers.TryNormalize(Plus(stop.DisplayPhoneNumber), out var lineNumber, out _)
                    && PhoneNumbers.TryNormalize(stop.From, out var contact, out _):
                    var line = await organizations.FindLineByNumberAsync(lineNumber, ct);
                    if (line is not null)
                    {
                        await reports.CarrierOptOutAsync(line.Id, contact, Channel.WhatsApp, "whatsapp user preference: stop", ct);
                    }

                    break;
            }
        }

        return Results.Ok();
    }

    private static string Plus(string number) => number.StartsWith('+') ? number : "+" + number;
}
