using System.Text.RegularExpressions;
using Optline.Web.Tests.Infrastructure;

namespace Optline.Web.Tests.SeedFlows;

/// <summary>
/// The seed's flows played in two browsers at once, as a demo would: the line user in the inbox, and a second person
/// playing the contact on the simulator's phone. Neither page is reloaded by hand after the other acts: the inbox and
/// the phone update themselves (server-sent events).
/// </summary>
[Collection(WebCollection.Name)]
public sealed class SeedFlowTests(WebFixture web)
{
    [BrowserFact]
    public async Task Line_writes_first_contact_says_yes_then_stop_and_the_send_box_refuses()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        var inbox = await web.SignedInAsync(key);
        var phone = await web.NewPageAsync();

        await Screens.WriteNewMessageAsync(inbox, contact, "Hi, this is Alex from Acme.");
        await Assertions.Expect(Screens.SendResult(inbox)).ToHaveTextAsync(
            "The contact has been asked to opt in; your message will be delivered when they reply YES.");
        await Assertions.Expect(Screens.Notices(inbox)).ToHaveTextAsync([SeedTexts.LinePendingNotice]);
        await Assertions.Expect(Screens.Message(inbox, "Hi, this is Alex from Acme.").Locator(".flag")).ToHaveTextAsync("Held: waiting for the contact to opt in");
        await Assertions.Expect(Screens.ConsentBadge(inbox)).ToHaveTextAsync("Pending opt-in");

        await Screens.OpenPhoneAsync(phone, contact, line.Number);
        await Assertions.Expect(Screens.Received(phone)).ToHaveTextAsync([SeedTexts.LineRequest("Alex Morgan")]);

        await Screens.TextFromPhoneAsync(phone, "YES");
        await Assertions.Expect(Screens.Received(phone)).ToHaveTextAsync(
            [SeedTexts.LineRequest("Alex Morgan"), SeedTexts.LineOptedInConfirm, "Hi, this is Alex from Acme."]);
        await WebFixture.ScreenshotAsync(phone, "simulator", fullPage: false);

        await Assertions.Expect(Screens.Notices(inbox)).ToHaveTextAsync([SeedTexts.LinePendingNotice, SeedTexts.LineOptedInNotice]);
        await Assertions.Expect(Screens.ConsentBadge(inbox)).ToHaveTextAsync("Opted in");
        var delivered = Screens.Message(inbox, "Hi, this is Alex from Acme.");
        await Assertions.Expect(delivered.Locator(".status")).ToHaveTextAsync(new Regex("^(Sent|Delivered)$"));
        await Assertions.Expect(delivered.Locator(".flag")).ToHaveCountAsync(0);
        await WebFixture.ScreenshotAsync(inbox, "inbox", fullPage: false);

        await Screens.TextFromPhoneAsync(phone, "STOP");
        await Assertions.Expect(Screens.Received(phone).Last).ToHaveTextAsync(SeedTexts.OptOutConfirm);
        await Assertions.Expect(Screens.Notices(inbox).Last).ToHaveTextAsync(SeedTexts.OptOutNotice);
        await Assertions.Expect(Screens.ConsentBadge(inbox)).ToHaveTextAsync("Opted out");
        await Assertions.Expect(inbox.Locator("#consent-explanation")).ToContainTextAsync("This contact opted out.");

        await Screens.ReplyAsync(inbox, "Are you still there?");
        await Assertions.Expect(Screens.SendResult(inbox)).ToHaveTextAsync(new Regex("^This contact opted out\\. Nothing was sent"));
        await Assertions.Expect(Screens.Message(inbox, "Are you still there?").Locator(".flag")).ToHaveTextAsync("Blocked: this contact opted out");
        await Assertions.Expect(Screens.Received(phone).Last).ToHaveTextAsync(SeedTexts.OptOutConfirm);
        await WebFixture.ScreenshotAsync(inbox, "inbox-opted-out", fullPage: false);
    }

    [BrowserFact]
    public async Task Contact_writes_first_and_their_held_message_appears_when_they_say_yes()
    {
        var (line, key) = await web.Server.NewLineAsync("Alex Morgan");
        var contact = web.Server.NewContactNumber();
        var inbox = await web.SignedInAsync(key);
        var phone = await web.NewPageAsync();
        await Screens.OpenPhoneAsync(phone, contact, line.Number);

        await Screens.TextFromPhoneAsync(phone, "Hello, is this Alex?");
        await Assertions.Expect(Screens.Received(phone)).ToHaveTextAsync([SeedTexts.ContactRequest("Alex Morgan")]);

        var conversation = inbox.Locator($".conversations li[data-contact='{contact}']");
        await Assertions.Expect(conversation.Locator("[data-state]")).ToHaveTextAsync("Pending opt-in");
        await Assertions.Expect(conversation.Locator(".held-count")).ToHaveTextAsync("1 held");
        await conversation.Locator("a").ClickAsync();
        await Assertions.Expect(Screens.Notices(inbox)).ToHaveTextAsync([SeedTexts.ContactPendingNotice]);
        await Assertions.Expect(inbox.Locator(".thread li.msg.inbound .flag")).ToHaveTextAsync("Held until the contact opts in");
        await Assertions.Expect(inbox.Locator(".thread").GetByText("Hello, is this Alex?")).ToHaveCountAsync(0);

        await Screens.TextFromPhoneAsync(phone, "YES");
        await Assertions.Expect(Screens.Received(phone)).ToHaveTextAsync([SeedTexts.ContactRequest("Alex Morgan"), SeedTexts.ContactOptedInConfirm]);
        await Assertions.Expect(Screens.Notices(inbox)).ToHaveTextAsync([SeedTexts.ContactPendingNotice, SeedTexts.ContactOptedInNotice]);
        await Assertions.Expect(Screens.Message(inbox, "Hello, is this Alex?").Locator(".status")).ToHaveTextAsync("Received");
        await Assertions.Expect(Screens.ConsentBadge(inbox)).ToHaveTextAsync("Opted in");

        await Screens.ReplyAsync(inbox, "Yes, Alex here. How can I help?");
        await Assertions.Expect(Screens.SendResult(inbox)).ToHaveTextAsync("Sent: your message is on its way to the contact.");
        await Assertions.Expect(Screens.Received(phone).Last).ToHaveTextAsync("Yes, Alex here. How can I help?");
    }
}
