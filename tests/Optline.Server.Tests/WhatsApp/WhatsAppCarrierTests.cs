using System.Net;

namespace Optline.Server.Tests.WhatsApp;

/// <summary>What the Cloud API reports back: delivery statuses and the contact's own stop preference.</summary>
public sealed class WhatsAppCarrierTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task A_signed_delivered_status_marks_the_message_delivered()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await OptInAsync(line, contact);
        await line.Client.SendAsync(line.Number, contact, "Sure, here is the info.", "whatsapp");
        var sent = (await server.Carrier.WaitForAsync(contact, before + 1))[before];
        await line.Client.SettledConversationAsync(line.Number, contact, "whatsapp");

        using var response = await server.Carriers.PostWhatsAppAsync(CarrierWebhooks.WhatsAppStatusPayload(line.Number, sent.ProviderId, "delivered", contact), Signing.Valid);

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        var conversation = await line.Client.ConversationAsync(line.Number, contact, "whatsapp");
        Assert.Equal("delivered", conversation.Message("Sure, here is the info.").Status);
    }

    [Fact]
    public async Task A_stop_preference_from_whatsapp_opts_out_with_a_notice_and_no_confirmation()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var before = await OptInAsync(line, contact);

        using var response = await server.Carriers.PostWhatsAppAsync(CarrierWebhooks.WhatsAppStopPreferencePayload(line.Number, contact), Signing.Valid);

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact, "whatsapp");
        Assert.Equal("opted_out", conversation.Consent.State);
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
        Assert.Equal(before, server.Carrier.To(contact).Count);
        Assert.Equal("provider", (await line.Client.ConsentAsync(line.Number, contact, "whatsapp")).Source);
    }

    [Fact]
    public async Task Whatsapp_sends_go_to_the_configured_phone_number_id_with_the_access_token()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        await OptInAsync(line, contact);

        Assert.All(server.Carrier.To(contact), m =>
        {
            Assert.Equal($"/v21.0/{OptlineTestServer.WhatsAppPhoneNumberId}/messages", m.Path);
            Assert.Equal("Bearer " + OptlineTestServer.WhatsAppAccessToken, m.Authorization);
        });
    }

    /// <summary>The contact writes first (opening the 24-hour window) and answers YES.</summary>
    private async Task<int> OptInAsync(TestLine line, string contact)
    {
        using var first = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, "Hi Alex, can we talk here?");
        await Http.ExpectStatusAsync(first, HttpStatusCode.OK);
        await server.Carrier.WaitForAsync(contact, 1);
        using var yes = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, "YES");
        await Http.ExpectStatusAsync(yes, HttpStatusCode.OK);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact, "whatsapp");
        Assert.Equal("opted_in", conversation.Consent.State);
        Assert.Equal([SeedTexts.ContactRequestFor(line.DisplayName), SeedTexts.ContactOptedInConfirm], server.Carrier.BodiesTo(contact));
        return server.Carrier.To(contact).Count;
    }
}
