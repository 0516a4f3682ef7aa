using System.Text.RegularExpressions;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Portal;

[Collection(WebCollection.Name)]
public sealed class PortalTests(WebFixture web)
{
    [BrowserFact]
    public async Task A_setting_out_of_range_is_shown_next_to_its_field_and_nothing_is_saved()
    {
        var (_, adminKey) = await web.Server.NewOrganizationAsync("Harbor Insurance");
        var admin = await web.SignedInAsync(adminKey);

        await admin.GetByLabel("Requests per contact").FillAsync("50");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();

        await Assertions.Expect(admin.Locator("#maxRequests-error")).ToHaveTextAsync("Must be a whole number from 1 to 20.");
        await Assertions.Expect(admin.GetByLabel("Requests per contact")).ToHaveAttributeAsync("aria-invalid", "true");

        await admin.GetByLabel("Requests per contact").FillAsync("5");
        await admin.GetByLabel("Ask for opt-in before SMS conversations").UncheckAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#feedback")).ToHaveTextAsync(new Regex("^Settings saved as version 2\\."));
        await Assertions.Expect(admin.GetByLabel("Requests per contact")).ToHaveValueAsync("5");
        await Assertions.Expect(admin.GetByLabel("Ask for opt-in before SMS conversations")).Not.ToBeCheckedAsync();
    }

    [BrowserFact]
    public async Task The_registry_finds_a_contact_and_the_record_verifies_and_proves_consent()
    {
        var (line, _) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        await web.Server.LineWritesAsync(line, contact, "Hello!");
        await web.Server.WaitForSentAsync(contact, 1);
        await web.Server.ContactWritesAsync(line, contact, "YES");
        var admin = await web.SignedInAsync(WebServer.AdminKey);

        await admin.GotoAsync("/portal/registry");
        await admin.GetByLabel("Contact number contains").FillAsync(contact[^7..]);
        await admin.GetByLabel("Consent", new() { Exact = true }).SelectOptionAsync("opted_in");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = admin.Locator("#registry tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync(contact);
        await Assertions.Expect(rows.First).ToContainTextAsync("Opted in");
        await WebFixture.ScreenshotAsync(admin, "portal-registry");

        var csv = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Link, new() { Name = "Export as CSV" }).ClickAsync());
        var exported = await File.ReadAllTextAsync((await csv.PathAsync())!);
        Assert.StartsWith("line,displayName,contact,channel,state,since,optOutSource", exported, StringComparison.Ordinal);
        Assert.Contains(contact, exported, StringComparison.Ordinal);

        await admin.GotoAsync("/portal/audit");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#verification")).ToContainTextAsync(new Regex("OK\\. \\d+ records verified\\."));
        await Assertions.Expect(admin.Locator("#audit-records tbody tr").First).ToBeVisibleAsync();
        await WebFixture.ScreenshotAsync(admin, "portal-audit");

        await admin.Locator("#proof-contact").FillAsync(contact);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Open as HTML" }).ClickAsync();
        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Consent proof" })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("body")).ToContainTextAsync(contact);

        await admin.GotoAsync("/portal/audit");
        await admin.Locator("#proof-contact").FillAsync(contact);
        var pdf = await admin.RunAndWaitForDownloadAsync(() => admin.GetByRole(AriaRole.Button, new() { Name = "Download PDF" }).ClickAsync());
        var bytes = await File.ReadAllBytesAsync((await pdf.PathAsync())!);
        Assert.Equal("%PDF"u8.ToArray(), bytes[..4]);
    }

    [BrowserFact]
    public async Task An_admin_adds_a_keyword_and_a_stop_word_is_refused_for_another_set()
    {
        var (_, adminKey) = await web.Server.NewOrganizationAsync("Keystone Health");
        var admin = await web.SignedInAsync(adminKey);
        await admin.GotoAsync("/portal/keywords");

        var yes = admin.Locator("#keywords-yes");
        await yes.GetByLabel("Add words (comma-separated)").FillAsync("yep, sure thing");
        await yes.GetByRole(AriaRole.Button, new() { Name = "Add" }).ClickAsync();
        await Assertions.Expect(admin.Locator("#feedback")).ToHaveTextAsync("Saved the extra YES words in en.");
        await Assertions.Expect(admin.Locator("#words-yes-en")).ToHaveValueAsync("yep, sure thing");

        await admin.Locator("#words-yes-en").FillAsync("yep, unsubscribe");
        await admin.Locator("#words-yes-en").PressAsync("Enter");
        await Assertions.Expect(admin.Locator("#error-yes-en")).ToContainTextAsync("contains a STOP word");
    }

    [BrowserFact]
    public async Task The_outbox_shows_what_is_waiting_and_the_dead_letters()
    {
        var admin = await web.SignedInAsync(WebServer.AdminKey);
        await admin.GotoAsync("/portal/outbox");

        await Assertions.Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Outbox" })).ToBeVisibleAsync();
        await Assertions.Expect(admin.Locator("#outbox-dead")).ToHaveTextAsync("0");
        await Assertions.Expect(admin.GetByText("No dead letters.")).ToBeVisibleAsync();
    }
}
