using System.Net;

namespace Optline.Server.Tests.Infrastructure;

/// <summary>Steps many tests start from, over SMS through the fake Twilio.</summary>
public static class Flows
{
    /// <summary>The contact texts the line through a signed Twilio webhook, which must be accepted.</summary>
    public static async Task ContactTextsAsync(this OptlineTestServer server, string contact, TestLine line, string body, IReadOnlyDictionary<string, string>? extra = null)
    {
        using var response = await server.Carriers.TwilioInboundAsync(contact, line.Number, body, extra: extra);
        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    /// <summary>The line writes first and the contact answers YES; returns how many messages the contact has received by then.</summary>
    public static async Task<int> OptInOverSmsAsync(this OptlineTestServer server, TestLine line, string contact)
    {
        var first = await line.Client.SendAsync(line.Number, contact, "Hello from " + line.DisplayName);
        Assert.Equal("held", first.Status);
        await server.Carrier.WaitForAsync(contact, 1);
        await server.ContactTextsAsync(contact, line, "YES");
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal("opted_in", conversation.Consent.State);
        return server.Carrier.To(contact).Count;
    }
}
