using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.Inbox;

[Collection(WebCollection.Name)]
public sealed class ReviewTests(WebFixture web)
{
    [BrowserFact]
    public async Task A_message_that_merely_mentions_stop_is_flagged_and_the_line_user_decides()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        await web.Server.LineWritesAsync(line, contact, "Can we meet this week?");
        await web.Server.WaitForSentAsync(contact, 1);
        await web.Server.ContactWritesAsync(line, contact, "YES");
        await web.Server.ContactWritesAsync(line, contact, "I'll stop by on Tuesday");
        var inbox = await web.SignedInAsync(key);

        await inbox.GetByRole(AriaRole.Link, new() { Name = "Reviews" }).ClickAsync();
        var review = inbox.Locator("#reviews li").Filter(new() { HasText = contact });
        await Assertions.Expect(review.Locator("blockquote")).ToHaveTextAsync("I'll stop by on Tuesday");
        await WebFixture.ScreenshotAsync(inbox, "inbox-reviews");

        await review.GetByRole(AriaRole.Button, new() { Name = "Not an opt-out" }).ClickAsync();
        await Assertions.Expect(inbox.Locator("#feedback")).ToHaveTextAsync($"Recorded as not an opt-out; {contact} stays opted in.");
        await Assertions.Expect(inbox.Locator("#reviews li").Filter(new() { HasText = contact })).ToHaveCountAsync(0);
    }
}
