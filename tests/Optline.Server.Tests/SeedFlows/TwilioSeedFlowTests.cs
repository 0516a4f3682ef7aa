using System.Text;

namespace Optline.Server.Tests.SeedFlows;

/// <summary>The seed flows over SMS: signed Twilio webhooks in, the Twilio SDK out to the fake Messages API.</summary>
public sealed class TwilioSeedFlowTests(OptlineTestServer server) : SeedFlowTests(server), IClassFixture<OptlineTestServer>
{
    protected override string Channel => "sms";

    protected override string OtherChannel => "whatsapp";

    protected override Task<HttpResponseMessage> PostFromContactAsync(string contact, string line, string body) =>
        Server.Carriers.TwilioInboundAsync(contact, line, body);

    protected override void AssertLineRequest(SentMessage request, TestLine line)
    {
        Assert.Equal(SeedTexts.LineRequestFor(line.DisplayName), request.Body);
        Assert.Equal(line.Number, request.From);
        Assert.Equal($"/2010-04-01/Accounts/{OptlineTestServer.TwilioAccountSid}/Messages.json", request.Path);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{OptlineTestServer.TwilioAccountSid}:{OptlineTestServer.TwilioAuthToken}"));
        Assert.Equal("Basic " + credentials, request.Authorization);
    }
}
