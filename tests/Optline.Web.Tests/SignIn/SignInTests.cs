using System.Text.RegularExpressions;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.SignIn;

[Collection(WebCollection.Name)]
public sealed class SignInTests(WebFixture web)
{
    [BrowserFact]
    public async Task Admin_signs_in_adds_a_line_and_sees_its_key_only_once()
    {
        var admin = await web.NewPageAsync();
        await admin.GotoAsync("/");
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Optline" })).ToBeVisibleAsync();
        await WebFixture.ScreenshotAsync(admin, "sign-in");

        await admin.GetByLabel("API key").FillAsync(WebServer.AdminKey);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(admin).ToHaveURLAsync(new Regex("/portal$"));
        await WebFixture.ScreenshotAsync(admin, "portal-settings");

        await admin.GetByRole(AriaRole.Link, new() { Name = "Lines" }).ClickAsync();
        var number = web.Server.NewLineNumber();
        await admin.GetByLabel("Business phone number").FillAsync(number);
        await admin.GetByLabel("Display name", new() { Exact = true }).FillAsync("Riley Chen");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Add the line and issue its key" }).ClickAsync();

        var key = admin.Locator("#issued-key-value");
        await Assertions.Expect(key).ToHaveTextAsync(new Regex("^olk_line_[0-9a-f]{40}$"));
        var lineKey = await key.TextContentAsync();
        await Assertions.Expect(admin.Locator($"tr[data-line='{number}']")).ToBeVisibleAsync();
        await WebFixture.ScreenshotAsync(admin, "portal-lines");

        await admin.ReloadAsync();
        await Assertions.Expect(admin.Locator("#issued-key")).ToHaveCountAsync(0);

        var line = await web.SignedInAsync(lineKey!);
        await Assertions.Expect(line).ToHaveURLAsync(new Regex("/inbox$"));
        await Assertions.Expect(line.GetByRole(AriaRole.Heading, new() { Name = "Inbox — Riley Chen" })).ToBeVisibleAsync();
    }

    [BrowserFact]
    public async Task A_wrong_key_is_refused_with_an_explanation()
    {
        var page = await web.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("API key").FillAsync("olk_admin_not_a_real_key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.Locator("#api-key-error")).ToHaveTextAsync(new Regex("This key is not valid"));
        await Assertions.Expect(page.GetByLabel("API key")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.GetByLabel("API key")).ToHaveValueAsync(string.Empty);
    }

    [BrowserFact]
    public async Task A_line_user_is_refused_the_portal_and_other_lines()
    {
        var (_, key) = await web.Server.NewLineAsync("Sam Ortiz");
        var (other, _) = await web.Server.NewLineAsync("Other Person");
        var line = await web.SignedInAsync(key);

        await line.GotoAsync("/portal");
        await Assertions.Expect(line.GetByRole(AriaRole.Heading, new() { Name = "This page is not for your key" })).ToBeVisibleAsync();

        var response = await line.GotoAsync($"/inbox?line={other.Id}");
        Assert.Equal(403, response!.Status);
    }

    [BrowserFact]
    public async Task An_admin_sees_only_the_lines_of_their_own_organization()
    {
        var (organizationId, adminKey) = await web.Server.NewOrganizationAsync("Beacon Wealth");
        var (own, _) = await web.Server.NewLineAsync("Jordan Lee", organizationId);
        var (foreign, _) = await web.Server.NewLineAsync("Not Theirs");
        var admin = await web.SignedInAsync(adminKey);

        await admin.GotoAsync("/portal/lines");
        await Assertions.Expect(admin.Locator($"tr[data-line='{own.Number}']")).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator($"tr[data-line='{foreign.Number}']")).ToHaveCountAsync(0);

        var response = await admin.GotoAsync($"/inbox?line={foreign.Id}");
        Assert.Equal(403, response!.Status);
    }

    [BrowserFact]
    public async Task Signing_out_ends_the_session()
    {
        var admin = await web.SignedInAsync(WebServer.AdminKey);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Optline" })).ToBeVisibleAsync();

        await admin.GotoAsync("/portal");
        await Assertions.Expect(admin).ToHaveURLAsync(new Regex("/\\?returnUrl=%2Fportal$"));
    }

    [BrowserFact]
    public async Task The_session_cookie_is_http_only_strict_and_holds_no_key()
    {
        var admin = await web.SignedInAsync(WebServer.AdminKey);

        var cookies = await admin.Context.CookiesAsync();
        var session = Assert.Single(cookies, c => c.Name == "optline.session");
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.DoesNotContain(WebServer.AdminKey, session.Value, StringComparison.Ordinal);
    }
}
