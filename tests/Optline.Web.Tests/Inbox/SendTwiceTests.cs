using Microsoft.Extensions.DependencyInjection;
using Optline.Core.Consent;
using Optline.Storage.Conversations;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Inbox;

/// <summary>The inbox's send form carries a key of its own: a double click or a browser sending the form again stores the message once.</summary>
[Collection(WebCollection.Name)]
public sealed class SendTwiceTests(WebFixture web)
{
    [BrowserFact]
    public async Task A_send_form_posted_twice_stores_and_sends_the_message_once()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        await web.Server.LineWritesAsync(line, contact, "Can we meet this week?");
        await web.Server.WaitForSentAsync(contact, 1);
        await web.Server.ContactWritesAsync(line, contact, "YES");
        var inbox = await web.SignedInAsync(key);
        await inbox.Locator($".conversations li[data-contact='{contact}'] a").ClickAsync();
        await inbox.Locator("form.composer textarea").FillAsync("Your statement is ready");
        var fields = await inbox.Locator("form.composer").EvaluateAsync<Dictionary<string, string>>("form => Object.fromEntries(new FormData(form))");

        var first = await PostAsync(inbox, fields);
        var again = await PostAsync(inbox, fields);
        var edited = await PostAsync(inbox, new Dictionary<string, string>(fields) { ["body"] = "Your statement is ready (corrected)" });

        Assert.All([first, again, edited], status => Assert.Equal(302, status));
        await inbox.ReloadAsync();
        await Assertions.Expect(Screens.Message(inbox, "Your statement is ready")).ToHaveCountAsync(1);
        await Assertions.Expect(Screens.Message(inbox, "Your statement is ready (corrected)")).ToHaveCountAsync(1);
        await web.Server.WaitForSentAsync(contact, 5);
        var sent = await web.Server.Services.GetRequiredService<ConversationQueries>().SimulatedOutboundAsync(contact, [Channel.Sms], 0, 100);
        Assert.Single(sent, m => m.Body == "Your statement is ready");
    }

    private static async Task<int> PostAsync(IPage inbox, Dictionary<string, string> fields)
    {
        var form = inbox.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        var response = await inbox.APIRequest.PostAsync("/inbox?handler=Send", new() { Form = form, MaxRedirects = 0 });
        return response.Status;
    }
}
