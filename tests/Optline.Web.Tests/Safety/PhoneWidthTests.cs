using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Safety;

/// <summary>Every main screen works on a 375 px wide phone (nothing scrolls sideways), labels every field and protects every form.</summary>
[Collection(WebCollection.Name)]
public sealed class PhoneWidthTests(WebFixture web)
{
    [BrowserFact]
    public async Task The_main_screens_fit_a_375_pixel_wide_phone()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        await web.Server.LineWritesAsync(line, contact, "A fairly long first message to see how the bubbles wrap on a narrow phone screen.");
        var inbox = await web.SignedInAsync(key, width: 375, height: 812);
        var admin = await web.SignedInAsync(WebServer.AdminKey, width: 375, height: 812);
        var phone = await web.NewPageAsync(width: 375, height: 812);

        await inbox.GotoAsync($"/inbox?line={line.Id}&contact={Uri.EscapeDataString(contact)}&channel=sms");
        await Screens.OpenPhoneAsync(phone, contact, line.Number);
        var screens = new (IPage Page, string Path, string Name)[]
        {
            (phone, "/", "sign-in-375"),
            (inbox, null!, "inbox-375"),
            (phone, $"/simulator?contact={Uri.EscapeDataString(contact)}&line={Uri.EscapeDataString(line.Number)}&channel=sms", "simulator-375"),
            (admin, "/portal", "portal-375"),
            (admin, "/portal/templates", "portal-templates-375"),
            (admin, "/portal/audit", "portal-audit-375"),
        };
        foreach (var (page, path, name) in screens)
        {
            if (path is not null)
            {
                await page.GotoAsync(path);
            }

            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            await WebFixture.ScreenshotAsync(page, name, fullPage: !name.StartsWith("simulator", StringComparison.Ordinal));
            Assert.True(width <= 375, $"{name} is {width} px wide at 375 px.");
        }
    }

    [BrowserFact]
    public async Task Every_form_field_has_a_label_and_every_post_form_an_antiforgery_token()
    {
        var admin = await web.SignedInAsync(WebServer.AdminKey);
        foreach (var path in new[] { "/portal", "/portal/templates", "/portal/keywords", "/portal/lines", "/portal/registry", "/portal/audit", "/inbox", "/simulator" })
        {
            await admin.GotoAsync(path);
            var unlabelled = await admin.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
                  .map(e => e.outerHTML.slice(0, 120))
                """);
            Assert.True(unlabelled.Length == 0, $"{path}: {string.Join(" | ", unlabelled)}");
            var unprotected = await admin.EvaluateAsync<int>(
                "() => [...document.querySelectorAll('form')].filter(f => f.method === 'post' && !f.querySelector('input[name=__RequestVerificationToken]')).length");
            Assert.True(unprotected == 0, $"{path}: {unprotected} form(s) post without an antiforgery token.");
        }
    }
}
