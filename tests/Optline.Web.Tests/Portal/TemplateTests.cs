using System.Text.RegularExpressions;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Portal;

/// <summary>Templates are edited in a tenant of their own, so no other test sees the changed text.</summary>
[Collection(WebCollection.Name)]
public sealed class TemplateTests(WebFixture web)
{
    private const string NewRequest = "[Auto Message] {UserName} at {OrganizationName} would like to text you. Reply YES to opt in or STOP to opt out.";

    [BrowserFact]
    public async Task An_admin_edits_a_template_with_a_live_preview_and_the_next_request_uses_it()
    {
        var (organizationId, adminKey) = await web.Server.NewOrganizationAsync("Beacon Wealth");
        var (line, _) = await web.Server.NewLineAsync("Jordan Lee", organizationId);
        var contact = web.Server.NewContactNumber();
        var admin = await web.SignedInAsync(adminKey);
        await admin.GotoAsync("/portal/templates");

        var text = admin.Locator("#text-line_request-en");
        var preview = admin.Locator("#preview-line_request-en");
        var warning = admin.Locator("#warning-line_request-en");
        await Assertions.Expect(preview).ToHaveTextAsync(SeedTexts.LineRequest("Jordan Lee"));

        await text.FillAsync("[Auto Message] {Username} wants to text you.");
        await Assertions.Expect(warning).ToBeVisibleAsync();
        await Assertions.Expect(warning).ToContainTextAsync("Unknown variable {Username}.");
        await text.Locator("xpath=ancestor::form").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#error-line_request-en")).ToContainTextAsync("Unknown variable {Username}.");
        await Assertions.Expect(text).ToHaveValueAsync("[Auto Message] {Username} wants to text you.");

        await text.FillAsync(NewRequest);
        await Assertions.Expect(warning).ToBeHiddenAsync();
        await Assertions.Expect(preview).ToHaveTextAsync(
            "[Auto Message] Jordan Lee at Beacon Wealth would like to text you. Reply YES to opt in or STOP to opt out.");
        await WebFixture.ScreenshotAsync(admin, "portal-templates");
        await text.Locator("xpath=ancestor::form").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#feedback")).ToHaveTextAsync(new Regex("^Saved line_request \\(en\\)"));
        await Assertions.Expect(admin.Locator("#text-line_request-en")).ToHaveValueAsync(NewRequest);

        await admin.GotoAsync($"/inbox?line={line.Id}");
        await Screens.WriteNewMessageAsync(admin, contact, "Hello from Jordan.");
        await Assertions.Expect(Screens.SendResult(admin)).ToHaveTextAsync(
            "The contact has been asked to opt in; your message will be delivered when they reply YES.");

        var phone = await web.NewPageAsync();
        await Screens.OpenPhoneAsync(phone, contact, line.Number);
        await Assertions.Expect(Screens.Received(phone)).ToHaveTextAsync(
            ["[Auto Message] Jordan Lee at Beacon Wealth would like to text you. Reply YES to opt in or STOP to opt out."]);
    }
}
