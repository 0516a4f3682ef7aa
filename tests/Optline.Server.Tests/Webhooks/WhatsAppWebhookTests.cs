using System.Net;
using System.Text;

namespace Optline.Server.Tests.Webhooks;

/// <summary>Meta's verify handshake and <c>X-Hub-Signature-256</c> over the raw bytes; a refused webhook changes nothing.</summary>
public sealed class WhatsAppWebhookTests(OptlineTestServer server) : IClassFixture<OptlineTestServer>
{
    [Fact]
    public async Task The_verify_handshake_echoes_the_challenge_for_the_configured_token()
    {
        using var response = await server.Carriers.WhatsAppVerifyAsync("subscribe", OptlineTestServer.WhatsAppVerifyToken, "1158201444");

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
        Assert.Equal("1158201444", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_verify_handshake_refuses_a_wrong_token()
    {
        using var response = await server.Carriers.WhatsAppVerifyAsync("subscribe", "not-the-verify-token", "1158201444");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("1158201444", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Signing.Missing)]
    [InlineData(Signing.WrongSecret)]
    public async Task A_message_without_a_valid_signature_is_refused_and_changes_nothing(Signing signing)
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, "YES", signing: signing);

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        var conversation = await server.Admin.ConversationAsync(line.Number, contact, "whatsapp");
        Assert.Empty(conversation.Items);
        Assert.Equal("none", conversation.Consent.State);
        Assert.Empty(server.Carrier.To(contact));
    }

    [Fact]
    public async Task A_signature_over_other_bytes_is_refused()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var signed = CarrierWebhooks.WhatsAppTextPayload(contact, line.Number, "Hi", "wamid.signed");
        var sent = CarrierWebhooks.WhatsAppTextPayload(contact, line.Number, "STOP", "wamid.signed");

        using var response = await server.Carriers.PostWhatsAppAsync(sent, WebhookSigning.WhatsApp(OptlineTestServer.WhatsAppAppSecret, signed));

        await Http.ProblemAsync(response, HttpStatusCode.Forbidden, "invalid-signature");
        Assert.Empty((await server.Admin.ConversationAsync(line.Number, contact, "whatsapp")).Items);
    }

    [Fact]
    public async Task A_body_signed_with_an_independently_computed_vector_is_accepted()
    {
        using var response = await server.Carriers.PostWhatsAppAsync(Encoding.UTF8.GetBytes(WhatsAppVector.Body), WhatsAppVector.Signature);

        await Http.ExpectStatusAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_same_wamid_twice_is_processed_once()
    {
        var line = await server.NewLineAsync();
        var contact = server.NewContactNumber();
        var wamid = CarrierWebhooks.NewWamid();

        using var first = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, "Hi, can we talk here?", wamid);
        using var second = await server.Carriers.WhatsAppInboundAsync(contact, line.Number, "Hi, can we talk here?", wamid);

        await Http.ExpectStatusAsync(first, HttpStatusCode.OK);
        await Http.ExpectStatusAsync(second, HttpStatusCode.OK);
        var conversation = await server.Admin.SettledConversationAsync(line.Number, contact, "whatsapp");
        Assert.Single(conversation.Items, i => i.IsInboundMessage);
        Assert.Equal([SeedTexts.ContactRequestFor(line.DisplayName)], server.Carrier.BodiesTo(contact));
    }

    [Fact]
    public async Task A_message_to_an_unknown_line_is_refused_and_not_stored()
    {
        var contact = server.NewContactNumber();

        using var response = await server.Carriers.WhatsAppInboundAsync(contact, "+12015550199", "Hello?");

        await Http.ProblemAsync(response, HttpStatusCode.NotFound, "line-not-found");
    }
}
