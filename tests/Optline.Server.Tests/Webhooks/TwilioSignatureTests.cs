using System.Net;

namespace Optline.Server.Tests.Webhooks;

/// <summary><c>X-Twilio-Signature</c> is checked against the public URL and the form; a refused webhook changes nothing.</summary>
public sealed class TwilioSignatureTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Theory]
    [InlineData(Signing.Missing)]
    [InlineData(Signing.WrongSecret)]
    public async Task An_inbound_sms_without_a_valid_signature_is_refused_and_changes_nothing(Signing signing)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.TwilioInboundAsync(contact, line.Number, "Hi there", signing: signing);

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        await AssertNothingStoredAsync(line, contact);
    }

    [Fact]
    public async Task A_signature_over_a_different_form_is_refused()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var signed = CarrierWebhooks.TwilioInboundForm(contact, line.Number, "Hi there");
        var tampered = new Dictionary<string, string>(signed) { ["Body"] = "STOP" };
        var signature = WebhookSigning.Twilio(OptlineTestServer.TwilioAuthToken, server.Carriers.PublicUrl("/webhooks/twilio"), signed);

        using var response = await server.Carriers.PostTwilioAsync("/webhooks/twilio", tampered, signature);

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        await AssertNothingStoredAsync(line, contact);
    }

    [Fact]
    public async Task A_signature_over_another_url_is_refused()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var form = CarrierWebhooks.TwilioInboundForm(contact, line.Number, "Hi there");
        var signature = WebhookSigning.Twilio(OptlineTestServer.TwilioAuthToken, server.Carriers.PublicUrl("/webhooks/twilio/status"), form);

        using var response = await server.Carriers.PostTwilioAsync("/webhooks/twilio", form, signature);

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        await AssertNothingStoredAsync(line, contact);
    }

    [Fact]
    public async Task A_validly_signed_inbound_sms_is_answered_with_empty_twiml()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.TwilioInboundAsync(contact, line.Number, "Hi there");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Response></Response>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("pending", (await server.Admin.ConsentAsync(line.Number, contact)).State);
    }

    [Fact]
    public async Task An_unsigned_status_callback_is_refused_and_leaves_the_message_status()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        await line.Client.SendAsync(line.Number, contact, "Hello");
        var request = Assert.Single(await server.Carrier.WaitForAsync(contact, 1));
        await line.Client.SettledConversationAsync(line.Number, contact);

        using var response = await server.Carriers.TwilioStatusAsync(request.ProviderId, "delivered", signing: Signing.Missing);

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        var conversation = await line.Client.ConversationAsync(line.Number, contact);
        Assert.Equal("sent", Assert.Single(conversation.Items, i => i.IsOutboundMessage && i.Body == request.Body).Status);
    }

    private async Task AssertNothingStoredAsync(TestLine line, string contact)
    {
        var conversation = await server.Admin.ConversationAsync(line.Number, contact);
        Assert.Empty(conversation.Items);
        Assert.Equal("none", conversation.Consent.State);
        Assert.Equal("none", (await server.Admin.ConsentAsync(line.Number, contact)).State);
        Assert.Empty(server.Carrier.To(contact));
    }
}
