using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>How the fake carrier refuses a send.</summary>
public enum CarrierFailure
{
    /// <summary>500: an outage, retried.</summary>
    ServerError,

    /// <summary>429 with <c>Retry-After: 1</c>.</summary>
    TooManyRequests,

    /// <summary>Twilio's 400 with error 21610: the recipient texted STOP to the carrier.</summary>
    Unsubscribed,
}

/// <summary>One message the carrier accepted: an SMS posted to Twilio's Messages API or a message posted to the Graph API.</summary>
/// <param name="Type">"sms", or the Graph API message type ("text", "template").</param>
public sealed record SentMessage(string Channel, string To, string? From, string? Body, string Type, string ProviderId, string Path, string Authorization, string RawBody)
{
    public bool IsWhatsAppTemplate => Channel == "whatsapp" && Type == "template";

    /// <summary>The form Twilio's SDK posted.</summary>
    public IReadOnlyDictionary<string, string> Form() =>
        QueryHelpers.ParseQuery(RawBody).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);

    /// <summary>A WhatsApp template's name and its body parameters.</summary>
    public (string Name, IReadOnlyList<string> Parameters) Template()
    {
        using var document = JsonDocument.Parse(RawBody);
        var template = document.RootElement.GetProperty("template");
        var parameters = template.TryGetProperty("components", out var components)
            ? components.EnumerateArray()
                .Where(c => c.GetProperty("type").GetString() == "body")
                .SelectMany(c => c.GetProperty("parameters").EnumerateArray())
                .Select(p => p.GetProperty("text").GetString()!)
                .ToList()
            : [];
        return (template.GetProperty("name").GetString()!, parameters);
    }
}

/// <summary>
/// A fake Twilio Messages API and WhatsApp Graph API on one loopback port (Kestrel): records what the server
/// sent, answers the way the real APIs do, and fails on request.
/// </summary>
public sealed class FakeCarrier : IAsyncDisposable
{
    // A fixed date: the SDK reads it, nobody checks it.
    private const string TwilioDate = "Mon, 01 Jun 2026 12:00:00 +0000";

    private readonly WebApplication _app;
    private readonly List<SentMessage> _sent = [];
    private readonly ConcurrentDictionary<string, ConcurrentQueue<CarrierFailure>> _failures = new(StringComparer.Ordinal);
    private int _attempts;

    private FakeCarrier(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Every request that reached the carrier, accepted or refused.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public IReadOnlyList<SentMessage> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public static async Task<FakeCarrier> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var carrier = new FakeCarrier(app);
        app.Run(carrier.HandleAsync);
        await app.StartAsync();
        carrier.BaseUrl = new Uri(app.Urls.Single());
        return carrier;
    }

    /// <summary>What the contact's phone received, in the order the carrier accepted it.</summary>
    public IReadOnlyList<SentMessage> To(string number) => [.. Sent.Where(m => m.To == number)];

    public IReadOnlyList<string?> BodiesTo(string number) => [.. To(number).Select(m => m.Body)];

    /// <summary>Waits (bounded) until at least <paramref name="count"/> messages reached <paramref name="number"/>.</summary>
    public Task<IReadOnlyList<SentMessage>> WaitForAsync(string number, int count) =>
        Eventually.ProbeAsync(() => Task.FromResult(To(number)), sent => sent.Count >= count, $"{count} message(s) to {number} at the carrier");

    /// <summary>The next <paramref name="times"/> sends to <paramref name="number"/> fail this way; later ones succeed.</summary>
    public void FailSendsTo(string number, CarrierFailure failure, int times = 1)
    {
        var queue = _failures.GetOrAdd(number, _ => new ConcurrentQueue<CarrierFailure>());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var raw = Encoding.UTF8.GetString(buffer.ToArray());
        var path = http.Request.Path.Value ?? string.Empty;
        var authorization = http.Request.Headers.Authorization.ToString();
        Interlocked.Increment(ref _attempts);

        if (path.StartsWith("/2010-04-01/Accounts/", StringComparison.Ordinal) && path.EndsWith("/Messages.json", StringComparison.Ordinal))
        {
            var form = QueryHelpers.ParseQuery(raw).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            var to = form.GetValueOrDefault("To") ?? string.Empty;
            if (TakeFailure(to) is { } failure)
            {
                await TwilioFailureAsync(http, failure);
                return;
            }

            var sid = "SM" + Guid.NewGuid().ToString("N");
            Record(new SentMessage("sms", to, form.GetValueOrDefault("From"), form.GetValueOrDefault("Body"), "sms", sid, path, authorization, raw));
            var accountSid = path.Split('/')[3];
            await JsonAsync(http, 201, new Dictionary<string, object?>
            {
                ["sid"] = sid, ["account_sid"] = accountSid, ["to"] = to, ["from"] = form.GetValueOrDefault("From"),
                ["body"] = form.GetValueOrDefault("Body"), ["status"] = "queued", ["num_segments"] = "1", ["num_media"] = "0",
                ["direction"] = "outbound-api", ["api_version"] = "2010-04-01", ["date_created"] = TwilioDate, ["date_updated"] = TwilioDate,
                ["date_sent"] = null, ["price"] = null, ["price_unit"] = "USD", ["error_code"] = null, ["error_message"] = null,
                ["messaging_service_sid"] = null, ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json",
                ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}/Media.json" },
            });
            return;
        }

        if (path.StartsWith("/v21.0/", StringComparison.Ordinal) && path.EndsWith("/messages", StringComparison.Ordinal))
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            var to = "+" + root.GetProperty("to").GetString();
            if (TakeFailure(to) is { } failure)
            {
                await GraphFailureAsync(http, failure);
                return;
            }

            var type = root.GetProperty("type").GetString() ?? string.Empty;
            var body = type == "text" ? root.GetProperty("text").GetProperty("body").GetString() : null;
            var wamid = "wamid.out" + Guid.NewGuid().ToString("N");
            Record(new SentMessage("whatsapp", to, null, body, type, wamid, path, authorization, raw));
            await JsonAsync(http, 200, new
            {
                messaging_product = "whatsapp",
                contacts = new[] { new { input = to[1..], wa_id = to[1..] } },
                messages = new[] { new { id = wamid } },
            });
            return;
        }

        await JsonAsync(http, 404, new { error = "unknown path" });
    }

    private CarrierFailure? TakeFailure(string to) =>
        _failures.TryGetValue(to, out var queue) && queue.TryDequeue(out var failure) ? failure : null;

    private void Record(SentMessage message)
    {
        lock (_sent)
        {
            _sent.Add(message);
        }
    }

    private static Task TwilioFailureAsync(HttpContext http, CarrierFailure failure) => failure switch
    {
        CarrierFailure.TooManyRequests => JsonAsync(http, 429, new { code = 20429, message = "Too Many Requests", more_info = "https://www.twilio.com/docs/errors/20429", status = 429 }, retryAfter: "1"),
        CarrierFailure.Unsubscribed => JsonAsync(http, 400, new { code = 21610, message = "Attempt to send to unsubscribed recipient", more_info = "https://www.twilio.com/docs/errors/21610", status = 400 }),
        _ => JsonAsync(http, 500, new { code = 20500, message = "Internal Server Error", more_info = "https://www.twilio.com/docs/errors/20500", status = 500 }),
    };

    private static Task GraphFailureAsync(HttpContext http, CarrierFailure failure) => failure switch
    {
        CarrierFailure.TooManyRequests => JsonAsync(http, 429, new { error = new { message = "Rate limit hit", type = "OAuthException", code = 130429, fbtrace_id = "Afake" } }, retryAfter: "1"),
        CarrierFailure.Unsubscribed => JsonAsync(http, 400, new { error = new { message = "Message failed to send because the user has stopped marketing messages", type = "OAuthException", code = 131050, fbtrace_id = "Afake" } }),
        _ => JsonAsync(http, 500, new { error = new { message = "fake outage", type = "OAuthException", code = 2, fbtrace_id = "Afake" } }),
    };

    private static async Task JsonAsync(HttpContext http, int status, object body, string? retryAfter = null)
    {
        http.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }
}
