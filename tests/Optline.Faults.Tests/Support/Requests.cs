using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Optline.Tests.Shared;

namespace Optline.Faults.Tests.Support;

/// <summary>An answer from the server: its status, its body, and the problem type when it is an RFC 9457 problem.</summary>
public sealed record Answer(int Status, string Body, HttpResponseMessage Response)
{
    public string? ProblemType => Json()?.TryGetProperty("type", out var type) == true ? type.GetString() : null;

    public string? Detail => Json()?.TryGetProperty("detail", out var detail) == true ? detail.GetString() : null;

    public bool IsServerError => Status >= 500 || Status == 0;

    public JsonElement? Json()
    {
        try
        {
            return JsonDocument.Parse(Body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public override string ToString() => $"{Status}: {Body}";
}

/// <summary>Raw requests to the rig's server, for hostile traffic the rig's own helpers would never send.</summary>
public static class Requests
{
    public const string ProblemPrefix = "urn:optline:problem:";

    public static async Task<Answer> SendAsync(Rig rig, HttpMethod method, string path, HttpContent? content = null, string? bearer = null,
        IEnumerable<(string Name, string Value)>? headers = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            var response = await rig.Http.SendAsync(request);
            return new Answer((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
        }
        catch (HttpRequestException ex)
        {
            return new Answer(0, ex.Message, new HttpResponseMessage());
        }
    }

    public static Task<Answer> JsonAsync(Rig rig, HttpMethod method, string path, object body, string? bearer) =>
        SendAsync(rig, method, path, JsonContent.Create(body), bearer);

    public static Task<Answer> RawAsync(Rig rig, string path, byte[] body, string contentType, string? bearer = null, IEnumerable<(string, string)>? headers = null) =>
        SendAsync(rig, HttpMethod.Post, path, new ByteArrayContent(body) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } }, bearer, headers);

    /// <summary>A form posted to a Twilio webhook with the signature given (null: none).</summary>
    public static Task<Answer> TwilioAsync(Rig rig, string path, IReadOnlyDictionary<string, string> form, string? signature) =>
        SendAsync(rig, HttpMethod.Post, path, new FormUrlEncodedContent(form), headers: signature is null ? [] : [("X-Twilio-Signature", signature)]);

    /// <summary>A form signed the way Twilio signs it, for <paramref name="path"/> on the rig's public URL.</summary>
    public static Task<Answer> SignedTwilioAsync(Rig rig, IReadOnlyDictionary<string, string> form, string path = "/webhooks/twilio") =>
        TwilioAsync(rig, path, form, Signing.Twilio(rig.Secrets.TwilioAuthToken, PublicUrl(rig, path), form));

    /// <summary>A WhatsApp payload signed with the app secret (or the signature given).</summary>
    public static Task<Answer> WhatsAppAsync(Rig rig, byte[] payload, string? signature = "valid") =>
        RawAsync(rig, "/webhooks/whatsapp", payload, "application/json", headers: signature is null ? [] :
            [("X-Hub-Signature-256", signature == "valid" ? Signing.WhatsApp(rig.Secrets.WhatsAppAppSecret, payload) : signature)]);

    public static string PublicUrl(Rig rig, string path) => rig.BaseAddress.ToString().TrimEnd('/') + path;

    public static Task<Answer> SendMessageAsync(Rig rig, string bearer, string from, string to, string body, string channel = "sms") =>
        JsonAsync(rig, HttpMethod.Post, "/api/v1/messages", new { from, to, body, channel }, bearer);

    /// <summary>A Cloud API "messages" webhook with one text message; numbers as Meta writes them (digits, no '+').</summary>
    public static byte[] WhatsAppText(string from, string line, string body, string id) =>
        WhatsAppPayloads.Text("109000000000001", from, line, body, id, "1767225600");

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static long StoredInbound(Rig rig, string provider, string id) =>
        StoreSnapshot.Count(rig.Database, "SELECT COUNT(*) FROM processed_inbound WHERE provider = @provider AND provider_message_id = @id", ("@provider", provider), ("@id", id));

    public static string NewSid() => "SM" + Guid.NewGuid().ToString("N");

    public static string NewWamid() => "wamid." + Guid.NewGuid().ToString("N");
}
