using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>Hostile API calls: bad numbers, bad JSON, over-long and strange bodies, injection strings. A clear problem or the data verbatim; never a 5xx.</summary>
public sealed partial class ApiAbuseTests(RigFixture fixture) : IClassFixture<RigFixture>
{
    public static readonly TheoryData<string> Injections =
    [
        "'; DROP TABLE messages; --",
        "\" OR \"1\"=\"1\" --",
        "Robert'); DELETE FROM audit_records WHERE ('1'='1",
        "<script>alert('pwned')</script>",
        "<img src=x onerror=alert(1)>\"><svg/onload=alert(2)>",
        "{{7*7}} ${7*7} @(1+1) {UserName} %s %n",
    ];

    private const string InvalidUtf8 = "(bytes that are not UTF-8)";

    private Rig Rig => fixture.Rig;

    private RigLine Line => Rig.Lines[1];

    [Theory]
    [InlineData("+1 900 555 0123", "premium")]
    [InlineData("+1 (900) 555-0199", "premium")]
    [InlineData("12345", "valid")]
    [InlineData("+999 1234 5678", "not")]
    [InlineData("not a number", "not a phone number")]
    [InlineData("+1 212 555 0100 ext. 7; DROP TABLE lines", "")]
    public async Task Sending_to_an_invalid_or_premium_rate_number_is_refused_with_a_clear_problem(string to, string detail)
    {
        var answer = await Requests.SendMessageAsync(Rig, Line.ApiKey, Line.Number, to, "Hello");

        Assert.Equal(400, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "invalid-phone-number", answer.ProblemType);
        Assert.Contains(detail, answer.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_line_with_a_premium_rate_number_cannot_be_created()
    {
        var answer = await Requests.JsonAsync(Rig, HttpMethod.Post, "/api/v1/lines", new { number = "+1 900 555 0111", displayName = "Premium" }, Rig.Secrets.AdminKey);

        Assert.Equal(400, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "invalid-phone-number", answer.ProblemType);
    }

    public static TheoryData<string, string, string, int> MalformedSends => new()
    {
        { "truncated JSON", "application/json", "{\"from\": \"+1201", 400 },
        { "an array", "application/json", "[1, 2, 3]", 400 },
        { "null", "application/json", "null", 400 },
        { "wrong types", "application/json", "{\"from\": 12015550101, \"to\": [], \"body\": {}}", 400 },
        { "nested 5,000 deep", "application/json", "{\"body\":" + new string('[', 5000) + new string(']', 5000) + "}", 400 },
        { "invalid UTF-8", "application/json", InvalidUtf8, 400 },
        { "an unknown channel", "application/json", "{\"from\": \"+12015550102\", \"to\": \"+12125550100\", \"body\": \"x\", \"channel\": \"fax\"}", 400 },
        { "an empty body", "application/json", "", 400 },
        { "text", "text/plain", "from=+12015550102&to=+12125550100&body=x", 415 },
        { "a form", "application/x-www-form-urlencoded", "from=%2B12015550102&to=%2B12125550100&body=x", 415 },
    };

    [Theory]
    [MemberData(nameof(MalformedSends))]
    public async Task A_malformed_send_gets_a_4xx_problem_never_a_5xx(string what, string contentType, string body, int status)
    {
        byte[] bytes = body == InvalidUtf8 ? [.. Requests.Utf8("{\"body\": \""), 0xff, 0xfe, 0xc3, .. Requests.Utf8("\"}")] : Requests.Utf8(body);

        var answer = await Requests.RawAsync(Rig, "/api/v1/messages", bytes, contentType, Line.ApiKey);

        Assert.True(answer.Status == status, $"{what}: {answer}");
        Assert.StartsWith(Requests.ProblemPrefix, answer.ProblemType);
    }

    [Theory]
    [InlineData("sms", 10 * 1024)]
    [InlineData("sms", 1601)]
    [InlineData("whatsapp", 4097)]
    public async Task A_body_over_the_channels_limit_is_refused_with_a_problem_naming_the_limit(string channel, int length)
    {
        var contact = Rig.Contacts.Next();

        var answer = await Requests.SendMessageAsync(Rig, Line.ApiKey, Line.Number, contact, WebhookAbuseTests.UnicodeText(length), channel);

        Assert.Equal(400, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "invalid-message-body", answer.ProblemType);
        Assert.Contains(channel == "sms" ? "1600" : "4096", answer.Detail, StringComparison.Ordinal);
        Assert.Equal(0, StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM conversations WHERE contact = @c", ("@c", contact)));
    }

    [Theory]
    [InlineData("sms", 1600)]
    [InlineData("whatsapp", 4096)]
    [InlineData("sms", 1)]
    public async Task A_unicode_body_with_control_characters_within_the_limit_is_accepted_and_stored_verbatim(string channel, int length)
    {
        var contact = Rig.Contacts.Next();
        var body = WebhookAbuseTests.UnicodeText(length);

        var answer = await Requests.SendMessageAsync(Rig, Line.ApiKey, Line.Number, contact, body, channel);

        Assert.Equal(202, answer.Status);
        var id = answer.Json()!.Value.GetProperty("id").GetGuid();
        Assert.Equal(body, await TimelineBodyAsync(contact, channel, id));
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public async Task Injection_strings_in_every_field_are_stored_and_returned_verbatim_as_data(string evil)
    {
        var admin = Rig.Secrets.AdminKey;
        var line = await Rig.CreateLineAsync(UniqueNumber(), evil);
        var contact = Rig.Contacts.Next();
        var before = Tables();

        var sent = await Requests.SendMessageAsync(Rig, line.ApiKey, line.Number, contact, evil);
        var sid = "SM" + evil;
        var sms = await Requests.SignedTwilioAsync(Rig, Rig.TwilioForm(sid, contact, line.Number, evil + " (sms)"));
        var wamid = "wamid." + evil;
        var whatsapp = await Requests.WhatsAppAsync(Rig, Requests.WhatsAppText(contact, line.Number, evil + " (whatsapp)", wamid));
        var import = await Requests.JsonAsync(Rig, HttpMethod.Put, "/api/v1/consents", new
        {
            line = line.Number, contact = Rig.Contacts.Next(), channel = "sms", state = "opted_in",
            evidence = new { method = evil, collectedAt = "2026-01-02T03:04:05Z", text = evil, reference = evil },
        }, admin);
        var lookups = await Task.WhenAll(
            Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/conversations?line={Uri.EscapeDataString(evil)}&contact={Uri.EscapeDataString(contact)}", bearer: admin),
            Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/consents?line={Uri.EscapeDataString(line.Number)}&contact={Uri.EscapeDataString(evil)}", bearer: admin),
            Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/audit?format=jsonl&event={Uri.EscapeDataString(evil)}", bearer: admin));

        Assert.Equal(202, sent.Status);
        Assert.Equal(200, sms.Status);
        Assert.Equal(200, whatsapp.Status);
        Assert.Equal(200, import.Status);
        Assert.All(lookups, l => Assert.True(l.Status is 200 or 400 or 404, l.ToString()));
        var timeline = await TimelineAsync(line.Number, contact, "sms", admin);
        Assert.Contains(timeline, b => b == evil);
        Assert.Contains(timeline, b => b == evil + " (sms)");
        Assert.Equal([evil + " (whatsapp)"], StoreSnapshot.InboundBodies(Rig.Database, wamid));
        Assert.Equal([evil + " (sms)"], StoreSnapshot.InboundBodies(Rig.Database, sid));
        var lines = (await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines?limit=1000", bearer: admin)).Json()!.Value.GetProperty("items");
        Assert.Contains(lines.EnumerateArray(), l => l.GetProperty("displayName").GetString() == evil);
        var after = Tables();
        Assert.All(before, t => Assert.True(after[t.Key] >= t.Value, $"{t.Key} shrank from {t.Value} to {after[t.Key]}"));
        Assert.True((await Rig.VerifyChainAsync()).Ok);

        // The inbox renders both as text: HTML-encoded, never as markup.
        var page = await InboxPageAsync(line, contact);
        Assert.Contains(HtmlEncoder.Default.Encode(evil), page, StringComparison.Ordinal);
        if (evil.Contains('<', StringComparison.Ordinal))
        {
            Assert.DoesNotContain(evil, page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_line_key_cannot_send_from_or_read_another_line()
    {
        var (mine, theirs) = (Rig.Lines[2], Rig.Lines[3]);
        var contact = Rig.Contacts.Next();

        var send = await Requests.SendMessageAsync(Rig, mine.ApiKey, theirs.Number, contact, "pretending");
        var read = await Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/conversations?line={Uri.EscapeDataString(theirs.Number)}&contact={Uri.EscapeDataString(contact)}", bearer: mine.ApiKey);
        var admin = await Requests.JsonAsync(Rig, HttpMethod.Post, "/api/v1/lines", new { number = UniqueNumber(), displayName = "Mine now" }, mine.ApiKey);
        var audit = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/audit/verify", bearer: mine.ApiKey);

        Assert.Equal(403, send.Status);
        Assert.Equal(Requests.ProblemPrefix + "forbidden", send.ProblemType);
        Assert.Equal(403, read.Status);
        Assert.Equal(403, admin.Status);
        Assert.Equal(403, audit.Status);
        Assert.Equal(0, StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM conversations WHERE contact = @c", ("@c", contact)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer")]
    [InlineData("Bearer olk_admin_0000000000000000000000000000000000000000")]
    [InlineData("Basic YWRtaW46YWRtaW4=")]
    [InlineData("Bearer ' OR '1'='1")]
    public async Task A_missing_or_unknown_key_gets_401(string? authorization)
    {
        var answer = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", headers: authorization is null ? [] : [("Authorization", authorization)]);

        Assert.Equal(401, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "unauthorized", answer.ProblemType);
    }

    private Dictionary<string, long> Tables() =>
        new[] { "messages", "audit_records", "lines", "conversations", "processed_inbound", "api_keys" }
            .ToDictionary(t => t, t => StoreSnapshot.Count(Rig.Database, $"SELECT COUNT(*) FROM {t}"));

    private static int _numbers;

    private static string UniqueNumber() => $"+1415555{Interlocked.Increment(ref _numbers) + 150:0000}";

    private async Task<string?> TimelineBodyAsync(string contact, string channel, Guid id)
    {
        var answer = await Requests.SendAsync(Rig, HttpMethod.Get,
            $"/api/v1/conversations?line={Uri.EscapeDataString(Line.Number)}&contact={Uri.EscapeDataString(contact)}&channel={channel}", bearer: Line.ApiKey);
        return answer.Json()!.Value.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("body").GetString();
    }

    private async Task<List<string?>> TimelineAsync(string line, string contact, string channel, string key)
    {
        var answer = await Requests.SendAsync(Rig, HttpMethod.Get,
            $"/api/v1/conversations?line={Uri.EscapeDataString(line)}&contact={Uri.EscapeDataString(contact)}&channel={channel}", bearer: key);
        Assert.Equal(200, answer.Status);
        return [.. answer.Json()!.Value.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("body").GetString())];
    }

    /// <summary>Signs in with the line's key as a browser does (antiforgery token, session cookie) and fetches its inbox thread.</summary>
    private async Task<string> InboxPageAsync(RigLine line, string contact)
    {
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true }) { BaseAddress = Rig.BaseAddress };
        var signIn = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        var token = AntiforgeryToken().Match(signIn).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["ApiKey"] = line.ApiKey, ["__RequestVerificationToken"] = token });
        using var signedIn = await browser.PostAsync(new Uri("/", UriKind.Relative), form);
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        return await browser.GetStringAsync(new Uri($"/inbox?line={line.Id}&contact={Uri.EscapeDataString(contact)}&channel=sms", UriKind.Relative));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
