using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>The public API as a client uses it, with one API key (or none).</summary>
public sealed class OptlineClient(HttpClient http, string? apiKey)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public OptlineClient WithKey(string? key) => new(http, key);

    public async Task<HttpResponseMessage> SendRequestAsync(HttpMethod method, string path, HttpContent? content = null, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        if (header is var (name, value))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }

    /// <summary><c>POST /api/v1/messages</c> with an <c>Idempotency-Key</c> header.</summary>
    public Task<HttpResponseMessage> PostMessageWithKeyAsync(string key, string from, string to, string body, string channel = "sms") =>
        SendRequestAsync(HttpMethod.Post, "/api/v1/messages", JsonContent.Create(new { from, to, body, channel }, options: Json), ("Idempotency-Key", key));

    public Task<HttpResponseMessage> GetAsync(string path) => SendRequestAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body) => SendRequestAsync(HttpMethod.Post, path, JsonContent.Create(body, options: Json));

    public Task<HttpResponseMessage> PostRawJsonAsync(string path, string json) =>
        SendRequestAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, "application/json"));

    public async Task<LineCreated> CreateLineAsync(string number, string displayName)
    {
        using var response = await PostJsonAsync("/api/v1/lines", new { number, displayName });
        return await Http.ReadAsync<LineCreated>(response, HttpStatusCode.Created);
    }

    public async Task<LinePage> LinesAsync()
    {
        using var response = await GetAsync("/api/v1/lines");
        return await Http.ReadAsync<LinePage>(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> PostMessageAsync(string from, string to, string body, string channel = "sms") =>
        PostJsonAsync("/api/v1/messages", new { from, to, body, channel });

    /// <summary>A line's message to a contact, which must be accepted (202).</summary>
    public async Task<SendResult> SendAsync(string from, string to, string body, string channel = "sms")
    {
        using var response = await PostMessageAsync(from, to, body, channel);
        return await Http.ReadAsync<SendResult>(response, HttpStatusCode.Accepted);
    }

    public Task<HttpResponseMessage> GetConversationAsync(string line, string contact, string channel = "sms", int? limit = null, string? next = null) =>
        GetAsync("/api/v1/conversations" + Query(("line", line), ("contact", contact), ("channel", channel),
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("next", next)));

    public async Task<Conversation> ConversationAsync(string line, string contact, string channel = "sms", int? limit = null, string? next = null)
    {
        using var response = await GetConversationAsync(line, contact, channel, limit, next);
        return await Http.ReadAsync<Conversation>(response, HttpStatusCode.OK);
    }

    /// <summary>The conversation once its outbox has drained: everything the carrier will get, it has got.</summary>
    public Task<Conversation> SettledConversationAsync(string line, string contact, string channel = "sms") =>
        Eventually.ProbeAsync(() => ConversationAsync(line, contact, channel), c => c.OutboxDrained, $"the outbox of {line} ↔ {contact} ({channel}) to drain");

    /// <summary>Waits until the conversation's timeline satisfies <paramref name="done"/>.</summary>
    public Task<Conversation> ConversationWhenAsync(string line, string contact, string channel, Func<Conversation, bool> done, string what) =>
        Eventually.ProbeAsync(() => ConversationAsync(line, contact, channel), done, what);

    public Task<HttpResponseMessage> GetConsentAsync(string line, string contact, string channel = "sms") =>
        GetAsync("/api/v1/consents" + Query(("line", line), ("contact", contact), ("channel", channel)));

    public async Task<ConsentRecord> ConsentAsync(string line, string contact, string channel = "sms")
    {
        using var response = await GetConsentAsync(line, contact, channel);
        return await Http.ReadAsync<ConsentRecord>(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> PutConsentAsync(object body) =>
        SendRequestAsync(HttpMethod.Put, "/api/v1/consents", JsonContent.Create(body, options: Json));

    public async Task<JsonElement> SettingsAsync()
    {
        using var response = await GetAsync("/api/v1/settings");
        return await Http.ReadAsync<JsonElement>(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> PatchSettingsAsync(string mergePatch) =>
        SendRequestAsync(HttpMethod.Patch, "/api/v1/settings", new StringContent(mergePatch, Encoding.UTF8, "application/merge-patch+json"));

    public async Task<ReviewPage> ReviewsAsync()
    {
        using var response = await GetAsync("/api/v1/reviews");
        return await Http.ReadAsync<ReviewPage>(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> DecideReviewAsync(long id, string decision) =>
        PostJsonAsync($"/api/v1/reviews/{id}", new { decision });

    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? string.Empty : "?" + string.Join("&", present);
    }
}
