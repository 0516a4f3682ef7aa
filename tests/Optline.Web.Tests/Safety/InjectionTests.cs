using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Safety;

/// <summary>Whatever a contact or an admin types is shown as text: no markup or script from user content ever runs.</summary>
[Collection(WebCollection.Name)]
public sealed class InjectionTests(WebFixture web)
{
    private const string Script = "<script>alert(1)</script>";
    private const string ImageName = "<img src=x onerror=alert(2)>";

    [BrowserFact]
    public async Task Script_in_a_message_body_and_a_display_name_renders_as_text()
    {
        var (line, key) = await web.Server.NewLineAsync(ImageName);
        var contact = web.Server.NewContactNumber();
        await web.Server.LineWritesAsync(line, contact, "Hello");
        await web.Server.WaitForSentAsync(contact, 1);
        await web.Server.ContactWritesAsync(line, contact, "YES");
        await web.Server.ContactWritesAsync(line, contact, Script);
        var inbox = await web.SignedInAsync(key);
        var phone = await web.NewPageAsync();

        await inbox.Locator($".conversations li[data-contact='{contact}'] a").ClickAsync();
        await Assertions.Expect(Screens.Message(inbox, Script)).ToHaveCountAsync(1);
        await Assertions.Expect(inbox.GetByRole(AriaRole.Heading, new() { Name = "Inbox — " + ImageName })).ToBeVisibleAsync();
        await Screens.ReplyAsync(inbox, "<b>bold?</b>" + Script);
        await Assertions.Expect(Screens.Message(inbox, "<b>bold?</b>" + Script)).ToHaveCountAsync(1);

        await Screens.OpenPhoneAsync(phone, contact, line.Number);
        await Assertions.Expect(Screens.Received(phone).First).ToHaveTextAsync(SeedTexts.LineRequest(ImageName));
        await Assertions.Expect(Screens.Received(phone).Last).ToHaveTextAsync("<b>bold?</b>" + Script);
        await Screens.TextFromPhoneAsync(phone, "<i>still</i> " + Script);
        await Assertions.Expect(Screens.Message(inbox, "<i>still</i> " + Script)).ToHaveCountAsync(1);

        foreach (var page in new[] { inbox, phone })
        {
            await Assertions.Expect(page.Locator("main script, main img, main b, main i")).ToHaveCountAsync(0);
        }

        Assert.Empty(web.Dialogs);
    }

    [BrowserFact]
    public async Task A_post_without_the_antiforgery_token_is_refused_even_with_a_session()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var inbox = await web.SignedInAsync(key);

        var response = await inbox.APIRequest.PostAsync("/inbox?handler=Send", new()
        {
            Form = inbox.APIRequest.CreateFormData().Set("line", line.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Set("to", web.Server.NewContactNumber()).Set("channel", "sms").Set("body", "Forged"),
            MaxRedirects = 0,
        });

        Assert.Equal(400, response.Status);
    }
}
