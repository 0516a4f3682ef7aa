using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>Plays Twilio and Meta posting signed webhooks to the server, the way the real carriers do.</summary>
public sealed class CarrierWebhooks(HttpClient http, string publicBaseUrl)
{
    public async Task<HttpResponseMessage> TwilioInboundAsync(
        string from, string to, string body, string? messageSid = null, Signing signing = Signing.Valid, IReadOnlyDictionary<string, string>? extra = null)
    {
        var sid = messageSid ?? NewTwilioSid();
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = OptlineTestServer.TwilioAccountSid,
            ["From"] = from, ["To"] = to, ["Body"] = body, ["NumMedia"] = "0", ["NumSegments"] = "1",
            ["SmsStatus"] = "received", ["ApiVersion"] = "2010-04-01", ["FromCountry"] = "US", ["ToCountry"] = "US",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            form[name] = value;
        }

        return await PostTwilioAsync("/webhooks/twilio", form, signing);
    }

    public Task<HttpResponseMessage> TwilioStatusAsync(string messageSid, string status, string? errorCode = null, Signing signing = Signing.Valid)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MessageSid"] = messageSid, ["SmsSid"] = messageSid, ["AccountSid"] = OptlineTestServer.TwilioAccountSid,
            ["MessageStatus"] = status, ["SmsStatus"] = status, ["ApiVersion"] = "2010-04-01",
        };
        if (errorCode is not null)
        {
            form["ErrorCode"] = errorCode;
        }

        return PostTwilioAsync("/webhooks/twilio/status", form, signing);
    }

    public async Task<HttpResponseMessage> PostTwilioAsync(string path, IReadOnlyDictionary<string, string> form, Signing signing, string? signedPath = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        var url = publicBaseUrl + (signedPath ?? path);
        switch (signing)
        {
            case Signing.Valid:
                request.Headers.Add("X-Twilio-Signature", WebhookSigning.Twilio(OptlineTestServer.TwilioAuthToken, url, form));
                break;
            case Signing.WrongSecret:
                request.Headers.Add("X-Twilio-Signature", WebhookSigning.Twilio("not-the-auth-token", url, form));
                break;
        }

        return await http.SendAsync(request);
    }

    public Task<HttpResponseMessage> WhatsAppInboundAsync(string from, string line, string body, string? wamid = null, Signing signing = Signing.Valid) =>
        PostWhatsAppAsync(WhatsAppTextPayload(from, line, body, wamid ?? NewWamid()), signing);

    public Task<HttpResponseMessage> PostWhatsAppAsync(byte[] raw, Signing signing) => signing switch
    {
        Signing.Valid => PostWhatsAppAsync(raw, WebhookSigning.WhatsApp(OptlineTestServer.WhatsAppAppSecret, raw)),
        Signing.WrongSecret => PostWhatsAppAsync(raw, WebhookSigning.WhatsApp("not-the-app-secret", raw)),
        _ => PostWhatsAppAsync(raw, (string?)null),
    };

    public async Task<HttpResponseMessage> PostWhatsAppAsync(byte[] raw, string? signatureHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/webhooks/whatsapp", UriKind.Relative))
        {
            Content = new ByteArrayContent(raw) { Headers = { ContentType = new("application/json") } },
        };
        if (signatureHeader is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signatureHeader);
        }

        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> WhatsAppVerifyAsync(string mode, string token, string challenge)
    {
        var query = OptlineClient.Query(("hub.mode", mode), ("hub.verify_token", token), ("hub.challenge", challenge));
        return await http.GetAsync(new Uri("/webhooks/whatsapp" + query, UriKind.Relative));
    }

    /// <summary>A Cloud API "messages" webhook with one text message; numbers are written as Meta writes them, digits without '+'.</summary>
    public static byte[] WhatsAppTextPayload(string from, string line, string body, string wamid)
    {
        var payload = new
        {
            @object = "whatsapp_business_account",
            entry = new[]
            {
                new
                {
                    id = "102290129340398",
                    changes = new[]
                    {
                        new
                        {
                            field = "messages",
                            value = new
                            {
                                messaging_product = "whatsapp",
                                metadata = new { display_phone_number = line.TrimStart('+'), phone_number_id = OptlineTestServer.WhatsAppPhoneNumberId },
                                contacts = new[] { new { profile = new { name = "Jordan" }, wa_id = from.TrimStart('+') } },
                                messages = new[]
                                {
                                    new
                                    {
                                        from = from.TrimStart('+'),
                                        id = wamid,
                                        timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                                        type = "text",
                                        text = new { body },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        };
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(payload));
    }

    public static string NewTwilioSid() => "SM" + Guid.NewGuid().ToString("N");

    public static string NewWamid() => "wamid." + Guid.NewGuid().ToString("N");
}
