using System.Net;
using System.Text.Json;

namespace Optline.Server.Tests.Settings;

/// <summary><c>GET</c> and <c>PATCH /api/v1/settings</c>; each test has an organization of its own.</summary>
public sealed class SettingsTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task Settings_start_with_the_seeds_defaults()
    {
        var organization = await server.NewOrganizationAsync("Defaults Advisors");

        var settings = await organization.Admin.SettingsAsync();

        Assert.True(settings.GetProperty("smsOptInRequired").GetBoolean());
        Assert.Equal("line", settings.GetProperty("optOutScope").GetString());
        Assert.Equal(24 * 3600, settings.GetProperty("requestCooldownSeconds").GetInt64());
        Assert.Equal(3, settings.GetProperty("maxRequests").GetInt32());
        Assert.Equal(30L * 24 * 3600, settings.GetProperty("requestValiditySeconds").GetInt64());
        Assert.Equal(7L * 24 * 3600, settings.GetProperty("heldMessageTtlSeconds").GetInt64());
        Assert.Equal("en", settings.GetProperty("defaultLanguage").GetString());
        var templates = settings.GetProperty("templates");
        Assert.Equal(SeedTexts.ById.Keys.Order(), templates.EnumerateObject().Select(t => t.Name).Order());
        foreach (var (id, text) in SeedTexts.ById)
        {
            Assert.Equal(text, templates.GetProperty(id).GetProperty("en").GetString());
        }

        Assert.Equal(["help", "start", "stop", "yes"], settings.GetProperty("keywords").EnumerateObject().Select(k => k.Name).Order());
    }

    [Fact]
    public async Task A_custom_line_request_text_is_used_for_the_next_request()
    {
        var organization = await server.NewOrganizationAsync("Custom Advisors");
        var line = await server.NewLineAsync(organization.Admin, "Robin Park");
        var contact = server.NewContactNumber();
        const string custom = "{UserName} at {OrganizationName} would like to text you. Reply YES to agree or STOP to refuse.";

        using var patch = await organization.Admin.PatchSettingsAsync(JsonSerializer.Serialize(new { templates = new { line_request = new { en = custom } } }));
        await Http.ExpectStatusAsync(patch, HttpStatusCode.OK);
        await line.Client.SendAsync(line.Number, contact, "Hello");

        var request = Assert.Single(await server.Carrier.WaitForAsync(contact, 1));
        Assert.Equal("Robin Park at Custom Advisors would like to text you. Reply YES to agree or STOP to refuse.", request.Body);
        Assert.Equal(custom, (await organization.Admin.SettingsAsync()).GetProperty("templates").GetProperty("line_request").GetProperty("en").GetString());
    }

    [Fact]
    public async Task Patching_a_template_with_an_unknown_variable_is_refused_naming_the_variable()
    {
        var organization = await server.NewOrganizationAsync("Careful Advisors");
        var before = (await organization.Admin.SettingsAsync()).GetRawText();

        using var patch = await organization.Admin.PatchSettingsAsync("""{"smsOptInRequired": false, "templates": {"line_request": {"en": "Hi from {FirstName}, reply YES"}}}""");

        var problem = await Http.ProblemAsync(patch, HttpStatusCode.BadRequest, "validation");
        Assert.Contains("{FirstName}", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await organization.Admin.SettingsAsync()).GetRawText());
    }

    [Fact]
    public async Task Patching_an_empty_template_text_is_refused()
    {
        var organization = await server.NewOrganizationAsync("Careful Advisors");
        var before = (await organization.Admin.SettingsAsync()).GetRawText();

        using var patch = await organization.Admin.PatchSettingsAsync("""{"templates": {"optout_confirm": {"en": ""}}}""");

        await Http.ProblemAsync(patch, HttpStatusCode.BadRequest, "validation");
        Assert.Equal(before, (await organization.Admin.SettingsAsync()).GetRawText());
    }

    [Fact]
    public async Task Patching_an_unknown_setting_is_refused_and_changes_nothing()
    {
        var organization = await server.NewOrganizationAsync("Careful Advisors");
        var before = (await organization.Admin.SettingsAsync()).GetRawText();

        using var patch = await organization.Admin.PatchSettingsAsync("""{"smsOptInRequired": false, "smsOptInRequiredd": false}""");

        var problem = await Http.ProblemAsync(patch, HttpStatusCode.BadRequest, "validation");
        Assert.Contains("smsOptInRequiredd", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(before, (await organization.Admin.SettingsAsync()).GetRawText());
    }

    [Fact]
    public async Task Patching_malformed_json_is_refused()
    {
        var organization = await server.NewOrganizationAsync("Careful Advisors");

        using var patch = await organization.Admin.PatchSettingsAsync("""{"smsOptInRequired": fals""");

        await Http.ProblemAsync(patch, HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task Removing_a_stop_word_is_impossible_by_reusing_it_elsewhere()
    {
        var organization = await server.NewOrganizationAsync("Careful Advisors");

        using var patch = await organization.Admin.PatchSettingsAsync("""{"keywords": {"yes": {"en": ["STOP"]}}}""");

        await Http.ProblemAsync(patch, HttpStatusCode.BadRequest, "validation");
    }
}
