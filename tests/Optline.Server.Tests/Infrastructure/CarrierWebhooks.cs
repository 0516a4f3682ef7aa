using System.Globalization;
using Optline.Tests.Shared;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>Plays Twilio and Meta posting signed webhooks to the server, the way the real carriers do.</summary>
public sealed class CarrierWebhooks(HttpClient http, string publicBaseUrl)
{
    public async Task<HttpResponseMessage> TwilioInboundAsync(
        string from, string to, string body, string? messageSid = null, Signing signing = Signing.Valid, IReadOnlyDictionary<string, string>? extra = null)
    {
        var form = TwilioInboundForm(from, to, body, messageSid);
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

    public Task<HttpResponseMessage> PostTwilioAsync(string path, IReadOnlyDictionary<string, string> form, Signing signing) => signing switch
    {
        Signing.Valid => PostTwilioAsync(path, form, WebhookSigning.Twilio(OptlineTestServer.TwilioAuthToken, publicBaseUrl + path, form)),
        Signing.WrongSecret => PostTwilioAsync(path, form, WebhookSigning.Twilio("not-the-auth-token", publicBaseUrl + path, form)),
        _ => PostTwilioAsync(path, form, (string?)null),
    };

    public async Task<HttpResponseMessage> PostTwilioAsync(string path, IReadOnlyDictionary<string, string> form, string? signatureHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
        if (signatureHeader is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signatureHeader);
        }

        return await http.SendAsync(request);
    }

    /// <summary>The form of an inbound SMS as Twilio posts it.</summary>
    public static Dictionary<string, string> TwilioInboundForm(string from, string to, string body, string? messageSid = null)
    {
        var sid = messageSid ?? NewTwilioSid();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["SmsSid"] = sid, ["AccountSid"] = OptlineTestServer.TwilioAccountSid,
            ["From"] = from, ["To"] = to, ["Body"] = body, ["NumMedia"] = "0", ["NumSegments"] = "1",
            ["SmsStatus"] = "received", ["ApiVersion"] = "2010-04-01", ["FromCountry"] = "US", ["ToCountry"] = "US",
        };
    }

    public string PublicUrl(string path) => publicBaseUrl + path;

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
    public static byte[] WhatsAppTextPayload(string from, string line, string body, string wamid) =>
        WhatsAppPayloads.Text(OptlineTestServer.WhatsAppPhoneNumberId, from, line, body, wamid, UnixNow());

    /// <summary>A Cloud API "messages" webhook reporting one outbound message's status.</summary>
    public static byte[] WhatsAppStatusPayload(string line, string wamid, string status, string recipient) =>
        Change("messages", new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = line.TrimStart('+'), phone_number_id = OptlineTestServer.WhatsAppPhoneNumberId },
            statuses = new[]
            {
                new { id = wamid, status, timestamp = UnixNow(), recipient_id = recipient.TrimStart('+') },
            },
        });

    /// <summary>A Cloud API "user_preferences" webhook: the contact stopped marketing messages in WhatsApp itself.</summary>
    public static byte[] WhatsAppStopPreferencePayload(string line, string contact) =>
        Change("user_preferences", new
        {
            messaging_product = "whatsapp",
            metadata = new { display_phone_number = line.TrimStart('+'), phone_number_id = OptlineTestServer.WhatsAppPhoneNumberId },
            contacts = new[] { new { wa_id = contact.TrimStart('+'), profile = new { name = "Jordan" } } },
            user_preferences = new[]
            {
                new { wa_id = contact.TrimStart('+'), detail = "User requested to stop marketing messages", category = "marketing_messages", value = "stop", timestamp = UnixNow() },
            },
        });

    private static byte[] Change(string field, object value) => WhatsAppPayloads.Change(field, value);

    private static string UnixNow() => TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string NewTwilioSid() => "SM" + Guid.NewGuid().ToString("N");

    public static string NewWamid() => "wamid." + Guid.NewGuid().ToString("N");
}
