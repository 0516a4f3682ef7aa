using System.Net.Http.Headers;
using System.Text;
using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>Strangers at the webhooks: forged, replayed, oversized and malformed requests change nothing and never get a 5xx.</summary>
public sealed class WebhookAbuseTests(RigFixture fixture) : IClassFixture<RigFixture>
{
    private Rig Rig => fixture.Rig;

    private RigLine Line => Rig.Lines[0];

    [Theory]
    [InlineData("missing")]
    [InlineData("another auth token")]
    [InlineData("another URL")]
    [InlineData("another form")]
    [InlineData("garbage")]
    [InlineData("10 KB of garbage")]
    public async Task An_inbound_sms_without_a_valid_signature_gets_403_and_stores_nothing(string how)
    {
        var sid = Requests.NewSid();
        var form = Rig.TwilioForm(sid, Rig.Contacts.Next(), Line.Number, "STOP");
        var url = Requests.PublicUrl(Rig, "/webhooks/twilio");
        var signature = how switch
        {
            "missing" => null,
            "another auth token" => Signing.Twilio("0123456789abcdef0123456789abcdef", url, form),
            "another URL" => Signing.Twilio(Rig.Secrets.TwilioAuthToken, "https://attacker.example/webhooks/twilio", form),
            "another form" => Signing.Twilio(Rig.Secrets.TwilioAuthToken, url, new Dictionary<string, string>(form) { ["Body"] = "hello" }),
            "garbage" => "!!! not base64 ===",
            _ => new string('A', 10_000),
        };

        var answer = await Requests.TwilioAsync(Rig, "/webhooks/twilio", form, signature);

        Assert.Equal(403, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "invalid-signature", answer.ProblemType);
        Assert.Equal(0, Requests.StoredInbound(Rig, "twilio", sid));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=abc")]
    [InlineData("sha256=")]
    public async Task A_whatsapp_webhook_without_a_valid_signature_gets_403_and_stores_nothing(string? signature)
    {
        var wamid = Requests.NewWamid();
        var payload = Requests.WhatsAppText(Rig.Contacts.Next(), Line.Number, "STOP", wamid);

        var answer = await Requests.WhatsAppAsync(Rig, payload, signature);

        Assert.Equal(403, answer.Status);
        Assert.Equal(0, Requests.StoredInbound(Rig, "whatsapp", wamid));
    }

    [Fact]
    public async Task A_replayed_signed_webhook_is_processed_exactly_once()
    {
        var sid = Requests.NewSid();
        var form = Rig.TwilioForm(sid, Rig.Contacts.Next(), Line.Number, "hello, it's me");
        var wamid = Requests.NewWamid();
        var payload = Requests.WhatsAppText(Rig.Contacts.Next(), Line.Number, "hello on whatsapp", wamid);

        var atOnce = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Requests.SignedTwilioAsync(Rig, form))
            .Concat(Enumerable.Range(0, 5).Select(_ => Requests.WhatsAppAsync(Rig, payload))));
        var later = new List<Answer>();
        for (var i = 0; i < 5; i++)
        {
            later.Add(await Requests.SignedTwilioAsync(Rig, form));
            later.Add(await Requests.WhatsAppAsync(Rig, payload));
        }

        Assert.All(atOnce.Concat(later), a => Assert.Equal(200, a.Status));
        Assert.Equal(["hello, it's me"], StoreSnapshot.InboundBodies(Rig.Database, sid));
        Assert.Equal(["hello on whatsapp"], StoreSnapshot.InboundBodies(Rig.Database, wamid));
    }

    [Fact]
    public async Task A_signature_for_one_webhook_replayed_to_another_is_refused()
    {
        var sid = Requests.NewSid();
        var form = new Dictionary<string, string>(StringComparer.Ordinal) { ["MessageSid"] = sid, ["MessageStatus"] = "delivered" };
        var signedForInbound = Signing.Twilio(Rig.Secrets.TwilioAuthToken, Requests.PublicUrl(Rig, "/webhooks/twilio"), form);

        var answer = await Requests.TwilioAsync(Rig, "/webhooks/twilio/status", form, signedForInbound);

        Assert.Equal(403, answer.Status);
    }

    [Theory]
    [InlineData("/webhooks/twilio", true)]
    [InlineData("/webhooks/twilio", false)]
    [InlineData("/webhooks/whatsapp", true)]
    [InlineData("/webhooks/whatsapp", false)]
    [InlineData("/api/v1/messages", true)]
    [InlineData("/api/v1/messages", false)]
    public async Task A_body_over_64_KB_is_refused_with_413_and_the_server_stays_up(string path, bool withLength)
    {
        var twilio = path.Contains("twilio", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(twilio ? "Body=" + new string('x', 70 * 1024) : $"{{\"body\":\"{new string('x', 70 * 1024)}\"}}");
        HttpContent content = withLength ? new ByteArrayContent(body) : new StreamContent(new MemoryStream(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(twilio ? "application/x-www-form-urlencoded" : "application/json");
        if (!withLength)
        {
            content.Headers.ContentLength = null;
        }

        var answer = await Requests.SendAsync(Rig, HttpMethod.Post, path, content, bearer: path.StartsWith("/api", StringComparison.Ordinal) ? Line.ApiKey : null);

        Assert.Equal(413, answer.Status);
        Assert.Equal(Requests.ProblemPrefix + "body-too-large", answer.ProblemType);
        Assert.Equal(200, (await Requests.SendAsync(Rig, HttpMethod.Get, "/health")).Status);
    }

    public static TheoryData<string, string> MalformedTwilioBodies => new()
    {
        { "percent signs that decode to nothing", "MessageSid=%ZZ&From=%&To=%%%&Body=%E2%82" },
        { "binary", "\u0000\u0001\u00ff\ufffd\u0010" },
        { "json", "{\"MessageSid\": \"SM1\"}" },
        { "repeated fields", "MessageSid=a&MessageSid=b&From=1&From=2" },
        { "empty", "" },
        { "a thousand fields", string.Join('&', Enumerable.Range(0, 1000).Select(i => $"f{i}={i}")) },
    };

    [Theory]
    [MemberData(nameof(MalformedTwilioBodies))]
    public async Task A_malformed_twilio_body_gets_a_4xx_problem_never_a_5xx(string what, string body)
    {
        var answer = await Requests.RawAsync(Rig, "/webhooks/twilio", Requests.Utf8(body), "application/x-www-form-urlencoded",
            headers: [("X-Twilio-Signature", "bm90IGEgc2lnbmF0dXJl")]);

        Assert.True(answer.Status is >= 400 and < 500, $"{what}: {answer}");
        Assert.StartsWith(Requests.ProblemPrefix, answer.ProblemType);
    }

    public static TheoryData<string, Dictionary<string, string>> SignedButMalformedForms => new()
    {
        { "no MessageSid", new() { ["From"] = "+12125550100", ["To"] = "+12015550101", ["Body"] = "hi" } },
        { "no From", new() { ["MessageSid"] = "SMnofrom", ["To"] = "+12015550101", ["Body"] = "hi" } },
        { "NumMedia not a number", new() { ["MessageSid"] = "SMnummedia", ["From"] = "+12125550100", ["To"] = "+12015550101", ["NumMedia"] = "lots" } },
        { "NumMedia too large", new() { ["MessageSid"] = "SMnummedia2", ["From"] = "+12125550100", ["To"] = "+12015550101", ["NumMedia"] = "99999999999999" } },
        { "From not a number", new() { ["MessageSid"] = "SMbadfrom", ["From"] = "'; DROP TABLE messages; --", ["To"] = "+12015550101", ["Body"] = "hi" } },
        { "To no line", new() { ["MessageSid"] = "SMnoline", ["From"] = "+12125550100", ["To"] = "+13105559999", ["Body"] = "hi" } },
        { "From premium rate", new() { ["MessageSid"] = "SMpremium", ["From"] = "+1 900 555 0123", ["To"] = "+12015550101", ["Body"] = "hi" } },
    };

    [Theory]
    [MemberData(nameof(SignedButMalformedForms))]
    public async Task A_signed_twilio_form_that_is_not_a_message_gets_a_4xx_problem_and_stores_nothing(string what, Dictionary<string, string> form)
    {
        var answer = await Requests.SignedTwilioAsync(Rig, form);

        Assert.True(answer.Status is >= 400 and < 500, $"{what}: {answer}");
        Assert.StartsWith(Requests.ProblemPrefix, answer.ProblemType);
        if (form.TryGetValue("MessageSid", out var sid))
        {
            Assert.Equal(0, Requests.StoredInbound(Rig, "twilio", sid));
        }
    }

    public static TheoryData<string, byte[]> MalformedWhatsAppBodies => new()
    {
        { "truncated", Requests.Utf8("{\"object\":\"whatsapp_business_account\",\"entry\":[") },
        { "array", Requests.Utf8("[]") },
        { "another object", Requests.Utf8("{\"object\":\"page\",\"entry\":[]}") },
        { "nested 10,000 deep", Requests.Utf8(new string('[', 10_000) + new string(']', 10_000)) },
        { "invalid UTF-8", [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d] },
        { "lone surrogate", Requests.Utf8("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"display_phone_number\":\"12015550101\",\"phone_number_id\":\"1\"},\"messages\":[{\"id\":\"wamid.surrogate\",\"from\":\"12125550100\",\"type\":\"text\",\"text\":{\"body\":\"\\ud800\"}}]}}]}]}") },
        { "message without metadata", Requests.Utf8("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{\"id\":\"wamid.x\",\"from\":\"1\",\"type\":\"text\"}]}}]}]}") },
        { "from that is no number", Requests.Utf8("{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{\"metadata\":{\"display_phone_number\":\"12015550101\",\"phone_number_id\":\"1\"},\"messages\":[{\"id\":\"wamid.nonumber\",\"from\":\"<script>\",\"type\":\"text\",\"text\":{\"body\":\"hi\"}}]}}]}]}") },
        { "two values", Requests.Utf8("{} {}") },
    };

    [Theory]
    [MemberData(nameof(MalformedWhatsAppBodies))]
    public async Task A_signed_whatsapp_body_that_is_not_a_webhook_gets_a_4xx_problem_never_a_5xx(string what, byte[] body)
    {
        var answer = await Requests.WhatsAppAsync(Rig, body);

        Assert.True(answer.Status is >= 400 and < 500, $"{what}: {answer}");
        Assert.StartsWith(Requests.ProblemPrefix, answer.ProblemType);
    }

    [Fact]
    public async Task An_inbound_message_from_a_premium_rate_or_invalid_number_is_refused_with_a_clear_problem()
    {
        foreach (var from in new[] { "+19005550123", "12345", "+999123" })
        {
            var sid = Requests.NewSid();

            var answer = await Requests.SignedTwilioAsync(Rig, Rig.TwilioForm(sid, from, Line.Number, "hi"));

            Assert.Equal(400, answer.Status);
            Assert.Equal(Requests.ProblemPrefix + "invalid-phone-number", answer.ProblemType);
            Assert.Equal(0, Requests.StoredInbound(Rig, "twilio", sid));
        }
    }

    [Theory]
    [InlineData(10 * 1024)]
    [InlineData(1600)]
    public async Task A_long_unicode_inbound_message_with_control_characters_is_stored_verbatim_when_acknowledged(int length)
    {
        var body = UnicodeText(length);
        var sid = Requests.NewSid();
        var wamid = Requests.NewWamid();

        var sms = await Requests.SignedTwilioAsync(Rig, Rig.TwilioForm(sid, Rig.Contacts.Next(), Line.Number, body));
        var whatsapp = await Requests.WhatsAppAsync(Rig, Requests.WhatsAppText(Rig.Contacts.Next(), Line.Number, body, wamid));

        foreach (var (answer, id) in new[] { (sms, sid), (whatsapp, wamid) })
        {
            if (answer.Status is >= 200 and < 300)
            {
                Assert.Equal([body], StoreSnapshot.InboundBodies(Rig.Database, id));
            }
            else
            {
                Assert.True(answer.Status is >= 400 and < 500, answer.ToString());
                Assert.Empty(StoreSnapshot.InboundBodies(Rig.Database, id));
            }
        }
    }

    /// <summary>Text of exactly <paramref name="length"/> UTF-16 units: scripts, emoji (surrogate pairs), combining marks, bidi overrides and control characters.</summary>
    public static string UnicodeText(int length)
    {
        const string Pieces = "Grüße 東京 مرحبا שלום 😀👩🏽‍💻 e\u0301 \u202eevil\u202c \u200b\u2060\ufeff \u0001\u0007\u0008\u001b\t\r\n\u007f\u0085 ";
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(Pieces);
        }

        var cut = length;
        if (char.IsHighSurrogate(text[cut - 1]))
        {
            text[cut - 1] = 'x';
        }

        return text.ToString(0, cut);
    }
}
