using System.Net;

namespace Optline.Server.Tests.Webhooks;

/// <summary>A provider message id seen before is acknowledged again but processed once.</summary>
public sealed class DuplicateDeliveryTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task The_same_message_sid_twice_is_processed_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var sid = CarrierWebhooks.NewTwilioSid();

        using var first = await server.Carriers.TwilioInboundAsync(contact, line.Number, "Hi Alex", sid);
        using var second = await server.Carriers.TwilioInboundAsync(contact, line.Number, "Hi Alex", sid);

        await Http.ExpectStatusAsync(first, HttpStatusCode.OK);
        await Http.ExpectStatusAsync(second, HttpStatusCode.OK);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Single(conversation.Items, i => i.IsInboundMessage);
        Assert.Equal([SeedTexts.ContactPendingNotice], conversation.Notices);
        Assert.Single(server.Carrier.To(contact));
    }

    [Fact]
    public async Task The_same_message_sid_five_times_at_once_is_processed_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var sid = CarrierWebhooks.NewTwilioSid();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => server.Carriers.TwilioInboundAsync(contact, line.Number, "Hi Alex", sid)));

        foreach (var response in responses)
        {
            await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
            response.Dispose();
        }

        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Single(conversation.Items, i => i.IsInboundMessage);
        Assert.Single(server.Carrier.To(contact));
    }

    [Fact]
    public async Task A_repeated_yes_confirms_and_releases_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Hello there");
        await server.Carrier.WaitForAsync(contact, 1);
        var sid = CarrierWebhooks.NewTwilioSid();

        using var first = await server.Carriers.TwilioInboundAsync(contact, line.Number, "YES", sid);
        using var second = await server.Carriers.TwilioInboundAsync(contact, line.Number, "YES", sid);

        await Http.ExpectStatusAsync(second, HttpStatusCode.OK);
        await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal([SeedTexts.LineOptedInConfirm, "Hello there"], server.Carrier.BodiesTo(contact).Skip(1));
    }
}
