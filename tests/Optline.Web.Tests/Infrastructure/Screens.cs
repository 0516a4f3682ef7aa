using System.Text.RegularExpressions;

namespace Optline.Web.Tests.Infrastructure;

/// <summary>What a person does on each screen, in the words of the screen (labels and buttons), so the tests read as use.</summary>
public static class Screens
{
    /// <summary>Inbox: write to a contact the line has no open conversation with.</summary>
    public static async Task WriteNewMessageAsync(IPage inbox, string to, string body, string channel = "sms")
    {
        var form = inbox.Locator("#new-conversation");
        if (await form.GetAttributeAsync("open") is null)
        {
            await form.Locator("summary").ClickAsync();
        }

        await form.GetByLabel("To (contact's phone number)").FillAsync(to);
        await form.GetByLabel("Channel").SelectOptionAsync(channel);
        await form.GetByLabel("Message").FillAsync(body);
        await form.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    /// <summary>Inbox: write in the open conversation.</summary>
    public static async Task ReplyAsync(IPage inbox, string body)
    {
        var composer = inbox.Locator("form.composer");
        await composer.Locator("textarea").FillAsync(body);
        await composer.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
    }

    public static ILocator Notices(IPage inbox) => inbox.Locator(".thread .notice p");

    public static ILocator Message(IPage inbox, string body) =>
        inbox.Locator(".thread li.msg").Filter(new() { Has = inbox.Locator("p.body", new() { HasTextRegex = new Regex("^" + Regex.Escape(body) + "$") }) });

    public static ILocator ConsentBadge(IPage inbox) => inbox.Locator("#consent-state");

    public static ILocator SendResult(IPage inbox) => inbox.Locator("#feedback");

    /// <summary>Simulator: the phone of <paramref name="contact"/> talking to <paramref name="line"/>.</summary>
    public static async Task OpenPhoneAsync(IPage simulator, string contact, string line, string channel = "sms")
    {
        await simulator.GotoAsync($"/simulator?contact={Uri.EscapeDataString(contact)}&line={Uri.EscapeDataString(line)}&channel={channel}");
        await Assertions.Expect(simulator.Locator(".phone")).ToBeVisibleAsync();
    }

    /// <summary>Simulator: type as the contact and press Enter.</summary>
    public static async Task TextFromPhoneAsync(IPage simulator, string body)
    {
        var input = simulator.GetByLabel("Message as the contact");
        await input.FillAsync(body);
        await input.PressAsync("Enter");
        await simulator.WaitForLoadStateAsync();
    }

    /// <summary>What the phone received from the line, oldest first.</summary>
    public static ILocator Received(IPage simulator) => simulator.Locator(".phone-messages .bubble.received .text");
}
