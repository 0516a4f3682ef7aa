using System.Globalization;
using System.Net;

namespace Optline.Server.Tests.Api;

/// <summary>Nothing crosses organizations, and a line key acts only for its own line.</summary>
public sealed class TenantIsolationTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task Another_organizations_admin_gets_404_for_a_line_it_does_not_own()
    {
        var (line, contact) = await ConversationOfTheFirstOrganizationAsync();
        var other = await server.NewOrganizationAsync("Other Advisors");

        foreach (var reference in new[] { line.Number, line.Id.ToString(CultureInfo.InvariantCulture) })
        {
            using var conversation = await other.Admin.GetConversationAsync(reference, contact);
            await Http.ProblemAsync(conversation, HttpStatusCode.NotFound, "line-not-found");
            using var consent = await other.Admin.GetConsentAsync(reference, contact);
            await Http.ProblemAsync(consent, HttpStatusCode.NotFound, "line-not-found");
        }

        using var send = await other.Admin.PostMessageAsync(line.Number, contact, "Hello from elsewhere");
        await Http.ProblemAsync(send, HttpStatusCode.NotFound, "line-not-found");
        using var import = await other.Admin.PutConsentAsync(new
        {
            line = line.Number, contact, channel = "sms", state = "opted_out",
        });
        await Http.ProblemAsync(import, HttpStatusCode.NotFound, "line-not-found");
        var unchanged = await server.Admin.SettledConversationAsync(line.Number, contact);
        Assert.Equal("pending", unchanged.Consent.State);
        Assert.DoesNotContain(unchanged.Items, i => i.Body == "Hello from elsewhere");
    }

    [Fact]
    public async Task Another_organizations_admin_sees_none_of_the_first_organizations_lines_or_reviews()
    {
        var (line, contact) = await ConversationOfTheFirstOrganizationAsync();
        await server.ContactTextsAsync(contact, line, "YES");
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var other = await server.NewOrganizationAsync("Other Advisors");

        var lines = await other.Admin.LinesAsync();
        var reviews = await other.Admin.ReviewsAsync();

        Assert.Empty(lines.Items);
        Assert.Empty(reviews.Items);
        Assert.Contains((await server.Admin.ReviewsAsync()).Items, r => r.Contact == contact);
    }

    [Fact]
    public async Task Another_organizations_admin_cannot_decide_the_first_organizations_reviews()
    {
        var (line, contact) = await ConversationOfTheFirstOrganizationAsync();
        await server.ContactTextsAsync(contact, line, "YES");
        await server.ContactTextsAsync(contact, line, "I'll stop by on Tuesday");
        var review = Assert.Single((await server.Admin.ReviewsAsync()).Items, r => r.Contact == contact);
        var other = await server.NewOrganizationAsync("Other Advisors");

        using var response = await other.Admin.DecideReviewAsync(review.Id, "opt_out");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "review-not-found");
        Assert.Equal("opted_in", (await server.Admin.ConsentAsync(line.Number, contact)).State);
    }

    [Fact]
    public async Task Settings_of_one_organization_do_not_change_another()
    {
        var first = await server.NewOrganizationAsync("First Advisors");
        var second = await server.NewOrganizationAsync("Second Advisors");

        using var patch = await first.Admin.PatchSettingsAsync("""{"smsOptInRequired": false}""");

        await Http.ExpectStatusAsync(patch, HttpStatusCode.OK);
        Assert.True((await second.Admin.SettingsAsync()).GetProperty("smsOptInRequired").GetBoolean());
    }

    [Fact]
    public async Task A_line_key_cannot_send_from_another_line()
    {
        var mine = await server.NewLineAsync("Alex Morgan");
        var theirs = await server.NewLineAsync("Sam Rivera");
        var contact = server.NewContactNumber();

        using var response = await mine.Client.PostMessageAsync(theirs.Number, contact, "Pretending to be Sam");

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Empty((await server.Admin.ConversationAsync(theirs.Number, contact)).Items);
        Assert.Empty(server.Carrier.To(contact));
    }

    [Fact]
    public async Task A_line_key_cannot_read_another_lines_conversation_or_consent()
    {
        var mine = await server.NewLineAsync("Alex Morgan");
        var (theirs, contact) = await ConversationOfTheFirstOrganizationAsync();

        using var conversation = await mine.Client.GetConversationAsync(theirs.Number, contact);
        using var consent = await mine.Client.GetConsentAsync(theirs.Number, contact);

        await Http.ProblemAsync(conversation, HttpStatusCode.Forbidden, "forbidden");
        await Http.ProblemAsync(consent, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_line_key_lists_only_its_own_line_and_may_not_administer()
    {
        var mine = await server.NewLineAsync("Alex Morgan");
        await server.NewLineAsync("Sam Rivera");

        var lines = await mine.Client.LinesAsync();
        using var settings = await mine.Client.GetAsync("/api/v1/settings");
        using var create = await mine.Client.PostJsonAsync("/api/v1/lines", new { number = server.NewLineNumber(), displayName = "Sneaky" });

        Assert.Equal([mine.Number], lines.Items.Select(l => l.Number));
        await Http.ProblemAsync(settings, HttpStatusCode.Forbidden, "forbidden");
        await Http.ProblemAsync(create, HttpStatusCode.Forbidden, "forbidden");
    }

    private async Task<(TestLine Line, string Contact)> ConversationOfTheFirstOrganizationAsync()
    {
        var line = await server.NewLineAsync("Sam Rivera");
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Hello from the first organization");
        await server.Carrier.WaitForAsync(contact, 1);
        return (line, contact);
    }
}
