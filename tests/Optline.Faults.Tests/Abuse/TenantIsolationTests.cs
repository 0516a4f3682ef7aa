using System.Text.RegularExpressions;
using Optline.Faults.Tests.Support;

namespace Optline.Faults.Tests.Abuse;

/// <summary>Two organizations on one server (the second made with the <c>create-organization</c> verb): nothing crosses.</summary>
public sealed partial class TenantIsolationTests(RigFixture fixture) : IClassFixture<RigFixture>
{
    private Rig Rig => fixture.Rig;

    [Fact]
    public async Task Keys_of_another_organization_see_and_change_nothing_of_this_one()
    {
        var output = await Rig.RunCliAsync("create-organization", "--name", "Intruder Capital");
        var intruder = AdminKey().Match(output).Groups[1].Value;
        var line = Rig.Lines[0];
        var contact = Rig.Contacts.Next();
        Assert.Equal(202, (await Requests.SendMessageAsync(Rig, line.ApiKey, line.Number, contact, "Our first message")).Status);
        await Rig.WaitForOutboxDrainAsync(TimeSpan.FromSeconds(30));
        var before = StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM audit_records WHERE organization_id = 1");
        var q = $"line={Uri.EscapeDataString(line.Number)}&contact={Uri.EscapeDataString(contact)}&channel=sms";

        var answers = new Dictionary<string, Answer>
        {
            ["send from its line"] = await Requests.SendMessageAsync(Rig, intruder, line.Number, contact, "Hijacked"),
            ["send by line id"] = await Requests.SendMessageAsync(Rig, intruder, line.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), contact, "Hijacked"),
            ["read the conversation"] = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/conversations?" + q, bearer: intruder),
            ["read the consent"] = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/consents?" + q, bearer: intruder),
            ["import a consent"] = await Requests.JsonAsync(Rig, HttpMethod.Put, "/api/v1/consents", new
            {
                line = line.Number, contact, channel = "sms", state = "opted_in",
                evidence = new { method = "paper", collectedAt = "2026-01-01T00:00:00Z", text = "yes", reference = "forged" },
            }, intruder),
            ["revoke a consent"] = await Requests.JsonAsync(Rig, HttpMethod.Put, "/api/v1/consents", new { line = line.Number, contact, channel = "sms", state = "opted_out" }, intruder),
            ["rename its line"] = await Requests.JsonAsync(Rig, HttpMethod.Patch, $"/api/v1/lines/{line.Id}", new { displayName = "Owned" }, intruder),
            ["issue a key for its line"] = await Requests.SendAsync(Rig, HttpMethod.Post, $"/api/v1/lines/{line.Id}/keys", bearer: intruder),
            ["its audit by line"] = await Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/audit?format=jsonl&line={Uri.EscapeDataString(line.Number)}", bearer: intruder),
            ["its consent proof"] = await Requests.SendAsync(Rig, HttpMethod.Get, $"/api/v1/audit/proof?contact={Uri.EscapeDataString(contact)}&line={Uri.EscapeDataString(line.Number)}", bearer: intruder),
            ["decide a review"] = await Requests.JsonAsync(Rig, HttpMethod.Post, "/api/v1/reviews/1", new { decision = "opt_out" }, intruder),
        };
        var lines = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/lines", bearer: intruder);
        var registry = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/consents/registry?format=json", bearer: intruder);
        var chain = await Requests.SendAsync(Rig, HttpMethod.Get, "/api/v1/audit?format=jsonl", bearer: intruder);

        Assert.All(answers, a => Assert.True(a.Value.Status is 403 or 404, $"{a.Key}: {a.Value}"));
        Assert.Equal(200, lines.Status);
        Assert.Empty(lines.Json()!.Value.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(contact, registry.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(contact, chain.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(line.Number, chain.Body, StringComparison.Ordinal);
        Assert.Equal(before, StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM audit_records WHERE organization_id = 1"));
        Assert.Equal(0, StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM messages WHERE body = 'Hijacked'"));
        Assert.Equal(0, StoreSnapshot.Count(Rig.Database, "SELECT COUNT(*) FROM lines WHERE display_name = 'Owned'"));
    }

    [GeneratedRegex(@"admin key (olk_admin_\S+)")]
    private static partial Regex AdminKey();
}
