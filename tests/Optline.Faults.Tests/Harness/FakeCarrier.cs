using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Optline.Faults;

/// <summary>How the fake carrier answers a send right now.</summary>
public enum CarrierMode
{
    /// <summary>Accepts: 201 from Twilio, 200 from the Graph API.</summary>
    Healthy,

    /// <summary>500: an outage.</summary>
    ServerError,

    /// <summary>Never answers within the client's timeout (the request is dropped, nothing is sent).</summary>
    Hang,

    /// <summary>429 with <c>Retry-After</c>.</summary>
    TooManyRequests,
}

/// <summary>
/// One request that reached the carrier. <see cref="Arrived"/> is when it started at the carrier (its headers were read),
/// <see cref="Answered"/> when the carrier answered or gave up on it; both on the harness's <see cref="Clock"/>.
/// </summary>
public sealed record CarrierRequest(
    long Seq, string Channel, string To, string? From, string? Body, TimeSpan Arrived, TimeSpan Answered, int Status, string? ProviderId, CarrierMode Mode, bool Authorized)
{
    public bool Accepted => Status is 200 or 201;
}

/// <summary>
/// A fake Twilio Messages API and WhatsApp Graph API on one loopback port: records every request with its timestamps,
/// answers like the real APIs, and fails on demand (<see cref="Mode"/>) to play an outage.
/// </summary>
public sealed class FakeCarrier : IAsyncDisposable
{
    // A fixed date: the SDK reads it, nobody checks it.
    private const string TwilioDate = "Mon, 01 Jun 2026 12:00:00 +0000";

    private readonly WebApplication _app;
    private readonly List<CarrierRequest> _requests = [];
    private readonly Lock _lock = new();
    private readonly string _twilioAuthorization;
    private readonly string _graphAuthorization;
    private long _seq;
    private int _mode;

    private FakeCarrier(WebApplication app, string accountSid, string authToken, string graphAccessToken)
    {
        _app = app;
        _twilioAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{authToken}"));
        _graphAuthorization = "Bearer " + graphAccessToken;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public CarrierMode Mode
    {
        get => (CarrierMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>How long a request hangs in <see cref="CarrierMode.Hang"/>: longer than Optline's 15 s client timeout.</summary>
    public TimeSpan HangFor { get; set; } = TimeSpan.FromSeconds(20);

    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>How long an accepted send takes, so that sends are in flight when a STOP arrives.</summary>
    public TimeSpan AcceptDelay { get; set; } = TimeSpan.Zero;

    public IReadOnlyList<CarrierRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeCarrier> StartAsync(string accountSid, string authToken, string graphAccessToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var carrier = new FakeCarrier(app, accountSid, authToken, graphAccessToken);
        app.Run(carrier.HandleAsync);
        await app.StartAsync();
        carrier.BaseUrl = new Uri(app.Urls.Single());
        return carrier;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var arrived = Clock.Now;
        var mode = Mode;
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var raw = Encoding.UTF8.GetString(buffer.ToArray());
        var path = http.Request.Path.Value ?? string.Empty;
        var authorization = http.Request.Headers.Authorization.ToString();

        string channel, to;
        string? from, body;
        if (path.StartsWith("/2010-04-01/Accounts/", StringComparison.Ordinal) && path.EndsWith("/Messages.json", StringComparison.Ordinal))
        {
            var form = QueryHelpers.ParseQuery(raw);
            (channel, to, from, body) = ("sms", form["To"].ToString(), form["From"].ToString(), form["Body"].ToString());
        }
        else if (path.StartsWith("/v21.0/", StringComparison.Ordinal) && path.EndsWith("/messages", StringComparison.Ordinal))
        {
            using var document = JsonDocument.Parse(raw);
            var root = document.RootElement;
            to = "+" + root.GetProperty("to").GetString();
            body = root.TryGetProperty("text", out var text) ? text.GetProperty("body").GetString() : "template:" + root.GetProperty("template").GetProperty("name").GetString();
            (channel, from) = ("whatsapp", null);
        }
        else
        {
            await JsonAsync(http, 404, new { error = "unknown path" });
            return;
        }

        var authorized = string.Equals(authorization, channel == "sms" ? _twilioAuthorization : _graphAuthorization, StringComparison.Ordinal);
        var seq = Interlocked.Increment(ref _seq);
        if (!authorized)
        {
            Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 401, null, mode, false));
            await JsonAsync(http, 401, new { code = 20003, message = "Authenticate", status = 401 });
            return;
        }

        switch (mode)
        {
            case CarrierMode.Hang:
                try
                {
                    await Task.Delay(HangFor, http.RequestAborted);
                    Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 500, null, mode, true));
                    await JsonAsync(http, 500, new { code = 20500, message = "Gateway timeout", status = 500 });
                }
                catch (OperationCanceledException)
                {
                    // The client gave up first: nothing was sent.
                    Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 0, null, mode, true));
                }

                return;
            case CarrierMode.ServerError:
                Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 500, null, mode, true));
                await JsonAsync(http, 500, channel == "sms"
                    ? new { code = 20500, message = "Internal Server Error", status = 500 }
                    : new { error = new { message = "fake outage", type = "OAuthException", code = 2 } });
                return;
            case CarrierMode.TooManyRequests:
                Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 429, null, mode, true));
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await JsonAsync(http, 429, channel == "sms"
                    ? new { code = 20429, message = "Too Many Requests", status = 429 }
                    : new { error = new { message = "Rate limit hit", type = "OAuthException", code = 130429 } });
                return;
        }

        if (AcceptDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(AcceptDelay, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 0, null, mode, true));
                return;
            }
        }

        if (channel == "sms")
        {
            var sid = "SM" + Guid.NewGuid().ToString("N");
            Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 201, sid, mode, true));
            var accountSid = path.Split('/')[3];
            await JsonAsync(http, 201, new Dictionary<string, object?>
            {
                ["sid"] = sid, ["account_sid"] = accountSid, ["to"] = to, ["from"] = from, ["body"] = body, ["status"] = "queued",
                ["num_segments"] = "1", ["num_media"] = "0", ["direction"] = "outbound-api", ["api_version"] = "2010-04-01",
                ["date_created"] = TwilioDate, ["date_updated"] = TwilioDate, ["date_sent"] = null, ["price"] = null, ["price_unit"] = "USD",
                ["error_code"] = null, ["error_message"] = null, ["messaging_service_sid"] = null,
                ["uri"] = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}.json",
                ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{accountSid}/Messages/{sid}/Media.json" },
            });
        }
        else
        {
            var wamid = "wamid.out" + Guid.NewGuid().ToString("N");
            Record(new CarrierRequest(seq, channel, to, from, body, arrived, Clock.Now, 200, wamid, mode, true));
            await JsonAsync(http, 200, new
            {
                messaging_product = "whatsapp",
                contacts = new[] { new { input = to[1..], wa_id = to[1..] } },
                messages = new[] { new { id = wamid } },
            });
        }
    }

    private void Record(CarrierRequest request)
    {
        lock (_lock)
        {
            _requests.Add(request);
        }
    }

    private static async Task JsonAsync(HttpContext http, int status, object body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        try
        {
            await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client is gone (a killed server): the answer has nobody to go to.
        }
    }
}
