using System.Net;

namespace Optline.Server.Tests.Settings;

/// <summary>With <c>smsOptInRequired</c> off, SMS flows freely, held SMS are delivered, and STOP is still honoured (PRODUCT.md §2).</summary>
public sealed class SmsOptInOffTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task Turning_sms_opt_in_off_delivers_the_held_sms_and_keeps_the_consent_state()
    {
        var organization = await server.NewOrganizationAsync("Relaxed Advisors");
        var line = await server.NewLineAsync(organization.Admin, "Robin Park");
        var contact = server.NewContactNumber();
        Assert.Equal("held", (await line.Client.SendAsync(line.Number, contact, "Held until consent")).Status);
        await server.Carrier.WaitForAsync(contact, 1);

        await TurnSmsOptInOffAsync(organization);

        var conversation = await line.Client.ConversationWhenAsync(line.Number, contact, "sms",
            c => c.Message("Held until consent").Status == "sent", "the held message to be sent");
        Assert.Equal([SeedTexts.LineRequestFor("Robin Park"), "Held until consent"], server.Carrier.BodiesTo(contact));
        Assert.Equal("pending", conversation.Consent.State);
    }

    [Fact]
    public async Task With_sms_opt_in_off_a_first_message_goes_without_a_request_and_stop_still_blocks()
    {
        var organization = await server.NewOrganizationAsync("Relaxed Advisors");
        var line = await server.NewLineAsync(organization.Admin, "Robin Park");
        var contact = server.NewContactNumber();
        await TurnSmsOptInOffAsync(organization);

        var first = await line.Client.SendAsync(line.Number, contact, "No consent needed here");
        Assert.Equal("queued", first.Status);
        await server.Carrier.WaitForAsync(contact, 1);
        await server.ContactTextsAsync(contact, line, "STOP");
        var blocked = await line.Client.SendAsync(line.Number, contact, "after stop");

        Assert.Equal("blocked", blocked.Status);
        Assert.Equal("opted_out", blocked.Reason);
        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal(["No consent needed here", SeedTexts.OptOutConfirm], server.Carrier.BodiesTo(contact));
        Assert.Equal(SeedTexts.OptOutNotice, conversation.Notices[^1]);
    }

    [Fact]
    public async Task With_sms_opt_in_off_a_contact_who_opted_out_must_consent_again()
    {
        var organization = await server.NewOrganizationAsync("Relaxed Advisors");
        var line = await server.NewLineAsync(organization.Admin, "Robin Park");
        var contact = server.NewContactNumber();
        await TurnSmsOptInOffAsync(organization);
        await server.ContactTextsAsync(contact, line, "STOP");
        await server.Carrier.WaitForAsync(contact, 1);

        await server.ContactTextsAsync(contact, line, "Actually, I have a question");

        var conversation = await line.Client.SettledConversationAsync(line.Number, contact);
        Assert.Equal([SeedTexts.OptOutConfirm, SeedTexts.ContactRequestFor("Robin Park")], server.Carrier.BodiesTo(contact));
        Assert.Equal("held", conversation.Message("Actually, I have a question").Status);
        Assert.Equal("held", (await line.Client.SendAsync(line.Number, contact, "Sure, ask away")).Status);
    }

    [Fact]
    public async Task With_sms_opt_in_off_whatsapp_still_needs_consent()
    {
        var organization = await server.NewOrganizationAsync("Relaxed Advisors");
        var line = await server.NewLineAsync(organization.Admin, "Robin Park");
        var contact = server.NewContactNumber();
        await TurnSmsOptInOffAsync(organization);

        var sent = await line.Client.SendAsync(line.Number, contact, "Hello on WhatsApp", "whatsapp");

        Assert.Equal("held", sent.Status);
    }

    private static async Task TurnSmsOptInOffAsync(TestOrganization organization)
    {
        using var patch = await organization.Admin.PatchSettingsAsync("""{"smsOptInRequired": false}""");
        await Http.ExpectStatusAsync(patch, HttpStatusCode.OK);
    }
}
