namespace Optline.Server.Tests.SeedFlows;

/// <summary>
/// The seed flows over the WhatsApp Cloud API: signed webhooks in, the Graph API out. A line writing first is outside
/// any 24-hour window, so its request goes as the configured template carrying the line's display name.
/// </summary>
public sealed class WhatsAppSeedFlowTests(OptlineTestServer server) : SeedFlowTests(server), IClassFixture<OptlineTestServer>
{
    protected override string Channel => "whatsapp";

    protected override string OtherChannel => "sms";

    protected override Task<HttpResponseMessage> PostFromContactAsync(string contact, string line, string body) =>
        Server.Carriers.WhatsAppInboundAsync(contact, line, body);

    protected override void AssertLineRequest(SentMessage request, TestLine line)
    {
        Assert.True(request.IsWhatsAppTemplate, $"expected a template, got {request.RawBody}");
        var (name, parameters) = request.Template();
        Assert.Equal("optline_opt_in_request", name);
        Assert.Equal([line.DisplayName], parameters);
        Assert.Equal($"/v21.0/{OptlineTestServer.WhatsAppPhoneNumberId}/messages", request.Path);
        Assert.Equal("Bearer " + OptlineTestServer.WhatsAppAccessToken, request.Authorization);
    }
}
