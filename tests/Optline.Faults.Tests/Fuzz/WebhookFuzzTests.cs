using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CsCheck;
using Optline.Faults.Tests.Abuse;
using Optline.Faults.Tests.Support;
using Xunit.Abstractions;

namespace Optline.Faults.Tests.Fuzz;

/// <summary>A server on SQLite for fuzzing.</summary>
public sealed class FuzzFixture : RigFixture
{
    protected override RigOptions Options => new() { Name = "fuzz", Lines = 2 };
}

/// <summary>A server on PostgreSQL for fuzzing (whose text rules differ from SQLite's); none when PostgreSQL is not installed.</summary>
public sealed class PostgresFuzzFixture : IAsyncLifetime
{
    private PostgresCluster? _cluster;

    public Rig? Rig { get; private set; }

    public async Task InitializeAsync()
    {
        if (PostgresCluster.IsInstalled || PostgresCluster.IsRequired)
        {
            _cluster = await PostgresCluster.StartAsync();
            Rig = await Rig.StartAsync(new RigOptions { Name = "fuzz-pg", Lines = 2, Postgres = _cluster });
        }
    }

    public async Task DisposeAsync()
    {
        if (Rig is not null)
        {
            await Rig.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

/// <summary>The webhook fuzz on SQLite.</summary>
public sealed class SqliteWebhookFuzzTests(FuzzFixture fixture, ITestOutputHelper output) : WebhookFuzz(output), IClassFixture<FuzzFixture>
{
    protected override Rig Rig => fixture.Rig;

    [Fact]
    public Task Random_signed_twilio_forms_never_get_a_5xx_and_are_never_acknowledged_unstored() => TwilioFormsAsync();

    [Fact]
    public Task Random_signed_twilio_status_callbacks_never_get_a_5xx() => TwilioStatusCallbacksAsync();

    [Fact]
    public Task Random_signed_whatsapp_payloads_never_get_a_5xx_and_are_never_acknowledged_unstored() => WhatsAppPayloadsAsync();
}

/// <summary>The webhook fuzz on PostgreSQL.</summary>
public sealed class PostgresWebhookFuzzTests(PostgresFuzzFixture fixture, ITestOutputHelper output) : WebhookFuzz(output), IClassFixture<PostgresFuzzFixture>
{
    protected override Rig Rig => fixture.Rig!;

    [PostgresFact]
    public Task Random_signed_twilio_forms_never_get_a_5xx_and_are_never_acknowledged_unstored() => TwilioFormsAsync();

    [PostgresFact]
    public Task Random_signed_whatsapp_payloads_never_get_a_5xx_and_are_never_acknowledged_unstored() => WhatsAppPayloadsAsync();
}

/// <summary>
/// Random content with valid signatures, over real HTTP, against the real server: no input crashes it (no 5xx — the
/// database is up), and nothing is acknowledged without being stored.
/// </summary>
public abstract class WebhookFuzz(ITestOutputHelper output)
{
    private readonly ConcurrentDictionary<int, int> _statuses = new();

    private static readonly string[] Contacts = [.. Enumerable.Range(0, 12).Select(i => $"+1310555{i + 150:0000}")];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String,
        Gen.String[Gen.Char, 0, 300],
        Gen.OneOf("STOP", "YES", "y", "START", "HELP", "stop please", "Unsubscribe", "", " ", "\u0000", "'; DROP TABLE messages; --", "<script>x</script>"),
        Gen.Int[0, 2000].Select(n => WebhookAbuseTests.UnicodeText(Math.Max(1, n))));

    protected abstract Rig Rig { get; }

    protected async Task TwilioFormsAsync()
    {
        var lines = Rig.Lines.Select(l => l.Number).ToArray();
        var number = Gen.OneOf(Gen.OneOf(Contacts), Gen.OneOf(lines), Gen.String,
            Gen.OneOf("+19005550123", "12345", "(310) 555-0150", "310.555.0151", "+1 310 555 0152", "", "+"));
        var sid = Gen.OneOf(Gen.String[Gen.Char.AlphaNumeric, 1, 34].Select(s => "SM" + s), Gen.String, Gen.OneOf("", "  "));
        var extraName = Gen.OneOf("NumMedia", "MediaUrl0", "OptOutType", "SmsMessageSid", "AccountSid", "NumSegments", "Body", "x", "");
        var extraValue = Gen.OneOf(Gen.String, Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.OneOf("STOP", "0", "11", "-1"));
        var forms =
            from messageSid in sid
            from sender in Gen.Frequency((4, Gen.OneOf(Contacts)), (1, number))
            from to in Gen.Frequency((4, Gen.OneOf(lines)), (1, number))
            from body in Text
            from extras in Gen.Dictionary(extraName, extraValue)[0, 4]
            from omitted in Gen.Int[0, 6]
            select Form(messageSid, sender, to, body, extras, omitted);

        await forms.SampleAsync(async form =>
        {
            var answer = await Requests.SignedTwilioAsync(Rig, form);
            _statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);

            Assert.False(answer.IsServerError, $"{answer} for {Describe(form)}");
            if (answer.Status is >= 200 and < 300)
            {
                var id = form.TryGetValue("MessageSid", out var m) && !string.IsNullOrWhiteSpace(m) ? m : form["SmsMessageSid"];
                Assert.Equal(1, Requests.StoredInbound(Rig, "twilio", id));
                Assert.Single(StoreSnapshot.InboundBodies(Rig.Database, id));
            }
        }, iter: 1000, threads: 4, print: Describe);
        Report();
    }

    protected async Task TwilioStatusCallbacksAsync()
    {
        var forms = Gen.Dictionary(Gen.OneOf("MessageSid", "SmsSid", "MessageStatus", "SmsStatus", "ErrorCode", "x"), Gen.OneOf(Gen.String, Gen.OneOf("delivered", "failed", "21610", "undelivered")))[0, 6];

        await forms.SampleAsync(async form =>
        {
            var answer = await Requests.SignedTwilioAsync(Rig, form, "/webhooks/twilio/status");

            Assert.False(answer.IsServerError, $"{answer} for {Describe(form)}");
        }, iter: 150, threads: 4, print: Describe);
    }

    protected async Task WhatsAppPayloadsAsync()
    {
        var lines = Rig.Lines.Select(l => l.Number.TrimStart('+')).ToArray();
        var digits = Gen.OneOf(Gen.OneOf(Contacts.Select(c => c.TrimStart('+')).ToArray()), Gen.OneOf(lines), Gen.String, Gen.OneOf("19005550123", "1", "", "+1 (310) 555-0150"));
        var scalar = Gen.OneOf(Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)), Gen.Int.Select(i => (JsonNode?)JsonValue.Create(i)),
            Gen.Const((JsonNode?)null), Gen.Const<JsonNode?>(new JsonArray()), Gen.Const<JsonNode?>(new JsonObject()));
        var message =
            from id in Gen.Frequency((5, Gen.String[Gen.Char.AlphaNumeric, 1, 40].Select(s => "wamid." + s)), (1, Gen.String))
            from sender in Gen.Frequency((5, Gen.OneOf(Contacts.Select(c => c.TrimStart('+')).ToArray())), (1, digits))
            from type in Gen.OneOf("text", "image", "button", "interactive", "reaction", "unsupported", "")
            from body in Text
            from drop in Gen.Int[0, 8]
            from junk in scalar
            select Message(id, sender, type, body, drop, junk);
        var change =
            from field in Gen.Frequency((6, Gen.Const("messages")), (1, Gen.OneOf("user_preferences", "statuses", "account_update", "")))
            from display in Gen.Frequency((5, Gen.OneOf(lines)), (1, digits))
            from withMetadata in Gen.Frequency((8, Gen.Const(true)), (1, Gen.Const(false)))
            from messages in message.Array[0, 3]
            from statuses in Gen.String.Array[0, 2]
            select Change(field, display, withMetadata, messages, statuses);
        var payloads =
            from changes in change.Array[0, 3]
            from entries in Gen.Int[1, 2]
            from valid in Gen.Frequency((9, Gen.Const(true)), (1, Gen.Const(false)))
            select Payload(valid, entries, changes);

        await payloads.SampleAsync(async payload =>
        {
            var raw = Requests.Utf8(payload.ToJsonString());

            var answer = await Requests.WhatsAppAsync(Rig, raw);
            _statuses.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);

            Assert.False(answer.IsServerError, $"{answer} for {payload.ToJsonString()}");
            if (answer.Status is >= 200 and < 300)
            {
                foreach (var id in MessageIds(payload))
                {
                    Assert.True(Requests.StoredInbound(Rig, "whatsapp", id) == 1, $"{id} was acknowledged but not stored: {payload.ToJsonString()}");
                }
            }
        }, iter: 1000, threads: 4, print: p => p.ToJsonString());
        Report();
    }

    private void Report() => output.WriteLine("answers: " + string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Value} × {s.Key}")));

    private static Dictionary<string, string> Form(string sid, string from, string to, string body, Dictionary<string, string> extras, int omitted)
    {
        var form = new Dictionary<string, string>(extras, StringComparer.Ordinal)
        {
            ["MessageSid"] = sid, ["SmsMessageSid"] = sid, ["From"] = from, ["To"] = to, ["Body"] = body,
        };
        // Sometimes a field Twilio always sends is missing.
        var names = new[] { "MessageSid", "From", "To", "Body", "SmsMessageSid" };
        if (omitted < names.Length)
        {
            form.Remove(names[omitted]);
        }

        return form;
    }

    private static JsonObject Message(string id, string from, string type, string body, int drop, JsonNode? junk)
    {
        var message = new JsonObject { ["id"] = id, ["from"] = from, ["timestamp"] = "1767225600", ["type"] = type };
        if (type.Length > 0)
        {
            message[type] = type == "text" ? new JsonObject { ["body"] = body } : new JsonObject { ["caption"] = body, ["text"] = body, ["title"] = body };
        }

        switch (drop)
        {
            case 0: message.Remove("id"); break;
            case 1: message.Remove("from"); break;
            case 2: message.Remove("type"); break;
            case 3: message["id"] = junk?.DeepClone(); break;
            case 4: message["from"] = junk?.DeepClone(); break;
        }

        return message;
    }

    private static JsonObject Change(string field, string display, bool withMetadata, JsonObject[] messages, string[] statuses)
    {
        var value = new JsonObject { ["messaging_product"] = "whatsapp" };
        if (withMetadata)
        {
            value["metadata"] = new JsonObject { ["display_phone_number"] = display, ["phone_number_id"] = "109000000000001" };
        }

        value["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)m.DeepClone())]);
        value["statuses"] = new JsonArray([.. statuses.Select(s => (JsonNode)new JsonObject { ["id"] = s, ["status"] = "delivered", ["recipient_id"] = "13105550150" })]);
        return new JsonObject { ["field"] = field, ["value"] = value };
    }

    private static JsonObject Payload(bool valid, int entries, JsonObject[] changes) => new()
    {
        ["object"] = valid ? "whatsapp_business_account" : "page",
        ["entry"] = new JsonArray([.. Enumerable.Range(0, entries).Select(i => (JsonNode)new JsonObject
        {
            ["id"] = "102290129340398",
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode)c.DeepClone())]),
        })]),
    };

    /// <summary>The inbound message ids of a payload the server acknowledged: every one must be stored.</summary>
    private static IEnumerable<string> MessageIds(JsonObject payload) =>
        from entry in payload["entry"]!.AsArray()
        from change in entry!["changes"]!.AsArray()
        where (string?)change!["field"] == "messages"
        from message in change!["value"]!["messages"]!.AsArray()
        let id = message!["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null
        where !string.IsNullOrEmpty(id)
        select id;

    private static string Describe(Dictionary<string, string> form) => string.Join("&", form.Select(f => $"{f.Key}={f.Value}"));
}
